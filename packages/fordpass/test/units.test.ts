import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EntryRuntime, FlowManager } from '@configflow/core';
import { checkTranslations } from '@configflow/forms';
import { describe, expect, it } from 'vitest';
import {
  findRegion,
  isInvalidTokenBody,
  parsePastedRedirect,
  REDACTED,
  resolveBaseUrls,
  retryAfterMs,
  strings,
} from '../src/index.ts';
import { addVehicle, createAccount, eventually, setupContext, setupWorld, VIN_A } from './helpers.ts';

const GOOD_CODE = [
  'eyJhbGciOiJSU0EtT0FFUCJ9',
  'a'.repeat(342),
  'b'.repeat(16),
  'c'.repeat(600),
  'd'.repeat(22),
].join('.');

describe('pasted redirect URL', () => {
  it.each([
    [`fordapp://userauthorized/?code=${GOOD_CODE}`, 'ford', { ok: true, code: GOOD_CODE }],
    [
      ` fordapp://userauthorized/?code=${GOOD_CODE.slice(0, 300)}\n  ${GOOD_CODE.slice(300)} `,
      'ford',
      { ok: true },
    ],
    [`FORDAPP://userauthorized/?code=${GOOD_CODE}`, 'ford', { ok: true }],
    [`lincolnapp://userauthorized/?code=${GOOD_CODE}`, 'lincoln', { ok: true }],
    [`lincolnapp://userauthorized/?code=${GOOD_CODE}`, 'ford', { ok: false, error: 'url_wrong_scheme' }],
    [
      `fordapp://userauthorized/?code=${GOOD_CODE.slice(0, 60)}…`,
      'ford',
      { ok: false, error: 'url_ellipsis' },
    ],
    [
      `fordapp://userauthorized/?code=${GOOD_CODE.slice(0, 60)}...`,
      'ford',
      { ok: false, error: 'url_ellipsis' },
    ],
    [
      `fordapp://userauthorized/?code=${GOOD_CODE.slice(0, 400)}`,
      'ford',
      { ok: false, error: 'code_truncated' },
    ],
    [
      `fordapp://userauthorized/?code=${GOOD_CODE.replace(/\.d+$/, '')}`,
      'ford',
      { ok: false, error: 'code_truncated' },
    ],
    ['fordapp://userauthorized/', 'ford', { ok: false, error: 'url_missing_code' }],
    [GOOD_CODE, 'ford', { ok: false, error: 'url_wrong_scheme' }],
  ] as const)('%#: %s', (pasted, brand, expected) => {
    expect(parsePastedRedirect(pasted, brand)).toMatchObject(expected);
  });
});

describe('response classification helpers', () => {
  it('460 as a string or a number, or the message, marks an invalid refresh token', () => {
    expect(isInvalidTokenBody({ message: 'x', errorCode: '460' })).toBe(true);
    expect(isInvalidTokenBody({ errorCode: 460 })).toBe(true);
    expect(isInvalidTokenBody({ message: 'Invalid or Expired Token' })).toBe(true);
    expect(isInvalidTokenBody({ message: 'Unauthorized', errorCode: '401' })).toBe(false);
    expect(isInvalidTokenBody('<html>')).toBe(false);
  });

  it('Retry-After in seconds or as an HTTP date', () => {
    const now = Date.UTC(2025, 5, 15, 12);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('legacy region keys of older integrations map to current regions', () => {
    expect(findRegion('UK&Europe')?.key).toBe('rest_of_europe');
    expect(findRegion('USA')?.key).toBe('usa');
    expect(findRegion('Netherlands')?.countryCode).toBe('NLD');
    expect(findRegion('atlantis')).toBeUndefined();
    expect(findRegion('deu')?.loginBase).toBe('https://login.ford.de');
  });

  it("base URLs default to Ford's hosts and accept overrides per role", () => {
    const urls = resolveBaseUrls({ telemetry: 'http://127.0.0.1:1234/' });
    expect(urls.foundational).toBe('https://api.foundational.ford.com');
    expect(urls.telemetry).toBe('http://127.0.0.1:1234');
    expect(() => resolveBaseUrls({ login: 'ftp://x' })).toThrow();
  });
});

describe('translations', () => {
  it('every step, field, error and abort of both flows has an English text', async () => {
    const { integration } = await setupWorld();
    const placeholders: Record<string, string[]> = {
      add_vehicle: ['accounts'],
      region: ['brand'],
      token: ['scheme'],
      reauth_token: ['scheme'],
      vehicle: ['vehicles'],
      reauth_confirm: ['name', 'region'],
      reconfigure: ['name'],
    };
    for (const flow of [integration.flow, integration.flow.options!]) {
      const d = flow.describe();
      const problems = checkTranslations(strings, {
        kind: d.kind,
        // A decide step has no UI, so no text.
        steps: d.steps
          .filter((s) => s.kind !== 'decide')
          .map((s) => ({
            stepId: s.stepId,
            fields: s.fields,
            menuOptions: s.menuOptions,
            placeholders: placeholders[s.stepId] ?? [],
          })),
        errors: d.errors,
        aborts: d.aborts,
        progressActions: [],
      });
      expect(problems).toEqual([]);
    }
  });
});

describe('diagnostics', () => {
  it('exports with every token and the VIN redacted (only the last 4 of the VIN kept)', async () => {
    const { sim, clock, storageDir, integration } = await setupWorld();
    const account = await createAccount(sim, 'driver@example.com', [VIN_A]);
    const manager = new FlowManager({ flows: [integration.flow], clock, idleTimeoutMs: 0 });
    const runtime = new EntryRuntime({ manager, integrations: [integration], clock });
    const entryId = await addVehicle(manager, sim, 'driver@example.com', VIN_A);
    await eventually(() => runtime.status(entryId).availability === 'fresh', 'the entry to load');
    const entry = manager.entries.get(entryId)!;
    const own = await integration.diagnostics!(entry, await integration.setup(entry, setupContext(clock)));
    const full = await runtime.diagnostics(entryId);
    const tokens = JSON.parse(
      await readFile(join(storageDir, 'fordpass', `${account.subject}.json`), 'utf8'),
    );
    for (const text of [JSON.stringify(own), JSON.stringify(full)]) {
      expect(text).not.toContain(VIN_A);
      expect(text).not.toContain(tokens.catAccessToken);
      expect(text).not.toContain(tokens.catRefreshToken);
      expect(text).not.toContain(account.subject);
      expect(text).not.toContain('42.3006');
      expect(text).toContain(REDACTED);
    }
    expect(own).toMatchObject({ vin: REDACTED, vinLast4: VIN_A.slice(-4), account: { loaded: true } });
    expect((own as any).coordinator.state.odometerKm).toBeGreaterThan(0);
    await runtime.stop();
  });
});
