import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './fixtures/testApp.ts';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.stop();
});

const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as any });

async function addHello(host = 'kitchen', token = 'hello-secret-1') {
  const started = await json(await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } }));
  const done = await json(
    await t.api(`/api/flows/${started.body.flowId}`, { method: 'POST', json: { host, apiToken: token } }),
  );
  expect(done.body.type).toBe('create_entry');
  await t.runtime.idle();
  return done.body.entry.entryId as string;
}

describe('handlers', () => {
  it('lists each handler with its title and sources', async () => {
    const { status, body } = await json(await t.api('/api/handlers'));
    expect(status).toBe(200);
    expect(body).toEqual([
      { domain: 'hello', title: 'Hello device', sources: ['user', 'reauth', 'reconfigure', 'options'] },
      { domain: 'showcase', title: 'Showcase', sources: ['user'] },
    ]);
  });

  it('draws a statechart in every format, restricted to a source on request', async () => {
    const chart = await json(await t.api('/api/handlers/hello/statechart?format=json'));
    expect(chart.status).toBe(200);
    expect(chart.body).toHaveProperty('states');
    const svg = await t.api('/api/handlers/hello/statechart?format=svg&flow=reauth');
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const text = await svg.text();
    expect(text).toContain('<svg');
    expect(text).toContain('data-id="reauth_confirm"');
    expect(text).not.toContain('data-id="reconfigure"');
    const mermaid = await t.api('/api/handlers/hello/statechart?format=mermaid');
    expect(await mermaid.text()).toMatch(/stateDiagram/);
    const dot = await t.api('/api/handlers/hello/statechart?format=dot');
    expect(await dot.text()).toMatch(/digraph/);
    const options = await t.api('/api/handlers/hello/statechart?format=svg&flow=options');
    expect(await options.text()).toContain('data-id="init"');
  });

  it('refuses an unknown format, source or handler', async () => {
    expect((await json(await t.api('/api/handlers/hello/statechart?format=png'))).body.error).toBe(
      'invalid_format',
    );
    const source = await json(await t.api('/api/handlers/showcase/statechart?flow=reauth'));
    expect(source).toMatchObject({ status: 400, body: { error: 'unsupported_source' } });
    const handler = await json(await t.api('/api/handlers/nope/statechart'));
    expect(handler).toMatchObject({ status: 404, body: { error: 'unknown_handler' } });
  });
});

