import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, pageErrors, screenshot, until } from './fixtures/browser.ts';
import { startTestServer, type TestServer } from './fixtures/testApp.ts';

if (browserSkipReason) console.warn(`web UI test ${browserSkipReason}`);

describe.skipIf(browserSkipReason !== undefined)(
  'web UI in Chromium (showcase flow)',
  { timeout: 60_000 },
  () => {
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

    it('renders every widget, sections, conditions, errors, a menu and live progress next to the statechart', async () => {
      const page = await browser.context.newPage();
      const errors = pageErrors(page);
      const id = (s: string) => page.getByTestId(s);
      await page.goto(t.url);
      await until(() => id('connection-status').getAttribute('data-state')).toBe('live');
      await id('add-integration').click();
      await id('handler-showcase').click();

      // A menu, as buttons with their translated labels; the chart marks the menu step.
      const dialog = id('flow-dialog');
      await until(() => id('menu-option-widgets').textContent()).toBe('All the widgets');
      const chart = id('flow-statechart');
      await until(() => chart.getAttribute('data-current-step')).toBe('start');
      expect(await chart.locator('.cf-node.current').getAttribute('data-id')).toBe('start');
      await id('menu-option-widgets').click();

      // The form: one control per widget.
      await until(() => dialog.getAttribute('data-step-id')).toBe('widgets');
      await until(() => chart.locator('.cf-node.current').getAttribute('data-id')).toBe('widgets');
      const widgets = await page
        .locator('[data-testid^="field-"]')
        .evaluateAll((nodes) =>
          nodes.map((n) => `${n.getAttribute('data-testid')}:${n.getAttribute('data-widget')}`),
        );
      expect(widgets).toEqual([
        'field-name:text',
        'field-apiKey:password',
        'field-count:number',
        'field-enabled:boolean',
        'field-color:select',
        'field-tags:multiselect',
        'field-notes:textarea',
        'field-homepage:url',
        'field-contact:email',
        'field-secretLevel:hidden',
        'field-kind:constant',
        'field-shade:select',
      ]);
      expect(await id('input-apiKey').getAttribute('type')).toBe('password');
      expect(await id('input-count').inputValue()).toBe('3');
      expect(await id('unit-count').textContent()).toBe('pcs');
      expect(await id('input-enabled').isChecked()).toBe(true);
      expect(await id('input-homepage').getAttribute('type')).toBe('url');
      expect(await id('input-contact').getAttribute('type')).toBe('email');
      expect(await id('field-secretLevel').isHidden()).toBe(true);
      expect(await id('input-kind').textContent()).toBe('demo');
      expect(await id('field-name').locator('label').textContent()).toContain('Name');
      // visibleWhen: the shade (in the "advanced" section) shows only for green.
      expect(await id('field-shade').isHidden()).toBe(true);
      expect(await id('section-advanced').isHidden()).toBe(true);
      await id('input-color').selectOption('green');
      expect(await id('field-shade').isVisible()).toBe(true);
      expect(await id('section-advanced').isVisible()).toBe(true);
      await id('input-color').selectOption('red');
      expect(await id('field-shade').isHidden()).toBe(true);

      // Schema errors come back per field (400, nothing changed on the server), shown with their text.
      await id('input-name').fill('x');
      await id('flow-submit').click();
      await until(() => id('error-name').textContent()).toBe('Too short');
      expect(await id('error-apiKey').textContent()).toBe('This field is required');
      expect(await id('input-name').inputValue()).toBe('x');
      await screenshot(page, 'ui-form-errors');

      // A handler error from the flow's strings.
      await id('input-name').fill('taken');
      await id('input-apiKey').fill('abcd');
      await id('input-tags-b').check();
      await id('input-notes').fill('two\nlines');
      await id('flow-submit').click();
      await until(() => id('error-name').textContent()).toBe('That name is taken');

      // Progress: the bar follows the server's events.
      await id('input-name').fill('Widgets');
      await id('input-apiKey').fill('abcd');
      await id('flow-submit').click();
      await until(() => dialog.getAttribute('data-result-type')).toBe('progress');
      expect(await id('flow-progress').textContent()).toContain('Crunching numbers');
      await until(() => chart.locator('.cf-node.current').getAttribute('data-id')).toBe('crunch');
      t.gate.push(0.4);
      await until(() => id('progress-bar').evaluate((b) => (b as unknown as { value: number }).value)).toBe(
        0.4,
      );
      await screenshot(page, 'ui-progress');
      t.gate.push('done');
      await until(() => dialog.getAttribute('data-result-type')).toBe('create_entry');
      expect(await id('flow-created').textContent()).toContain('Widgets');
      await until(() => chart.locator('.cf-node.current').getAttribute('data-id')).toBe('create_entry');
      await id('flow-done').click();
      expect(await dialog.isHidden()).toBe(true);
      const card = page.locator('[data-entry-title="Widgets"]');
      await until(() => card.getAttribute('data-state')).toBe('loaded');
      expect(await card.getByTestId('entry-state').textContent()).toBe('Loaded');
      expect(errors).toEqual([]);
    });

    it('shows the external step as a link to a new tab with a paste box, and stored secrets as "has value"', async () => {
      const page = await browser.context.newPage();
      const id = (s: string) => page.getByTestId(s);
      await page.goto(t.url);
      await until(() => id('connection-status').getAttribute('data-state')).toBe('live');
      await id('add-integration').click();
      await id('handler-showcase').click();
      await id('menu-option-link').click();
      await until(() => id('flow-dialog').getAttribute('data-result-type')).toBe('external');
      const link = id('external-link');
      expect(await link.getAttribute('href')).toBe('https://example.invalid/sign-in');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await id('input-url').evaluate((n) => n.tagName)).toBe('TEXTAREA');
      await id('input-url').fill('pasted-value');
      await id('flow-submit').click();
      await until(() => id('flow-dialog').getAttribute('data-result-type')).toBe('create_entry');
      await id('flow-done').click();

      // A reauth form for a hello entry: its token is stored, so the box is empty with a hint.
      const entry = await t.entries.add({
        domain: 'hello',
        title: 'Hello at porch',
        uniqueId: 'hello-porch',
        data: { host: 'porch', apiToken: 'hello-stored-token' },
        source: 'user',
      });
      await t.runtime.setup(entry.entryId);
      const card = page.locator(`[data-testid="entry-${entry.entryId}"]`);
      await until(() => card.getAttribute('data-state')).toBe('loaded');
      await card.getByTestId('entry-reauth').click();
      await until(() => id('flow-dialog').getAttribute('data-step-id')).toBe('reauth_confirm');
      expect(await id('input-apiToken').inputValue()).toBe('');
      expect(await id('has-value-apiToken').isVisible()).toBe(true);
      expect(await page.content()).not.toContain('hello-stored-token');
    });
  },
);
