import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, pageErrors, until } from './fixtures/browser.ts';
import { startTestServer, type TestServer } from './fixtures/testApp.ts';

if (browserSkipReason) console.warn(`web UI token test ${browserSkipReason}`);

/** Issue 16 item 8: a server started with --token, and a user who types the wrong one. */
describe.skipIf(browserSkipReason !== undefined)('web UI with an API token', { timeout: 60_000 }, () => {
  let t: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    t = await startTestServer({ token: 'right-token' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('asks for the token, says when the one typed is refused, and goes live with the right one', async () => {
    const page = await browser.context.newPage();
    const errors = pageErrors(page);
    await page.goto(t.url);
    const id = (s: string) => page.getByTestId(s);
    await until(() => id('token-dialog').isVisible()).toBe(true);
    expect(await id('token-error').isVisible()).toBe(false); // none given yet: nothing was refused

    await id('token-input').fill('wrong-token');
    await id('token-form').locator('button[type=submit]').click();
    await until(() => id('token-error').isVisible()).toBe(true);
    expect(await id('token-error').textContent()).toContain('The server refused this token');
    expect(await id('token-dialog').isVisible()).toBe(true);

    await id('token-input').fill('right-token');
    await id('token-form').locator('button[type=submit]').click();
    await until(() => id('connection-status').getAttribute('data-state')).toBe('live');
    expect(await id('token-dialog').isVisible()).toBe(false);
    // The browser logs each refused request; nothing else may go wrong on the page.
    expect(errors.filter((e) => !/status of 401 \(Unauthorized\)/.test(e))).toEqual([]);
    await page.close();
  });
});
