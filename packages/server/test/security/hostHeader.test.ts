import { afterEach, describe, expect, it } from 'vitest';
import { isAllowedHost } from '../../src/index.ts';
import { rawRequest, serverPool } from './support.ts';

// Attack 1: DNS rebinding. A page on attacker.example rebinds its name to 127.0.0.1; the browser then
// sends `Host: 127.attacker.example:PORT` (or any name it likes) with every request to this server.
const pool = serverPool();
afterEach(() => pool.stopAll());

describe('DNS rebinding (Host header)', () => {
  it('refuses a rebound name that only starts like a loopback address', async () => {
    const t = await pool.start();
    const port = t.server.port;
    for (const host of [
      `127.attacker.example:${port}`,
      `127.0.0.1.attacker.example:${port}`,
      'localhost.attacker.example',
      `127.1:${port}`,
    ]) {
      for (const path of ['/api/entries', '/api/flows', '/']) {
        expect((await rawRequest(`${t.url}${path}`, { headers: { host } })).status, `${host} ${path}`).toBe(
          403,
        );
      }
      const start = await rawRequest(`${t.url}/api/flows`, {
        method: 'POST',
        headers: { host, 'content-type': 'application/json' },
        body: JSON.stringify({ handler: 'hello' }),
      });
      expect(start.status).toBe(403);
    }
    expect(t.manager.list()).toEqual([]);
  });

  it('serves exact loopback names and literals: localhost, 127.0.0.0/8, [::1]', async () => {
    const t = await pool.start();
    const port = t.server.port;
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `127.8.9.10:${port}`,
      `[::1]:${port}`,
      'LOCALHOST',
    ]) {
      expect((await rawRequest(`${t.url}/api/handlers`, { headers: { host } })).status, host).toBe(200);
    }
  });

  it('serves a real host name only when it is on the allow-list', async () => {
    const t = await pool.start({ server: { allowedHosts: ['configflow.home.example'] } });
    const get = (host: string) => rawRequest(`${t.url}/api/handlers`, { headers: { host } });
    expect((await get('configflow.home.example')).status).toBe(200);
    expect((await get('configflow.home.example:443')).status).toBe(200);
    expect((await get('other.home.example')).status).toBe(403);
    expect((await get(`127.0.0.1:${t.server.port}`)).status).toBe(200);
  });

  it('judges names exactly (the check the CLI and the server share)', () => {
    expect(isAllowedHost('127.0.0.1:1')).toBe(true);
    expect(isAllowedHost('127.255.255.254')).toBe(true);
    expect(isAllowedHost('127.256.0.1')).toBe(false);
    expect(isAllowedHost('127.example')).toBe(false);
    expect(isAllowedHost('[::1]:80')).toBe(true);
    expect(isAllowedHost('[::2]:80')).toBe(false);
    expect(isAllowedHost('a.example', ['A.example'])).toBe(true);
  });
});
