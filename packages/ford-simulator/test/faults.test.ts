import { describe, expect, it } from 'vitest';
import { call, EV_VIN, refresh, signedIn, startSim, status, VIN } from './helpers.ts';

describe('fault injection', () => {
  it('answers with the injected status, body and headers for `times` requests', async () => {
    const sim = await startSim();
    const { cat: pair } = await signedIn(sim);
    const added = await call(sim, '/_sim/faults', {
      json: {
        route: 'refresh',
        status: 503,
        body: { message: 'Service Unavailable' },
        headers: { 'Retry-After': '30', 'X-Sim': 'yes' },
        times: 2,
      },
    });
    expect(added.status).toBe(201);
    expect(added.body.id).toEqual(expect.any(String));

    for (let i = 0; i < 2; i++) {
      const res = await refresh(sim, pair.refresh_token);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ message: 'Service Unavailable' });
      expect(res.headers.get('retry-after')).toBe('30');
      expect(res.headers.get('x-sim')).toBe('yes');
    }
    // The faults never reached Ford's logic, so the refresh token is still good.
    expect((await refresh(sim, pair.refresh_token)).status).toBe(200);
    expect((await call(sim, '/_sim/faults')).body.faults).toEqual([]);
    expect(sim.state.stats().faulted).toBe(2);
  });

  it('serves text and HTML bodies and counts injected 429s', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    await call(sim, '/_sim/faults', {
      json: { route: 'status', status: 403, body: '<html>Akamai</html>', times: 1 },
    });
    await call(sim, '/_sim/faults', { json: { route: 'status', status: 429, times: 1 } });
    const html = await status(sim, auto.access_token);
    expect(html.status).toBe(403);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.text).toBe('<html>Akamai</html>');
    const limited = await status(sim, auto.access_token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.body.error).toBe('SIMULATED_FAULT');
    expect(sim.state.stats().rateLimited).toBe(1);
    expect(sim.state.stats().accounts['driver@example.com']!.rateLimited).toBe(1);
  });

  it('stays until deleted when no `times` is given, one by id or all at once', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    const a = (await call(sim, '/_sim/faults', { json: { route: 'status', status: 500 } })).body.id;
    await call(sim, '/_sim/faults', { json: { route: '*', status: 502 } });
    for (let i = 0; i < 3; i++) expect((await status(sim, auto.access_token)).status).toBe(500);
    expect((await call(sim, `/_sim/faults/${a}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(sim, `/_sim/faults/${a}`, { method: 'DELETE' })).status).toBe(404);
    // The wildcard fault now applies to every Ford route, but never to /_sim/.
    expect((await status(sim, auto.access_token)).status).toBe(502);
    expect((await call(sim, '/_sim/stats')).status).toBe(200);
    expect((await call(sim, '/_sim/faults', { method: 'DELETE' })).status).toBe(200);
    expect((await status(sim, auto.access_token)).status).toBe(200);
  });

  it('can be limited to one account', async () => {
    const sim = await startSim();
    const one = await signedIn(sim, 'one@example.com', [VIN]);
    const two = await signedIn(sim, 'two@example.com', [EV_VIN]);
    await call(sim, '/_sim/faults', { json: { route: 'status', status: 401, account: 'ONE@example.com' } });
    expect((await status(sim, one.auto.access_token, VIN)).status).toBe(401);
    expect((await status(sim, two.auto.access_token, EV_VIN)).status).toBe(200);
  });

  it('resets the connection for status "reset" and 0', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    await call(sim, '/_sim/faults', { json: { route: 'status', status: 'reset', times: 1 } });
    await call(sim, '/_sim/faults', { json: { route: 'status', status: 0, times: 1 } });
    await expect(status(sim, auto.access_token)).rejects.toThrow(TypeError);
    await expect(status(sim, auto.access_token)).rejects.toThrow(TypeError);
    expect((await status(sim, auto.access_token)).status).toBe(200);
  });

  it('delays the faulted response while other requests go on', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    await call(sim, '/_sim/faults', { json: { route: 'status', status: 504, delayMs: 300, times: 1 } });
    const order: string[] = [];
    const slow = status(sim, auto.access_token).then((res) => {
      order.push('slow');
      return res;
    });
    // Let the delayed request take the fault before the next one starts.
    while (sim.state.faults().length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const fast = await status(sim, auto.access_token);
    order.push('fast');
    expect(fast.status).toBe(200);
    expect((await slow).status).toBe(504);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('adds latency only when a delay has no status', async () => {
    const sim = await startSim();
    const { auto } = await signedIn(sim);
    await call(sim, '/_sim/faults', { json: { route: 'status', delayMs: 20, times: 1 } });
    expect((await status(sim, auto.access_token)).status).toBe(200);
  });

  it('rejects bad fault specs with 400', async () => {
    const sim = await startSim();
    for (const spec of [
      { route: 'nowhere', status: 500 },
      { route: 'status' },
      { route: 'status', status: 99 },
      { route: 'status', status: 500, times: 0 },
      { route: 'status', status: 500, headers: { 'bad header': 'x' } },
      { route: 'status', status: 500, delayMs: 10_000_000 },
    ]) {
      const res = await call(sim, '/_sim/faults', { json: spec });
      expect(res.status, JSON.stringify(spec)).toBe(400);
      expect(res.body.message).toEqual(expect.any(String));
    }
  });

  it('closes promptly while a delayed fault is pending', async () => {
    const sim = await startSim();
    await call(sim, '/_sim/faults', { json: { route: 'status', status: 500, delayMs: 60_000 } });
    const pending = call(sim, `/v1/telemetry/sources/fordpass/vehicles/${VIN}`).catch(
      (error: unknown) => error,
    );
    while (sim.state.stats().routes.status !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await sim.close();
    expect(await pending).toBeInstanceOf(TypeError);
  });
});
