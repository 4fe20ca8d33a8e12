import { InvalidInput, type Json, type Source, UnknownEntry, UnknownHandler } from '@configflow/core';
import { Hono } from 'hono';
import { definitionOf, errorTexts, withTexts } from './flowTexts.ts';
import { HttpError } from './httpError.ts';
import { jsonBody, jsonObject } from './jsonBody.ts';
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
      const result = await manager.init(handler, {
        source: source as Source,
        ...(entryId !== undefined ? { entryId } : {}),
        ...(data !== undefined ? { data: data as Json } : {}),
      });
      return c.json(withTexts(manager, result));
    } catch (error) {
      // Named in the body, not the path: the route exists, the request is wrong.
      if (error instanceof UnknownHandler || error instanceof UnknownEntry) {
        throw new HttpError(400, error.code, error.message);
      }
      throw error;
    }
  });

  routes.get('/:flowId', async (c) => c.json(withTexts(manager, await manager.get(c.req.param('flowId')))));

  routes.post('/:flowId', async (c) => {
    const flowId = c.req.param('flowId');
    const input = (await jsonBody(c)) ?? {};
    try {
      return c.json(withTexts(manager, await manager.configure(flowId, input)));
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
    await manager.abort(flowId);
    return c.json({ flowId, aborted: true });
  });

  return routes;
}
