import { z } from 'zod';
import type { FordRoute, RequestContext } from '../route.ts';
import { applicationIdProblem, badRequest, invalidToken } from './fordErrors.ts';

const catBody = z.object({ idpToken: z.string().min(1) });
const refreshBody = z.object({ refresh_token: z.string().min(1) });

function jsonField<T>(ctx: RequestContext, schema: z.ZodType<T>): T | undefined {
  const body = ctx.json();
  if (!body.ok) return undefined;
  const parsed = schema.safeParse(body.value);
  return parsed.success ? parsed.data : undefined;
}

/** `POST /api/token/v2/cat-with-b2c-access-token`: trades the B2C access token for a CAT pair. */
export const catRoute: FordRoute = {
  kind: 'ford',
  name: 'cat',
  methods: ['POST'],
  pattern: /^\/api\/token\/v2\/cat-with-b2c-access-token\/?$/,
  identify: (ctx) => ctx.sim.tokens.owner(jsonField(ctx, catBody)?.idpToken),
  handle: (ctx) => {
    const body = jsonField(ctx, catBody);
    const appIdProblem = applicationIdProblem(ctx, ctx.sim.tokens.owner(body?.idpToken));
    if (appIdProblem) return appIdProblem;
    if (!body) return badRequest(ctx, 'Body must be JSON {"idpToken": "<B2C access token>"}');
    const check = ctx.sim.tokens.check(body.idpToken, 'b2c-access');
    if (!check.ok) return invalidToken(ctx);
    return { status: 200, json: ctx.sim.tokens.issueCat(check.account) };
  },
};

/**
 * `POST /api/token/v2/cat-with-refresh-token`: returns a new pair and consumes the old refresh token
 * (rotation). Check and rotation run without an await in between, so of two racing refreshes with
 * the same token exactly one wins; the other gets 460 (HTTP 400 by default, as at Ford).
 */
export const refreshRoute: FordRoute = {
  kind: 'ford',
  name: 'refresh',
  methods: ['POST'],
  pattern: /^\/api\/token\/v2\/cat-with-refresh-token\/?$/,
  identify: (ctx) => ctx.sim.tokens.owner(jsonField(ctx, refreshBody)?.refresh_token),
  handle: (ctx) => {
    const body = jsonField(ctx, refreshBody);
    const appIdProblem = applicationIdProblem(ctx, ctx.sim.tokens.owner(body?.refresh_token));
    if (appIdProblem) return appIdProblem;
    if (!body) return badRequest(ctx, 'Body must be JSON {"refresh_token": "<CAT refresh token>"}');
    const check = ctx.sim.tokens.check(body.refresh_token, 'cat-refresh');
    if (!check.ok) return invalidToken(ctx, ctx.sim.config.refreshRejectStatus);
    check.record.consumed = true;
    ctx.sim.stats.recordRefresh(check.account.username);
    return { status: 200, json: ctx.sim.tokens.issueCat(check.account) };
  },
};
