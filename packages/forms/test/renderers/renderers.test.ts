import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileForm, type FormDescription, toJsonForms, toRjsf } from '../../src/index.ts';
import { richSchema } from '../fixtures.ts';
import { type ConsumerForms, consumerForms, VIN, VIN_2 } from './consumerForms.ts';
import {
  browserSkipReason,
  launchRendererBrowser,
  type Renderer,
  type RendererBrowser,
  submitted,
} from './rendererPage.ts';

if (browserSkipReason) console.warn(`renderer test ${browserSkipReason}`);

/**
 * Each exported form drawn by the consumer's real library in headless Chromium, with its default setup:
 * RJSF 6 (`@rjsf/core`, stock theme, `@rjsf/validator-ajv8`) and JSON Forms 3 (`@jsonforms/react`, vanilla
 * renderers, its own Ajv). The user fills and submits; the test reads what the library hands on.
 */
describe.skipIf(browserSkipReason !== undefined)(
  'exported forms in RJSF and JSON Forms',
  { timeout: 60_000 },
  () => {
    let browser: RendererBrowser;
    let forms: ConsumerForms;
    const rich = compileForm({ domain: 'bridge', version: 1, stepId: 'user' }, richSchema).describe({
      suggested: { host: 'nas.local' },
    });
    beforeAll(async () => {
      [browser, forms] = await Promise.all([launchRendererBrowser(), consumerForms()]);
    });
    afterAll(async () => {
      await browser?.close();
      await forms?.close();
    });

    const exportFor = (renderer: Renderer, desc: FormDescription) =>
      renderer === 'rjsf' ? toRjsf(desc) : toJsonForms(desc);

    async function open(renderer: Renderer, desc: FormDescription) {
      const { page, problems } = await browser.open(renderer, exportFor(renderer, desc));
      await page.locator('button[type=submit]').waitFor();
      return { page, problems };
    }

    /** Refused input: the library reported errors, or (RJSF) the browser's own validation held the submit back. */
    const refused = async (page: Page, result: { data: unknown[]; errors: unknown[] }) =>
      result.errors.length > 0 || (await page.locator('form :invalid').count()) > 0;

    const selected = (page: Page, label: string) =>
      page.getByLabel(label).evaluate((s) => (s as unknown as { value: string }).value);

    const submit = async (page: Page) => {
      const before = (await submitted(page)).data.length;
      // JSON Forms hands on its data from an effect after each input: wait for the last input's
      // report (bounded: an input that changes nothing is never reported). RJSF has no such counter.
      await page
        .waitForFunction(
          () => {
            const w = globalThis as unknown as { __inputSeq?: number; __reportedSeq?: number };
            return w.__inputSeq === undefined || w.__reportedSeq === w.__inputSeq;
          },
          undefined,
          { timeout: 2_000 },
        )
        .catch(() => {});
      await page.locator('button[type=submit]').click();
      // RJSF validates synchronously on submit; JSON Forms' data was reported on each change.
      await expect
        .poll(async () => (await submitted(page)).data.length + (await submitted(page)).errors.length)
        .toBeGreaterThan(before - 1);
      return submitted(page);
    };

    describe.each(['rjsf', 'jsonForms'] as const)('%s', (renderer) => {
      it("hello's sign-in form: the token is masked, help shown once, required fields enforced", async () => {
        const { page, problems } = await open(renderer, forms.hello.user);
        const token = page.getByLabel('API token');
        expect(await token.getAttribute('type')).toBe('password');

        const empty = await submit(page);
        expect(empty.data).toEqual([]);
        expect(await refused(page, empty)).toBe(true);

        await page.getByLabel('Host').fill('porch');
        // Once: RJSF printed it as description and as help (JSON Forms shows it once the field is valid).
        await expect.poll(() => page.getByText('Hostname or IP address of the device').count()).toBe(1);
        await token.fill('hello-token');
        const done = await submit(page);
        expect(done.data).toEqual([{ host: 'porch', apiToken: 'hello-token' }]);
        expect(problems).toEqual([]);
      });

      it("FordPass's region: nothing chosen for the user, and a choice is required", async () => {
        const { page, problems } = await open(renderer, forms.fordpass.region);
        const select = page.getByLabel('Region');
        expect(await selected(page, 'Region')).toBe('');
        const none = await submit(page);
        expect(none.data).toEqual([]);
        await select.selectOption({ label: 'Germany' });
        expect((await submit(page)).data).toEqual([{ region: 'deu' }]);
        expect(problems).toEqual([]);
      });

      it("FordPass's vehicle list is a select of the account's vehicles, the suggested one chosen", async () => {
        const { page, problems } = await open(renderer, forms.fordpass.vehicle);
        const select = page.getByLabel('VIN');
        expect(await select.evaluate((s) => s.tagName)).toBe('SELECT');
        const labels = await select
          .locator('option:not([value=""])')
          .evaluateAll((o) => o.map((x) => (x as unknown as { label: string }).label));
        expect(labels).toEqual(['2022 Kuga', '2023 Mustang Mach-E']);
        expect((await submit(page)).data).toEqual([{ vin: VIN }]);
        await select.selectOption({ label: '2023 Mustang Mach-E' });
        expect((await submit(page)).data.at(-1)).toEqual({ vin: VIN_2 });
        expect(problems).toEqual([]);
      });

      it("FordPass's options: units in the labels, defaults in the boxes, bounds enforced", async () => {
        const { page, problems } = await open(renderer, forms.fordpass.options);
        const interval = page.getByLabel('Update interval (s)');
        expect(await interval.inputValue()).toBe('900');
        expect(await page.getByLabel('Tyre pressure unit').inputValue()).not.toBe('');
        expect((await submit(page)).data).toEqual([
          { pollInterval: 900, pressureUnit: 'kPa', distanceUnit: 'km' },
        ]);
        await interval.fill('100');
        const low = await submit(page);
        expect(low.data).toHaveLength(1);
        expect(await refused(page, low)).toBe(true);
        expect(problems).toEqual([]);
      });

      it('a constant, a section and a visibleWhen field', async () => {
        const { page, problems } = await open(renderer, rich);
        const constant = page.getByLabel('Api version');
        expect(
          (await constant.isDisabled().catch(() => false)) ||
            (await constant.getAttribute('readonly')) !== null,
        ).toBe(true);
        expect(await constant.inputValue()).toBe('v2');
        const section = page.getByRole('group', { name: 'Advanced' });
        expect(await section.getByLabel('Interval (s)').inputValue()).toBe('60');
        expect(await page.getByLabel('Push url').isVisible()).toBe(false);
        await page.getByLabel('Mode').selectOption({ label: 'push' });
        await page.getByLabel('Push url').waitFor({ state: 'visible' });
        await page.getByLabel('Password').fill('pw');
        await page.getByLabel('Push url').fill('https://bridge.example/hook');
        const { data } = await submit(page);
        expect(data.at(-1)).toMatchObject({
          host: 'nas.local',
          password: 'pw',
          mode: 'push',
          api_version: 'v2',
          interval: 60,
          push_url: 'https://bridge.example/hook',
        });
        expect(problems).toEqual([]);
      });
    });
  },
);
