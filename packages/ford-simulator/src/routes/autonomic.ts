import {
  AUTONOMIC_CLIENT_ID,
  AUTONOMIC_SUBJECT_ISSUER,
  JWT_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
} from '../constants.ts';
import { json } from '../http.ts';
import type { FordRoute } from '../route.ts';

/**
 * `POST /v1/auth/oidc/token`: the RFC 8693 exchange of a CAT access token for a 300 s Autonomic token.
 * The subject_token may be the CAT access token (marq24, itchannel) or the CAT refresh token (the
 * official app and pyfordpass, sansio.py:495); the refresh token is only read, not consumed.
 */
export const autonomicRoute: FordRoute = {
  kind: 'ford',
  name: 'autonomic',
  methods: ['POST'],
  pattern: /^\/v1\/auth\/oidc\/token\/?$/,
  identify: (ctx) => ctx.sim.tokens.owner(ctx.form().get('subject_token') ?? undefined),
  handle: (ctx) => {
    const form = ctx.form();
    const invalid = (error: string, description: string, status = 400) =>
      json(status, { error, error_description: description });
    if (form.get('grant_type') !== TOKEN_EXCHANGE_GRANT) {
      return invalid('unsupported_grant_type', `grant_type must be ${TOKEN_EXCHANGE_GRANT}`);
    }
    if (form.get('client_id') !== AUTONOMIC_CLIENT_ID) {
      return invalid('invalid_client', `unknown client_id '${form.get('client_id') ?? ''}'`, 401);
    }
    if (form.get('subject_token_type') !== JWT_TOKEN_TYPE) {
      return invalid('invalid_request', `subject_token_type must be ${JWT_TOKEN_TYPE}`);
    }
    if (form.get('subject_issuer') !== AUTONOMIC_SUBJECT_ISSUER) {
      return invalid('invalid_request', `subject_issuer must be ${AUTONOMIC_SUBJECT_ISSUER}`);
    }
    const subjectToken = form.get('subject_token');
    if (!subjectToken) return invalid('invalid_request', 'subject_token is required');
    const asAccess = ctx.sim.tokens.check(subjectToken, 'cat-access');
    const check =
      asAccess.ok || asAccess.reason !== 'wrong-kind'
        ? asAccess
        : ctx.sim.tokens.check(subjectToken, 'cat-refresh');
    if (!check.ok) {
      return invalid('invalid_token', 'the subject_token is invalid or expired', 401);
    }
    return json(200, ctx.sim.tokens.issueAutonomic(check.account));
  },
};
