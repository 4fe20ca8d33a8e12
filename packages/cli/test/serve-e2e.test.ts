import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  launchBrowser,
  pageErrors,
  screenshot,
  until,
} from '../../server/test/fixtures/browser.ts';
import { type ServeProcess, startServe } from './serve-support/serveProcess.ts';

if (browserSkipReason) console.warn(`configflow serve end-to-end test ${browserSkipReason}`);

const DEMO = { username: 'demo@example.com', password: 'demo' };

/**
 * The external sign-in as a person does it: open the flow's link (a new tab), sign in on the
 * simulator's page, and copy the `fordapp://` address it ends on.
 */
async function signInOnSimulator(context: BrowserContext, page: Page): Promise<string> {
  const [tab] = await Promise.all([context.waitForEvent('page'), page.getByTestId('external-link').click()]);
  await tab.waitForLoadState();
  await tab.locator('#username').fill(DEMO.username);
  await tab.locator('#password').fill(DEMO.password);
  await tab.locator('#next').click();
  const pasted = await tab.locator('#redirect-url').inputValue();
  await tab.close();
  return pasted;
}

describe.skipIf(browserSkipReason !== undefined)('configflow serve in Chromium', { timeout: 90_000 }, () => {
  let dataDir: string;
  let serve: ServeProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'configflow-e2e-'));
    [serve, browser] = await Promise.all([
      startServe(['--port', '0', '--data-dir', dataDir]),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    expect(await serve?.stop('SIGTERM')).toBe(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adds a FordPass vehicle through the simulator sign-in, loses it to a revoke, and re-authenticates', async () => {
    const page = await browser.context.newPage();
    const errors = pageErrors(page);
    const id = (s: string) => page.getByTestId(s);
    const dialog = id('flow-dialog');
    const step = () => dialog.getAttribute('data-step-id');
    await page.goto(serve.url);
    await until(() => id('connection-status').getAttribute('data-state')).toBe('live');
    expect(await id('entries-empty').isVisible()).toBe(true);

    // The hello device first: add it, then re-authenticate it from its card.
    await id('add-integration').click();
    await id('handler-hello').click();
    await until(step).toBe('user');
    await id('input-host').fill('porch');
    await id('input-apiToken').fill('hello-e2e-token');
    await id('flow-submit').click();
    await until(() => id('flow-created').isVisible()).toBe(true);
    await id('flow-done').click();
    const hello = page.locator('li[data-domain="hello"]');
    await until(() => hello.getAttribute('data-state')).toBe('loaded');
    await hello.getByTestId('entry-reauth').click();
    await until(step).toBe('reauth_confirm');
    expect(await id('has-value-apiToken').isVisible()).toBe(true);
    await id('input-apiToken').fill('hello-e2e-token-2');
    await id('flow-submit').click();
    await until(() => id('flow-aborted').getAttribute('data-reason')).toBe('reauth_successful');
    await id('flow-done').click();
    await until(() => hello.getAttribute('data-state')).toBe('loaded');

    // FordPass: brand, region, then the external sign-in on the simulator.
    await id('add-integration').click();
    await id('handler-fordpass').click();
    await until(step).toBe('brand');
    await id('flow-submit').click();
    await until(step).toBe('region');
    await id('input-region').selectOption('deu');
    await id('flow-submit').click();
    await until(step).toBe('token');
    expect(await dialog.getAttribute('data-result-type')).toBe('external');
    expect(await id('external-link').getAttribute('target')).toBe('_blank');
    expect(await id('flow-statechart').locator('.cf-node.current').getAttribute('data-id')).toBe('token');
    await screenshot(page, 'fordpass-sign-in-step');
    const redirect = await signInOnSimulator(browser.context, page);
    expect(redirect).toMatch(/^fordapp:\/\/userauthorized\/?\?code=/);
    await id('input-url').fill(redirect);
    await id('flow-submit').click();
    await until(step).toBe('vehicle');
    await id('flow-submit').click();
    await until(() => id('flow-created').isVisible()).toBe(true);
    await id('flow-done').click();
    const car = page.locator('li[data-domain="fordpass"]');
    await until(() => car.getAttribute('data-state')).toBe('loaded');
    expect(await car.getByTestId('entry-state').textContent()).toBe('Loaded');
    await screenshot(page, 'integrations-loaded');

    // Ford revokes every token of the account (a password change): the next refresh finds out.
    const revoked = await fetch(`${serve.simulatorUrl}/_sim/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: DEMO.username }),
    });
    expect(revoked.ok).toBe(true);
    await car.getByTestId('entry-refresh').click();
    await until(() => car.getAttribute('data-needs-reauth')).toBe('true');
    expect(await car.getByTestId('entry-state').textContent()).toBe('Needs re-authentication');
    const cta = car.getByTestId('entry-reauth-callout').getByTestId('entry-reauth');
    expect(await cta.textContent()).toBe('Re-authenticate');
    await screenshot(page, 'needs-reauthentication');

    // The call to action opens the reauth flow the runtime started; sign in the same way.
    await cta.click();
    await until(step).toBe('reauth_confirm');
    expect(await id('input-region').inputValue()).toBe('deu');
    await id('flow-submit').click();
    await until(step).toBe('reauth_token');
    await id('input-url').fill(await signInOnSimulator(browser.context, page));
    await id('flow-submit').click();
    await until(() => id('flow-aborted').getAttribute('data-reason')).toBe('reauth_successful');
    await id('flow-done').click();
    await until(() => car.getAttribute('data-needs-reauth')).toBe('false');
    await until(() => car.getAttribute('data-state')).toBe('loaded');
    await screenshot(page, 'loaded-again');
    expect(errors).toEqual([]);
  });
});
