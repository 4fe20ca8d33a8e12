import type { ConfigFlow } from '@configflow/core';
import { renderFlow } from '@configflow/viz';
import { Hono } from 'hono';
import { HttpError } from './httpError.ts';
import type { ServerApp } from './serverApp.ts';

const CHART_FORMATS = {
  json: 'application/json; charset=utf-8',
  mermaid: 'text/plain; charset=utf-8',
  dot: 'text/vnd.graphviz; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
} as const;
type ChartFormat = keyof typeof CHART_FORMATS;

/** The sources a handler can start from: its config flow's, plus `options` when it has an options flow. */
export function sourcesOf(flow: ConfigFlow): string[] {
  return [...Object.keys(flow.sources), ...(flow.options ? ['options'] : [])];
}

/** `/api/handlers`: what can be set up, and each flow drawn as a statechart. */
export function handlerRoutes(app: ServerApp): Hono {
  const routes = new Hono();
  // Charts depend only on the flow definition: lay each out once (ELK is the slow part).
  const charts = new Map<string, Promise<string>>();

  routes.get('/', (c) =>
    c.json(
      app.manager.handlerList().map((f) => ({ domain: f.domain, title: f.title, sources: sourcesOf(f) })),
    ),
  );

  routes.get('/:domain/statechart', async (c) => {
    const flow = app.manager.getFlowDefinition(c.req.param('domain'));
    const format = (c.req.query('format') ?? 'json') as ChartFormat;
    if (!Object.hasOwn(CHART_FORMATS, format)) {
      throw new HttpError(
        400,
        'invalid_format',
        `format must be one of ${Object.keys(CHART_FORMATS).join(', ')}`,
      );
    }
    const source = c.req.query('flow');
    if (source !== undefined && !sourcesOf(flow).includes(source)) {
      throw new HttpError(400, 'unsupported_source', `Flow "${flow.domain}" has no "${source}" flow`);
    }
    // `view=steps`: the steps and their edges only, as the web UI draws it beside the dialog.
    const steps = c.req.query('view') === 'steps';
    const key = `${flow.domain}\u0000${format}\u0000${source ?? ''}\u0000${steps}`;
    let chart = charts.get(key);
    if (!chart) {
      chart = renderFlow(flow, {
        format,
        steps,
        ...(source === 'options' ? { flowKind: 'options' as const } : source ? { source } : {}),
      });
      charts.set(key, chart);
      chart.catch(() => charts.delete(key));
    }
    return c.body(await chart, 200, { 'content-type': CHART_FORMATS[format] });
  });

  return routes;
}
