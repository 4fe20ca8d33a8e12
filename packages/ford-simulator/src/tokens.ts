import { randomUUID } from 'node:crypto';
import type { Account, AccountStore } from './accounts.ts';
import type { Clock } from './clock.ts';
import { B2C_TENANT, FORD_CLIENT_ID, JWT_TOKEN_TYPE, SECONDS_PER_DAY } from './constants.ts';
import { makeJwe, makeJwt } from './jwt.ts';

export type TokenKind =
  | 'code'
  | 'b2c-access'
  | 'b2c-id'
  | 'b2c-refresh'
  | 'cat-access'
  | 'cat-refresh'
  | 'autonomic-access'
  | 'autonomic-refresh';

export type Brand = 'ford' | 'lincoln';

/** What an authorization code was issued for; the token exchange must match it. */
export interface CodeBinding {
  codeChallenge: string;
  clientId: string;
  redirectUri: string;
  brand: Brand;
}

export interface TokenRecord {
  readonly kind: TokenKind;
  readonly username: string;
  /** The account's generation at issue time; revoke() bumps the account's, killing this token. */
  readonly generation: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Codes are single use and CAT refresh tokens rotate: both are consumed on use. */
  consumed: boolean;
  readonly binding?: CodeBinding;
}

export type TokenRejection = 'unknown' | 'wrong-kind' | 'revoked' | 'consumed' | 'expired';

export type TokenCheck =
  | { ok: true; record: TokenRecord; account: Account }
  | { ok: false; reason: TokenRejection; record?: TokenRecord; account?: Account };

export interface TokenLifetimes {
  codeTtlSeconds: number;
  b2cAccessTtlSeconds: number;
  catAccessTtlSeconds: number;
  catRefreshTtlSeconds: number;
  autonomicTokenTtlSeconds: number;
}

export interface B2cTokenResponse {
  access_token: string;
  id_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  expires_on: number;
  not_before: number;
  id_token_expires_in: number;
  refresh_token_expires_in: number;
  resource: string;
  scope: string;
}

export interface CatTokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

export interface AutonomicTokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  issued_token_type: string;
  token_type: 'Bearer';
}

/** Expired records are kept this long after expiry so late requests can still be attributed to an account. */
const RETAIN_EXPIRED_SECONDS = SECONDS_PER_DAY;
const PRUNE_EVERY_ISSUES = 500;

/**
 * Every credential the simulator has issued, looked up by its exact string. Validity (expiry on the
 * simulated clock, single use, rotation, revocation) is decided here, never by decoding the token.
 */
export class TokenStore {
  readonly #records = new Map<string, TokenRecord>();
  #issuedSincePrune = 0;

  constructor(
    private readonly clock: Clock,
    private readonly lifetimes: TokenLifetimes,
    private readonly accounts: AccountStore,
  ) {}

  /** The account a token was issued to, valid or not; used to attribute requests for stats and budget. */
  owner(token: string | undefined): Account | undefined {
    if (!token) return undefined;
    const record = this.#records.get(token);
    return record ? this.accounts.get(record.username) : undefined;
  }

