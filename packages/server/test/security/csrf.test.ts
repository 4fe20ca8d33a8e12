import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest, serverPool } from './support.ts';

// Attack 2: cross-site requests a page can send without a CORS preflight: a `no-cors` fetch of a Blob
// (no Content-Type), `navigator.sendBeacon` (text/plain), a form post, or a body-less POST. Each is
// sent here with the headers a browser gives it.
const pool = serverPool();
afterEach(() => pool.stopAll());

const EVIL = 'http://evil.example';

describe('cross-site request forgery', () => {
  it('refuses a body without Content-Type (a no-cors Blob) and text/plain (sendBeacon): no flow starts', async () => {
    const t = await pool.start();
    const body = JSON.stringify({ handler: 'hello' });
    const noType = await rawRequest(`${t.url}/api/flows`, { method: 'POST', body });
    expect(noType.status).toBe(415);
    const fromPage = await rawRequest(`${t.url}/api/flows`, {
      method: 'POST',
      headers: { origin: EVIL, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain;charset=UTF-8' },
      body,
    });
    expect(fromPage.status).toBe(403);
    const blob = await rawRequest(`${t.url}/api/flows`, {
      method: 'POST',
      headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
      body,
    });
    expect(blob.status).toBe(403);
    const form = await rawRequest(`${t.url}/api/flows`, {
      method: 'POST',
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'handler=hello',
    });
    expect(form.status).toBe(403);
    expect(t.manager.list()).toEqual([]);
  });

  it('refuses a body-less cross-site POST to an entry (reload, options, reauth)', async () => {
    const t = await pool.start();
    const flow = (await (
      await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } })
    ).json()) as any;
    await t.api(`/api/flows/${flow.flowId}`, { method: 'POST', json: { host: 'h', apiToken: 'hello-1' } });
    const [entry] = t.entries.list();
    for (const action of ['reload', 'options', 'reauth', 'reconfigure']) {
      const r = await rawRequest(`${t.url}/api/entries/${entry!.entryId}/${action}`, {
        method: 'POST',
        headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
      });
      expect(r.status, action).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ error: 'cross_site_request' });
    }
    expect(t.manager.list()).toEqual([]);
  });

  it('serves the same requests from its own origin, and programs that send no Origin', async () => {
    const t = await pool.start();
    const own = await rawRequest(`${t.url}/api/flows`, {
      method: 'POST',
      headers: { origin: t.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ handler: 'hello' }),
    });
    expect(own.status).toBe(200);
    const curl = await rawRequest(`${t.url}/api/flows/${JSON.parse(own.body).flowId}`, { method: 'DELETE' });
    expect(curl.status).toBe(200);
  });
});
