import { type ConfigEntry, defineConfigFlow, EntryNotReady, type Integration } from '@configflow/core';
import { CannotConnect, createHelloFlow, type HelloClient, InvalidAuth } from '@configflow/example-hello';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CANARY_SECRET, fuzzFlows, hostileBody, pollutionBody } from '../src/index.ts';

/**
 * A Hello device double whose answer depends on the host, so random input reaches every outcome:
 * cannot_connect, invalid_auth, an unexpected crash, or a device (short ids collide: duplicates).
 */
const fuzzClient: HelloClient = {
  async connect(host, token) {
    if (host.length % 5 === 0) throw new CannotConnect(`${host} does not answer`);
    if (host.length % 7 === 0) throw new InvalidAuth(`token ${token} rejected`);
    if (host.length % 11 === 0) throw new Error(`crashed on ${token}`);
    return { deviceId: `dev-${host.slice(0, 2)}`, name: `Hello ${host.slice(0, 20)}` };
  },
};

const hello = createHelloFlow({ client: fuzzClient });

/** Sets entries up with the same double; its errors quote the token, which the runtime must scrub. */
const helloIntegration: Integration = {
  flow: hello,
  async setup(entry: ConfigEntry, ctx) {
    const token = String(entry.data.apiToken);
    ctx.log(`connecting with token ${token}`);
    try {
      return await fuzzClient.connect(String(entry.data.host), token);
    } catch (error) {
      throw new EntryNotReady(`setup with ${token} failed: ${(error as Error).message}`);
    }
  },
};

describe('fuzzing the hello flows', () => {
  it('random init/configure/abort/restart: typed rejections only, no leak, no pollution, sentinel intact', async () => {
    const stats = await fuzzFlows({
      flows: [hello],
      integrations: [helloIntegration],
      entries: [
        {
          domain: 'hello',
          title: 'Seeded',
          uniqueId: 'dev-se',
          data: { host: 'seeded.local', apiToken: CANARY_SECRET },
          options: { scanInterval: 60 },
        },
      ],
      // Fixed, so every form is reached in every run (FUZZ_SEED explores others).
      seed: Number(process.env.FUZZ_SEED) || 1,
    });
    console.log(`fuzz: ${stats.cases} cases, ${stats.operations} operations, ${stats.restarts} restarts`);
    console.log(`fuzz outcomes: ${JSON.stringify(stats.outcomes)}`);
    console.log(`fuzz forms hit: ${JSON.stringify(stats.formsHit)}`);
    expect(stats.cases).toBeGreaterThanOrEqual(1);
    // Every form of both flows was fuzzed, and cases got past validation into the steps.
    expect(Object.keys(stats.formsHit).sort()).toEqual([
      'hello/config/reauth_confirm',
      'hello/config/reconfigure',
      'hello/config/user',
      'hello/options/init',
    ]);
    expect(stats.outcomes).toHaveProperty('invalid_input');
    expect(stats.outcomes).toHaveProperty('create_entry');
  });
});

describe('the arbitraries, on their own', () => {
  it('a form never throws on hostile bodies, and refuses every prototype-polluting one', () => {
    const form = hello.form('user')!;
    fc.assert(
      fc.property(hostileBody(['host', 'apiToken']), (body) => {
        form.validate(body);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(pollutionBody(['host', 'apiToken']), (body) => {
        expect(form.validate(body)).toMatchObject({ ok: false, errors: { base: 'forbidden_key' } });
      }),
    );
  });
});

describe('the fuzz properties fail on a broken flow', () => {
  const leaky = defineConfigFlow({
    domain: 'leaky',
    sources: { user: 'user' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({ password: z.string().meta({ secret: true }) }),
        errors: ['rejected'],
        next: ['create_entry'],
        // Echoes the secret into the re-shown form's placeholders.
        submit: ({ password }, flow) => flow.showErrors({ base: 'rejected' }, { tried: password }),
      }),
    }),
  });

  it('a secret echoed into a result', async () => {
    await expect(fuzzFlows({ flows: [leaky], numRuns: 20, seed: 1, shrink: false })).rejects.toThrow(
      /secret in the outcome/,
    );
  });

  it('a polluted Object.prototype', async () => {
    const polluting = defineConfigFlow({
      domain: 'polluting',
      sources: { user: 'user' },
      steps: ({ form }) => ({
        user: form({
          schema: z.object({ name: z.string() }),
          next: ['create_entry'],
          submit: ({ name }, flow) => {
            Object.assign(Object.prototype, { [`fuzz_${name.length}`]: true });
            return flow.createEntry({ title: 'x', data: {} });
          },
        }),
      }),
    });
    try {
      await expect(fuzzFlows({ flows: [polluting], numRuns: 20, seed: 1, shrink: false })).rejects.toThrow(
        /built-in prototypes changed/,
      );
    } finally {
      for (const key of Object.getOwnPropertyNames(Object.prototype))
        if (key.startsWith('fuzz_')) delete (Object.prototype as Record<string, unknown>)[key];
    }
  });
});
