import { z } from 'zod';
import { AccountStore } from './accounts.ts';
import { ROUTE_NAMES, type RouteName } from './routeNames.ts';

export const FAULT_ROUTES = [...ROUTE_NAMES, '*'] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];

/** Longest real-time delay a fault may add; keeps a mistaken fault from hanging a test run. */
export const MAX_FAULT_DELAY_MS = 60_000;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const faultSpecSchema = z
  .object({
    route: z.enum(FAULT_ROUTES),
    /** HTTP status to answer with; 0 or "reset" destroys the socket instead (a connection reset). */
    status: z
      .union([
        z.literal('reset'),
        z
          .number()
          .int()
          .refine((s) => s === 0 || (s >= 100 && s <= 599), 'status must be 0 or 100-599'),
      ])
      .optional(),
    body: z.unknown().optional(),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, 'invalid header name'),
        z.string().refine((v) => !/[\r\n]/.test(v), 'header values cannot contain line breaks'),
      )
      .optional(),
    times: z.number().int().positive().optional(),
    delayMs: z.number().int().min(0).max(MAX_FAULT_DELAY_MS).optional(),
    account: z.string().min(1).optional(),
  })
  .refine((spec) => spec.status !== undefined || spec.delayMs !== undefined, {
    message: 'a fault needs a status, or a delayMs for latency only',
  });

export type FaultSpec = z.input<typeof faultSpecSchema>;

export interface Fault {
  readonly id: string;
  readonly route: FaultRoute;
  /** undefined: latency only, the request is then served normally. */
  readonly status: number | 'reset' | undefined;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly delayMs: number;
  readonly account: string | undefined;
  /** How many more requests this fault hits; Infinity until deleted. */
  remaining: number;
  hits: number;
}

export function isReset(fault: Fault): boolean {
  return fault.status === 'reset' || fault.status === 0;
}

/** Injected faults, matched in creation order; the first match wins. */
export class FaultStore {
  readonly #faults: Fault[] = [];
  #nextId = 1;

  add(input: unknown): Fault {
    const spec = faultSpecSchema.parse(input);
    const fault: Fault = {
      id: `fault-${this.#nextId++}`,
      route: spec.route,
      status: spec.status,
      body: spec.body,
      headers: spec.headers ?? {},
      delayMs: spec.delayMs ?? 0,
      account: spec.account,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
    };
    this.#faults.push(fault);
    return fault;
  }

  /** Finds the fault for this request and counts the hit; a fault with no hits left is removed. */
  take(route: RouteName, username: string | undefined): Fault | undefined {
    const index = this.#faults.findIndex(
      (fault) =>
        (fault.route === '*' || fault.route === route) &&
        (fault.account === undefined ||
          (username !== undefined && AccountStore.key(fault.account) === AccountStore.key(username))),
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index]!;
    fault.hits += 1;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  remove(id: string): boolean {
    const index = this.#faults.findIndex((fault) => fault.id === id);
    if (index < 0) return false;
    this.#faults.splice(index, 1);
    return true;
  }

  list(): Fault[] {
    return [...this.#faults];
  }

  clear(): void {
    this.#faults.length = 0;
  }
}
