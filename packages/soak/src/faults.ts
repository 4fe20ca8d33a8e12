import type { FaultSpec } from '@configflow/ford-simulator';
import type { Random } from './random.ts';
import { FAULT_KINDS, type FaultKind, type Scenario } from './scenario.ts';

const MINUTE = 60_000;

/** One planned injection. Windows (`spec` + `durationMs`) are added to the simulator and removed later. */
export interface Injection {
  at: number;
  kind: FaultKind;
  /** The account it targets (username), when it targets one. */
  account?: string;
  spec?: FaultSpec;
  durationMs?: number;
  jumpMs?: number;
}

/** Faults that stop the app from reaching Ford for an account (latency only slows it down). */
export function blocks(kind: FaultKind): boolean {
  return (
    kind === 'http_5xx' ||
    kind === 'connection_reset' ||
    kind === 'rate_limit_retry_after' ||
    kind === 'rate_limit_bare'
  );
}

const ROUTES = ['status', 'autonomic', 'refresh', 'vehicles', '*'] as const;

/**
 * The whole schedule, decided up front from the seed: the same seed gives the same injections at the
 * same simulated times, whatever the machine's speed.
 */
export function planInjections(
  scenario: Scenario,
  rng: Random,
  usernames: readonly string[],
  from: number,
  to: number,
): Injection[] {
  const plan: Injection[] = [];
  const span = to - from;
  const lastRevocation = new Map<string, number>();
  for (const kind of FAULT_KINDS) {
    const r = rng.fork(kind);
    const expected = scenario.perDay[kind] * scenario.days * (span / (scenario.days * 86_400_000));
    const count = Math.floor(expected) + (r.chance(expected - Math.floor(expected)) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const at = from + Math.floor(r.next() * span);
      const scoped = (p: number) => (r.chance(p) ? r.pick(usernames) : undefined);
      switch (kind) {
        case 'clock_jump':
          plan.push({ at, kind, jumpMs: r.int(60, 240) * MINUTE });
          break;
        case 'refresh_race':
          plan.push({ at, kind, account: r.pick(usernames) });
          break;
        case 'revocation': {
          // Spaced out per account: three reauths within the hour would (rightly) trip the loop guard.
          let account = r.pick(usernames);
          for (
            let tries = 0;
            tries < 10 && Math.abs((lastRevocation.get(account) ?? -1e15) - at) < 6 * 60 * MINUTE;
            tries++
          )
            account = r.pick(usernames);
          lastRevocation.set(account, at);
          plan.push({ at, kind, account });
          break;
        }
        case 'http_5xx': {
          const account = scoped(0.5);
          plan.push({
            at,
            kind,
            ...(account ? { account } : {}),
            durationMs: r.int(5, 45) * MINUTE,
            spec: {
              route: r.pick(ROUTES),
              status: r.pick([500, 502, 503, 504]),
              ...(account ? { account } : {}),
            },
          });
          break;
        }
        case 'connection_reset': {
          const account = scoped(0.5);
          plan.push({
            at,
            kind,
            ...(account ? { account } : {}),
            durationMs: r.int(5, 30) * MINUTE,
            spec: { route: r.pick(ROUTES), status: 'reset', ...(account ? { account } : {}) },
          });
          break;
        }
        case 'latency':
          plan.push({
            at,
            kind,
            durationMs: r.int(5, 20) * MINUTE,
            spec: { route: '*', delayMs: r.int(5, 40) },
          });
          break;
        case 'rate_limit_retry_after':
        case 'rate_limit_bare': {
          const account = scoped(0.7);
          const headers =
            kind === 'rate_limit_retry_after' ? { 'Retry-After': String(r.int(5, 30) * 60) } : undefined;
          plan.push({
            at,
            kind,
            ...(account ? { account } : {}),
            durationMs: r.int(10, 60) * MINUTE,
            spec: {
              route: r.pick(ROUTES),
              status: 429,
              body: { error: 'SOAK_INJECTED_429', message: 'Too many requests (injected)' },
              ...(headers ? { headers } : {}),
              ...(account ? { account } : {}),
            },
          });
          break;
        }
        default:
          plan.push({ at, kind });
      }
    }
  }
  return plan.sort((a, b) => a.at - b.at);
}
