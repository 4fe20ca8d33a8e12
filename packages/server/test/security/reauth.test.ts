import { afterEach, describe, expect, it } from 'vitest';
import { serverPool } from './support.ts';

// Attack 11: POST /api/flows with source "reauth" went around the runtime's one-reauth-per-account rule.
const pool = serverPool();
afterEach(() => pool.stopAll());

describe('one reauth flow per account', () => {
  it('four reauth starts through POST /api/flows (and the entry route) share one flow', async () => {
    const t = await pool.start();
    const { flowId } = (await (
      await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
    ).json()) as any;
    const done = (await (
      await t.api(`/api/flows/${flowId}`, { method: 'POST', json: { host: 'h', apiToken: 'hello-1' } })
    ).json()) as any;
    const entryId = done.entry.entryId;
    const starts = await Promise.all(
      [1, 2, 3, 4].map(() =>
        t.api('/api/flows', { method: 'POST', json: { handler: 'hello', source: 'reauth', entryId } }),
      ),
    );
    const ids = new Set<string>();
    for (const r of starts) {
      expect(r.status).toBe(200);
      ids.add(((await r.json()) as any).flowId);
    }
    ids.add(
      ((await (await t.api(`/api/entries/${entryId}/reauth`, { method: 'POST' })).json()) as any).flowId,
    );
    expect(ids.size).toBe(1);
    expect(t.manager.list({ source: 'reauth' })).toHaveLength(1);
  });
});