describe('flows', () => {
  it('steps the hello flow: form, schema errors (nothing changes), handler errors, entry', async () => {
    const started = await json(await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } }));
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ type: 'form', handler: 'hello', source: 'user', stepId: 'user' });
    expect(started.body.form.fields.map((f: any) => [f.name, f.widget])).toEqual([
      ['host', 'text'],
      ['apiToken', 'password'],
    ]);
    const flowId = started.body.flowId;

    const list = await json(await t.api('/api/flows'));
    expect(list.body).toEqual([
      { flowId, handler: 'hello', source: 'user', stepId: 'user', startedAt: expect.any(Number) },
    ]);

    const invalid = await json(await t.api(`/api/flows/${flowId}`, { method: 'POST', json: { host: '' } }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual({ host: 'too_short', apiToken: 'required' });
    expect(invalid.body.texts.errors.apiToken).toBe('This field is required');
    const again = await json(await t.api(`/api/flows/${flowId}`));
    expect(again.body).toMatchObject({ type: 'form', stepId: 'user' });
    expect(again.body.errors).toBeUndefined();

    const wrong = await json(
      await t.api(`/api/flows/${flowId}`, { method: 'POST', json: { host: 'h', apiToken: 'nope' } }),
    );
    expect(wrong.body).toMatchObject({ type: 'form', errors: { base: 'invalid_auth' } });
    expect(wrong.body.texts.errors.base).toEqual(expect.any(String));
    expect(wrong.body.texts.errors.base).not.toBe('invalid_auth');

    const done = await json(
      await t.api(`/api/flows/${flowId}`, { method: 'POST', json: { host: 'h', apiToken: 'hello-1' } }),
    );
    expect(done.body).toMatchObject({ type: 'create_entry', title: 'Hello at h' });
    expect(done.body.entry).not.toHaveProperty('data');
    expect((await t.api(`/api/flows/${flowId}`)).status).toBe(404);
    expect((await t.api(`/api/flows/${flowId}`, { method: 'POST', json: {} })).status).toBe(404);
  });

  it('aborts a flow with DELETE; a second DELETE is a 404', async () => {
    const { body } = await json(await t.api('/api/flows', { method: 'POST', json: { handler: 'hello' } }));
    const deleted = await json(await t.api(`/api/flows/${body.flowId}`, { method: 'DELETE' }));
    expect(deleted).toEqual({ status: 200, body: { flowId: body.flowId, aborted: true } });
    expect((await t.api(`/api/flows/${body.flowId}`)).status).toBe(404);
    expect((await t.api(`/api/flows/${body.flowId}`, { method: 'DELETE' })).status).toBe(404);
    expect(await (await t.api('/api/flows')).json()).toEqual([]);
  });

  it('maps typed errors: unknown handler, unsupported source, missing entry, bad body', async () => {
    const start = (body: unknown) => t.api('/api/flows', { method: 'POST', json: body }).then(json);
    expect(await start({ handler: 'nope' })).toMatchObject({
      status: 400,
      body: { error: 'unknown_handler' },
    });
    expect(await start({ handler: 'showcase', source: 'reauth' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_source' },
    });
    expect(await start({ handler: 'hello', source: 'reauth' })).toMatchObject({
      status: 400,
      body: { error: 'entry_required' },
    });
    expect(await start({ handler: 'hello', source: 'reauth', entryId: 'missing' })).toMatchObject({
      status: 400,
      body: { error: 'unknown_entry' },
    });
    expect(await start({ handler: 'hello', source: 'sideways' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_body' },
    });
    expect(await start({})).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    expect(await start([1, 2])).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
  });

  it('walks a menu, a form with every widget, a progress step and ends with an entry', async () => {
    const start = await json(await t.api('/api/flows', { method: 'POST', json: { handler: 'showcase' } }));
    expect(start.body).toMatchObject({ type: 'menu', menuOptions: ['widgets', 'link'] });
    expect(start.body.texts.menuOptions).toEqual({ widgets: 'All the widgets', link: 'Sign in elsewhere' });
    const id = start.body.flowId;
    const bad = await json(await t.api(`/api/flows/${id}`, { method: 'POST', json: { nextStepId: 'x' } }));
    expect(bad).toMatchObject({ status: 400, body: { errors: { nextStepId: 'invalid_option' } } });
    const form = await json(
      await t.api(`/api/flows/${id}`, { method: 'POST', json: { nextStepId: 'widgets' } }),
    );
    expect(form.body.form.fields.map((f: any) => f.widget)).toEqual([
      'text',
      'password',
      'number',
      'boolean',
      'select',
      'multiselect',
      'textarea',
      'url',
      'email',
      'hidden',
      'constant',
      'select',
    ]);
    const input = { name: 'taken', apiKey: 'abcd', color: 'red', kind: 'demo' };
    const taken = await json(await t.api(`/api/flows/${id}`, { method: 'POST', json: input }));
    expect(taken.body.texts.errors).toEqual({ name: 'That name is taken' });
    const progress = await json(
      await t.api(`/api/flows/${id}`, { method: 'POST', json: { ...input, name: 'ok' } }),
    );
    expect(progress.body).toMatchObject({ type: 'progress', progressAction: 'crunching' });
    expect(progress.body.texts.progress).toBe('Crunching numbers');
    t.gate.push('done');
    await t.manager.idle();
    expect(t.entries.list().map((e) => e.title)).toEqual(['ok']);
  });
});

