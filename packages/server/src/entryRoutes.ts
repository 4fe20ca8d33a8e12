import type { FlowResult, Source } from '@configflow/core';
import { Hono } from 'hono';
import { withTexts } from './flowTexts.ts';
import { HttpError } from './httpError.ts';
import { publicEntry } from './publicEntry.ts';
import { publicResult } from './publicResult.ts';
import type { ServerApp } from './serverApp.ts';

/** `/api/entries`: the configured entries and what can be done with each. */
export function entryRoutes(app: ServerApp): Hono {
  const { manager, entries, runtime } = app;
  const routes = new Hono();
  const flowView = (result: FlowResult) => publicResult(app, withTexts(manager, result));
  const view = (entryId: string) => {
    const entry = entries.require(entryId);
    return publicEntry(entry, runtime.secretKeys(entry.domain));
  };
  const startFlow = async (entryId: string, source: Source): Promise<FlowResult> => {
    const entry = entries.require(entryId);
    return manager.init(entry.domain, { source, entryId });
  };

  routes.get('/', (c) => c.json(entries.list().map((e) => publicEntry(e, runtime.secretKeys(e.domain)))));

  routes.delete('/:id', async (c) => {
    const removed = await entries.remove(c.req.param('id'));
    return c.json({ entryId: removed.entryId, removed: true });
  });

  routes.post('/:id/reload', async (c) => {
    const id = c.req.param('id');
    entries.require(id);
    await runtime.reload(id);
    return c.json(view(id));
  });

  routes.post('/:id/refresh', async (c) => {
    const id = c.req.param('id');
    entries.require(id);
    await runtime.refresh(id);
    return c.json(view(id));
  });

  routes.post('/:id/reauth', async (c) => {
    const id = c.req.param('id');
    entries.require(id);
    // The reauth flow already open for this entry (or its account) if there is one, else a new one.
    const result = await runtime.requestReauth(id, { manual: true });
    if (!result)
      throw new HttpError(409, 'reauth_not_started', 'The integration did not start a reauth flow');
    return c.json(flowView(result));
  });

  routes.post('/:id/reconfigure', async (c) =>
    c.json(flowView(await startFlow(c.req.param('id'), 'reconfigure'))),
  );

  routes.post('/:id/options', async (c) => c.json(flowView(await startFlow(c.req.param('id'), 'options'))));

  routes.get('/:id/diagnostics', async (c) => c.json(await runtime.diagnostics(c.req.param('id'))));

  return routes;
}