  check(token: string | undefined, kind: TokenKind): TokenCheck {
    const record = token ? this.#records.get(token) : undefined;
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.kind !== kind) return { ok: false, reason: 'wrong-kind', record };
    const account = this.accounts.get(record.username);
    if (!account || account.generation !== record.generation) {
      return account
        ? { ok: false, reason: 'revoked', record, account }
        : { ok: false, reason: 'revoked', record };
    }
    if (record.consumed) return { ok: false, reason: 'consumed', record, account };
    if (this.clock.now() >= record.expiresAt) return { ok: false, reason: 'expired', record, account };
    return { ok: true, record, account };
  }

  issueCode(account: Account, binding: CodeBinding): string {
    const code = makeJwe();
    this.#store(code, account, 'code', this.lifetimes.codeTtlSeconds, binding);
    return code;
  }

  issueB2c(account: Account, policy: string, resource: string): B2cTokenResponse {
    const now = this.clock.now();
    const ttl = this.lifetimes.b2cAccessTtlSeconds;
    const refreshTtl = this.lifetimes.catRefreshTtlSeconds;
    const claims = {
      iss: `https://login.ford.com/${B2C_TENANT}/v2.0/`,
      aud: FORD_CLIENT_ID,
      sub: account.subject,
      email: account.username,
      name: account.username,
      country: account.region,
      idp: 'LocalAccount',
      tfp: policy,
      ver: '1.0',
      iat: Math.floor(now),
      nbf: Math.floor(now),
      exp: Math.floor(now + ttl),
    };
    const access = makeJwt({ ...claims, scp: 'openid', azp: FORD_CLIENT_ID, jti: randomUUID() }, 'RS256');
    const id = makeJwt({ ...claims, auth_time: Math.floor(now), jti: randomUUID() }, 'RS256');
    // B2C refresh tokens are opaque JWEs; FordPass never redeems them (it uses the CAT chain instead).
    const refresh = makeJwe();
    this.#store(access, account, 'b2c-access', ttl);
    this.#store(id, account, 'b2c-id', ttl);
    this.#store(refresh, account, 'b2c-refresh', refreshTtl);
    return {
      access_token: access,
      id_token: id,
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: ttl,
      expires_on: Math.floor(now + ttl),
      not_before: Math.floor(now),
      id_token_expires_in: ttl,
      refresh_token_expires_in: refreshTtl,
      resource,
      scope: `${FORD_CLIENT_ID} openid`,
    };
  }

  issueCat(account: Account): CatTokenResponse {
    const now = Math.floor(this.clock.now());
    const { catAccessTtlSeconds: accessTtl, catRefreshTtlSeconds: refreshTtl } = this.lifetimes;
    const base = {
      iss: 'https://api.foundational.ford.com',
      sub: account.subject,
      userGuid: account.subject,
    };
    const access = makeJwt({ ...base, typ: 'access', iat: now, exp: now + accessTtl, jti: randomUUID() });
    const refresh = makeJwt({ ...base, typ: 'refresh', iat: now, exp: now + refreshTtl, jti: randomUUID() });
    this.#store(access, account, 'cat-access', accessTtl);
    this.#store(refresh, account, 'cat-refresh', refreshTtl);
    return {
      access_token: access,
      refresh_token: refresh,
      expires_in: accessTtl,
      refresh_expires_in: refreshTtl,
    };
  }

  issueAutonomic(account: Account): AutonomicTokenResponse {
    const now = Math.floor(this.clock.now());
    const ttl = this.lifetimes.autonomicTokenTtlSeconds;
    const base = {
      iss: 'https://accounts.autonomic.ai/v1/auth/oidc',
      sub: account.subject,
      azp: 'fordpass-prod',
    };
    const access = makeJwt({ ...base, iat: now, exp: now + ttl, jti: randomUUID() }, 'RS256');
    const refresh = makeJwt(
      { ...base, typ: 'refresh', iat: now, exp: now + ttl * 12, jti: randomUUID() },
      'RS256',
    );
    this.#store(access, account, 'autonomic-access', ttl);
    this.#store(refresh, account, 'autonomic-refresh', ttl * 12);
    return {
      access_token: access,
      refresh_token: refresh,
      expires_in: ttl,
      issued_token_type: JWT_TOKEN_TYPE,
      token_type: 'Bearer',
    };
  }

  clear(): void {
    this.#records.clear();
  }

  #store(token: string, account: Account, kind: TokenKind, ttl: number, binding?: CodeBinding): void {
    const now = this.clock.now();
    const record: TokenRecord = {
      kind,
      username: account.username,
      generation: account.generation,
      issuedAt: now,
      expiresAt: now + ttl,
      consumed: false,
      ...(binding ? { binding } : {}),
    };
    this.#records.set(token, record);
    if (++this.#issuedSincePrune >= PRUNE_EVERY_ISSUES) this.#prune(now);
  }

  /** Bounds memory in long soaks: forget tokens that expired more than a simulated day ago. */
  #prune(now: number): void {
    this.#issuedSincePrune = 0;
    for (const [token, record] of this.#records) {
      if (record.expiresAt + RETAIN_EXPIRED_SECONDS < now) this.#records.delete(token);
    }
  }
}
