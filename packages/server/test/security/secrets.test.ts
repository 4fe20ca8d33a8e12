import { defineConfigFlow, type Integration } from '@configflow/core';
import { z } from '@configflow/forms';
import { afterEach, describe, expect, it } from 'vitest';
import { SseClient } from '../fixtures/sseClient.ts';
import { serverPool } from './support.ts';

// Attack 6: a vehicle's VIN is its unique id and a secret of its data (as in the FordPass adapter).
// The entry list redacted it; the create_entry answer and the SSE `ended` event sent it raw.
const VIN = '1FMCU9G67LUA00001';

const vehicle: Integration = {
  flow: defineConfigFlow({
    domain: 'vehicle',
    title: 'Vehicle',
    version: 1,
    sources: { user: 'user' },
    steps: ({ form }) => ({
      user: form({
        schema: z.object({ vin: z.string().length(17) }),
        next: ['create_entry'],
        async submit({ vin }, flow) {
          await flow.setUniqueId(vin);
          return flow.createEntry({ title: `Kuga (${vin})`, data: { vin } });
        },
      }),
    }),
  }),
  secretKeys: ['vin'],
  setup: async () => ({}),
};

const pool = serverPool();
afterEach(() => pool.stopAll());

describe('secrets in flow results', () => {
  it('the create_entry answer and the SSE ended event redact the VIN, as the entry list does', async () => {
    const t = await pool.start({ integrations: [vehicle] });
    const events = await SseClient.open(`${t.url}/api/events`);
    try {
      const { flowId } = (await (
        await t.api('/api/flows', { method: 'POST', json: { handler: 'vehicle' } })
      ).json()) as any;
      const answer = await t.api(`/api/flows/${flowId}`, { method: 'POST', json: { vin: VIN } });
      const text = await answer.text();
      expect(JSON.parse(text)).toMatchObject({ type: 'create_entry', entry: { uniqueId: '**REDACTED**' } });
      expect(text).not.toContain(VIN);
      const ended = await events.waitFor((e) => e.event === 'ended');
      expect(JSON.stringify(ended.data)).not.toContain(VIN);
      await events.waitFor((e) => e.event === 'entry_added');
      expect(JSON.stringify(events.events)).not.toContain(VIN);
      expect(await (await t.api('/api/entries')).text()).not.toContain(VIN);
    } finally {
      events.close();
    }
  });
});
