import {
  type FlowResult,
  InvalidInput,
  type Json,
  type Source,
  UnknownEntry,
  UnknownHandler,
} from '@configflow/core';
import { Hono } from 'hono';
import { definitionOf, errorTexts, withTexts } from './flowTexts.ts';
import { HttpError } from './httpError.ts';
import { jsonBody, jsonObject } from './jsonBody.ts';
import { publicResult } from './publicResult.ts';
import type { ServerApp } from './serverApp.ts';

const SOURCES: readonly string[] = [
  'user',
  'reauth',
  'reconfigure',
  'import',
  'discovery',
  'ignore',
  'options',
];

/** `/api/flows`: start, step through, re-render and abort config flows. */
export function flowRoutes(app: ServerApp): Hono {
  const { manager } = app;
  const routes = new Hono();
  const view = (result: FlowResult) => publicResult(app, withTexts(manager, result));

  routes.get('/', (c) => c.json(manager.list()));

  routes.post('/', async (c) => {
    const body = await jsonObject(c);
    const { handler, source = 'user', entryId, data } = body;
    if (typeof handler !== 'string' || handler === '') {
      throw new HttpError(400, 'invalid_body', '"handler" must be a non-empty string');
    }
    if (typeof source !== 'string' || !SOURCES.includes(source)) {
      throw new HttpError(400, 'invalid_body', `"source" must be one of ${SOURCES.join(', ')}`);
    }
    if (entryId !== undefined && typeof entryId !== 'string') {
      throw new HttpError(400, 'invalid_body', '"entryId" must be a string');
    }
    try {
      if (source === 'reauth' && entryId !== undefined && manager.getFlowDefinition(handler).sources.reauth) {
        // Through the runtime, as the entry's own reauth route: one reauth flow per account.
        const entry = app.entries.require(entryId);
        if (entry.domain !== handler)
          throw new HttpError(400, 'entry_mismatch', `Entry ${entryId} is not a ${handler} entry`);
        const reauth = await app.runtime.requestReauth(entryId, { manual: true });
        if (!reauth)
          throw new HttpError(409, 'reauth_not_started', 'The integration did not start a reauth flow');
        return c.json(view(reauth));
      }
      const result = await manager.init(handler, {
        source: source as Source,
        ...(entryId !== undefined ? { entryId } : {}),
        ...(data !== undefined ? { data: data as Json } : {}),
      });
      return c.json(view(result));
    } catch (error) {
      // Named in the body, not the path: the route exists, the request is wrong.
      if (error instanceof UnknownHandler || error instanceof UnknownEntry) {
        throw new HttpError(400, error.code, error.message);
      }
      throw error;
    }
  });

  routes.get('/:flowId', async (c) => c.json(view(await manager.get(c.req.param('flowId')))));

  routes.post('/:flowId', async (c) => {
    const flowId = c.req.param('flowId');
    const input = (await jsonBody(c)) ?? {};
    try {
      return c.json(view(await manager.configure(flowId, input)));
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      const flow = manager.list().find((f) => f.flowId === flowId);
      const definition = flow && definitionOf(manager, flow.handler, flow.source);
      throw new HttpError(400, 'invalid_input', 'The input does not match the form', {
        errors: error.errors,
        texts: { errors: errorTexts(definition, error.errors) },
      });
    }
  });

  routes.delete('/:flowId', async (c) => {
    const flowId = c.req.param('flowId');
    // The flow may end by itself (create its entry) while the abort waits its turn: say so.
    if (!(await manager.abort(flowId))) {
      throw new HttpError(409, 'flow_finished', `Flow ${flowId} had already finished; it was not aborted`);
    }
    return c.json({ flowId, aborted: true });
  });

  return routes;
}