describe('entries', () => {
  it('lists entries and diagnostics without data or secrets', async () => {
    const id = await addHello('kitchen', 'hello-very-secret-token');
    const list = await t.api('/api/entries');
    const text = await list.text();
    expect(text).not.toContain('hello-very-secret-token');
    expect(JSON.parse(text)).toEqual([
      {
        entryId: id,
        domain: 'hello',
        title: 'Hello at kitchen',
        uniqueId: 'hello-kitchen',
        state: 'loaded',
        reason: null,
        options: {},
      },
    ]);
    const diagnostics = await t.api(`/api/entries/${id}/diagnostics`);
    expect(diagnostics.status).toBe(200);
    const diag = await diagnostics.text();
    expect(diag).not.toContain('hello-very-secret-token');
    expect(JSON.parse(diag).entry.data.apiToken).toBe('**REDACTED**');
  });

  it('reloads and refreshes; a revoked token leads to one reauth flow that the button reuses', async () => {
    const id = await addHello('garage', 'hello-old');
    expect((await json(await t.api(`/api/entries/${id}/reload`, { method: 'POST' }))).body.state).toBe(
      'loaded',
    );
    expect((await json(await t.api(`/api/entries/${id}/refresh`, { method: 'POST' }))).body.state).toBe(
      'loaded',
    );

    t.hello.revoked.add('hello-old');
    const refreshed = await json(await t.api(`/api/entries/${id}/refresh`, { method: 'POST' }));
    expect(refreshed.body).toMatchObject({ state: 'setup_error', reason: 'token rejected' });
    const open = (await (await t.api('/api/flows')).json()) as any[];
    expect(open).toEqual([expect.objectContaining({ handler: 'hello', source: 'reauth', entryId: id })]);

    const reauth = await json(await t.api(`/api/entries/${id}/reauth`, { method: 'POST' }));
    expect(reauth.body).toMatchObject({ type: 'form', source: 'reauth', flowId: open[0].flowId });
    expect(reauth.body.form.fields[0]).toMatchObject({ name: 'apiToken', hasValue: true });
    const done = await json(
      await t.api(`/api/flows/${reauth.body.flowId}`, { method: 'POST', json: { apiToken: 'hello-new' } }),
    );
    expect(done.body).toMatchObject({ type: 'abort', reason: 'reauth_successful' });
    expect(done.body.texts.abort).toEqual(expect.any(String));
    await t.runtime.idle();
    expect(t.entries.get(id)).toMatchObject({ state: 'loaded' });
  });

  it('starts reconfigure and options flows for an entry, and deletes it', async () => {
    const id = await addHello();
    const reconf = await json(await t.api(`/api/entries/${id}/reconfigure`, { method: 'POST' }));
    expect(reconf.body).toMatchObject({ type: 'form', source: 'reconfigure', stepId: 'reconfigure' });
    expect(reconf.body.form.fields[0]).toMatchObject({ name: 'host', suggested: 'kitchen' });
    const opts = await json(await t.api(`/api/entries/${id}/options`, { method: 'POST' }));
    expect(opts.body).toMatchObject({ type: 'form', source: 'options', stepId: 'init' });
    const saved = await json(
      await t.api(`/api/flows/${opts.body.flowId}`, {
        method: 'POST',
        json: { scanInterval: 30, greeting: 'Hi' },
      }),
    );
    expect(saved.body.type).toBe('create_entry');
    const [entry] = (await (await t.api('/api/entries')).json()) as any[];
    expect(entry.options).toEqual({ scanInterval: 30, greeting: 'Hi' });

    expect(await json(await t.api(`/api/entries/${id}`, { method: 'DELETE' }))).toEqual({
      status: 200,
      body: { entryId: id, removed: true },
    });
    expect(await (await t.api('/api/entries')).json()).toEqual([]);
    await t.runtime.idle();
    expect(await (await t.api('/api/flows')).json()).toEqual([]);
  });

  it('answers 404 for unknown entries on every entry route', async () => {
    for (const [method, path] of [
      ['DELETE', ''],
      ['POST', '/reload'],
      ['POST', '/refresh'],
      ['POST', '/reauth'],
      ['POST', '/reconfigure'],
      ['POST', '/options'],
      ['GET', '/diagnostics'],
    ] as const) {
      const r = await json(await t.api(`/api/entries/nope${path}`, { method }));
      expect(r, `${method} ${path}`).toMatchObject({ status: 404, body: { error: 'unknown_entry' } });
    }
  });
});
