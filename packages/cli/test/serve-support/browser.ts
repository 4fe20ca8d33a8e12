import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';

/** The browser tests run wherever Chromium is installed, and always in CI (a missing browser fails there). */
export const browserSkipReason =
  !existsSync(CHROMIUM) && !process.env.CI
    ? `skipped: ${CHROMIUM} is missing (apt-get install -y chromium); CI always runs this test`
    : undefined;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium with a fresh profile; `close()` removes the profile again. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'configflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    viewport: { width: 1360, height: 900 },
  });
  // Fail a missing element well before the test's own timeout, with a message naming it.
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const REPO = resolve(import.meta.dirname, '../../../..');

/** Saves a screenshot under test-artifacts/ and, with UPDATE_SCREENSHOTS=1, under docs/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const artifacts = join(REPO, 'test-artifacts');
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    const docs = join(REPO, 'docs', 'screenshots');
    await mkdir(docs, { recursive: true });
    await page.screenshot({ path: join(docs, `${name}.png`) });
  }
}

/**
 * Collects the page's console errors and uncaught exceptions: a test fails on any. A 400 is expected
 * (a form the server rejected), and Chromium logs every one as a console error.
 */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 400 \(Bad Request\)/.test(m.text())) errors.push(m.text());
  });
  return errors;
}

/** Waits for a condition on the page (never for a fixed time); fails after 15 s with the last value. */
export function until<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 15_000, interval: 50 });
}
