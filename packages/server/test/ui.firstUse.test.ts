import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, pageErrors, until } from './fixtures/browser.ts';
import { startTestServer, type TestServer } from './fixtures/testApp.ts';

if (browserSkipReason) console.warn(`web UI test ${browserSkipReason}`);

/** Issue 16: what a first-time user saw wrong in the web UI, walked through in Chromium. */
describe.skipIf(browserSkipReason !== undefined)('web UI, first use (issue 16)', { timeout: 60_000 }, () => {
  let t: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function helloEntry(host: string, token = `hello-${host}`) {
    const entry = await t.entries.add({
      domain: 'hello',
      title: `Hello at ${host}`,
      uniqueId: `hello-${host}`,
      data: { host, apiToken: token },
      source: 'user',
    });
    await t.runtime.setup(entry.entryId);
    return entry;
  }

  async function openUi() {
    const page = await browser.context.newPage();
    const errors = pageErrors(page);
    await page.goto(t.url);
    await until(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('live');
    return { page, errors, id: (s: string) => page.getByTestId(s) };
  }

  it('a reauth asked for on a working entry: closing aborts it, finishing it reads as success with the name filled in', async () => {
    const entry = await helloEntry('porch');
    const { page, errors, id } = await openUi();
    const card = page.getByTestId(`entry-${entry.entryId}`);
    await until(() => card.getAttribute('data-state')).toBe('loaded');

    await card.getByTestId('entry-reauth').click();
    await until(() => id('flow-dialog').getAttribute('data-step-id')).toBe('reauth_confirm');
    expect(await id('flow-title').textContent()).toBe('Sign in to Hello at porch again');
    await id('flow-close').click();
    await until(async () => ((await (await t.api('/api/flows')).json()) as unknown[]).length).toBe(0);
    await until(() => card.getByTestId('entry-state').textContent()).toBe('Loaded');
    expect(await card.getAttribute('data-needs-reauth')).toBe('false');

    await card.getByTestId('entry-reauth').click();
    await until(() => id('flow-dialog').getAttribute('data-step-id')).toBe('reauth_confirm');
    await id('input-apiToken').fill('hello-porch-2');
    await id('flow-submit').click();
    await until(() => id('flow-dialog').getAttribute('data-result-type')).toBe('abort');
    expect(await id('flow-title').textContent()).toBe('Sign in to Hello at porch again');
    expect(await id('flow-title').textContent()).not.toContain('{name}');
    expect(await id('flow-aborted').getAttribute('class')).toContain('success');
    expect(await id('flow-aborted').textContent()).toBe('Signed in again');
    const end = id('flow-statechart').locator('[data-id="abort_reauth_successful"]');
    expect(await end.getAttribute('class')).toContain('cf-end-success');
    expect(await end.getAttribute('class')).toContain('current');
    await id('flow-done').click();
    expect(errors).toEqual([]);
  });

  it('the statechart shows steps only, readable at dialog size, with zoom', async () => {
    const { errors, id } = await openUi();
    await id('add-integration').click();
    await id('handler-hello').click();
    const chart = id('flow-statechart');
    await until(() => chart.locator('.cf-node.current').getAttribute('data-id')).toBe('user');
    const ids = await chart.locator('.cf-node').evaluateAll((n) => n.map((x) => x.getAttribute('data-id')));
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.filter((x) => x?.includes('.'))).toEqual([]);
    const labelPx = () =>
      chart
        .locator('.cf-node.current text')
        .first()
        .evaluate((n) => n.getBoundingClientRect().height);
    expect(await labelPx()).toBeGreaterThanOrEqual(9.5);
    const zoom = async () => Number(await chart.getAttribute('data-zoom'));
    const fit = await zoom();
    await id('chart-zoom-in').click();
    expect(await zoom()).toBeGreaterThan(fit);
    expect(await labelPx()).toBeGreaterThan(10);
    await id('chart-zoom-fit').click();
    expect(await zoom()).toBe(fit);
    await id('flow-close').click();
    expect(errors).toEqual([]);
  });

  it('a reload resumes the same flow; a flow left elsewhere shows when it started and can be discarded', async () => {
    const { page, errors, id } = await openUi();
    await id('add-integration').click();
    await id('handler-hello').click();
    await until(() => id('flow-dialog').getAttribute('data-step-id')).toBe('user');
    const [mine] = (await (await t.api('/api/flows')).json()) as { flowId: string }[];
    await page.reload();
    await until(() => id('flow-dialog').getAttribute('data-step-id')).toBe('user');
    expect(await id('flow-dialog').isVisible()).toBe(true);
    expect(await (await t.api('/api/flows')).json()).toEqual([
      expect.objectContaining({ flowId: mine!.flowId }),
    ]);
    await id('flow-close').click();

    // A tab that was closed mid-flow: its flow is listed with its start time and a Discard button.
    const left = (await (
      await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
    ).json()) as {
      flowId: string;
    };
    const row = id(`flow-${left.flowId}`);
    await until(() => row.getByTestId('flow-started').textContent()).toMatch(/started /);
    await row.getByTestId('flow-discard').click();
    await until(() => row.count()).toBe(0);
    expect(await (await t.api('/api/flows')).json()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('says "saved" for options and "failed" for a refresh that failed', async () => {
    const entry = await helloEntry('attic');
    const { page, errors, id } = await openUi();
    const card = page.getByTestId(`entry-${entry.entryId}`);
    await until(() => card.getAttribute('data-state')).toBe('loaded');
    await card.getByTestId('entry-options').click();
    await until(() => id('flow-dialog').getAttribute('data-step-id')).toBe('init');
    await id('flow-submit').click();
    await until(() => id('flow-created').textContent()).toBe('Options of “Hello at attic” saved.');
    await id('flow-done').click();

    t.hello.revoked.add('hello-attic');
    await card.getByTestId('entry-refresh').click();
    await until(() => id('toast').textContent()).toMatch(/^Hello at attic: refresh failed/);
    expect(errors).toEqual([]);
  });
});
