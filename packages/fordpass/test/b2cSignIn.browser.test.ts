import { FlowManager } from '@configflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, pageErrors } from '../../server/test/fixtures/browser.ts';
import { createAccount, PASSWORD, setupWorld, toTokenStep, VIN_A } from './helpers.ts';

if (browserSkipReason) console.warn(`B2C sign-in browser test ${browserSkipReason}`);

const USER = 'driver@example.com';

/**
 * Ford's sign-in as a real browser goes through it (issue 14 item 10): the B2C page's own script posts
 * SelfAsserted with its CSRF token, then navigates to `confirmed`, which answers a 302 to `fordapp://`.
 * The browser cannot open that scheme; the address it was sent to is what a user copies.
 */
describe.skipIf(browserSkipReason !== undefined)(
  'FordPass sign-in on B2C-like pages in Chromium',
  { timeout: 60_000 },
  () => {
    let browser: Awaited<ReturnType<typeof launchBrowser>>;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(() => browser?.close());

    it('the 302 to fordapp:// the browser receives completes the flow', async () => {
      const w = await setupWorld({ sim: { signInPage: 'b2c' } });
      await createAccount(w.sim, USER, [VIN_A]);
      const manager = new FlowManager({ flows: [w.integration.flow], clock: w.clock, idleTimeoutMs: 0 });
      const token = await toTokenStep(manager);

      const page = await browser.context.newPage();
      const errors = pageErrors(page);
      const missing: string[] = [];
      page.on('response', (r) => {
        if (r.status() === 404) missing.push(new URL(r.url()).pathname);
      });
      const redirected = page.waitForResponse((r) => (r.headers().location ?? '').startsWith('fordapp://'));
      await page.goto(token.url!);
      expect(await page.evaluate(() => typeof (globalThis as { SETTINGS?: unknown }).SETTINGS)).toBe(
        'object',
      );
      await page.locator('input[type=email]').fill(USER);
      await page.locator('input[type=password]').fill(PASSWORD);
      await page.locator('button[type=submit]').click();
      const response = await redirected;
      expect(response.status()).toBe(302);
      expect(new URL(response.url()).pathname).toMatch(/\/api\/CombinedSigninAndSignup\/confirmed$/);
      const location = response.headers().location!;
      expect(location).toMatch(/^fordapp:\/\/userauthorized\/?\?code=/);

      const done = await manager.configure(token.flowId, { url: location });
      expect(done).toMatchObject({ type: 'external_done' });
      expect(await manager.configure(token.flowId)).toMatchObject({ type: 'form', stepId: 'vehicle' });
      // Chromium asks for /favicon.ico, which the simulator does not serve; nothing else may fail.
      expect(missing.filter((p) => p !== '/favicon.ico')).toEqual([]);
      expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
      await page.close();
      await manager.stop();
      await w.sim.close();
    });
  },
);
