/** What a ledger holds for one account: the requests reserved on `day` (UTC day number) and any 429 block. */
export interface BudgetState {
  day: number;
  reserved: number;
  /** Epoch ms; no request for the account before it (0: none). */
  blockedUntil: number;
}

/** A reservation's answer: how many of the requested were granted (0 when blocked or spent), and the state after it. */
export interface BudgetGrant extends BudgetState {
  granted: number;
}

/**
 * Where an account's request count lives. `reserve` is atomic: whoever else reserves from the same
 * ledger (another server on a shared one) sees the granted requests as spent, and the total granted for
 * a day never passes `limit`. A new `day` starts from zero; a block lasts across days until it passes.
 */
export interface BudgetLedger {
  /** How many requests one reservation asks for: a file ledger writes per block, a shared one asks per request. */
  readonly perReservation: number;
  /** The stored state, or undefined when nothing is recorded (or it cannot be read). */
  read(): Promise<BudgetState | undefined>;
  /** Grants up to `count` more for `day` without passing `limit`; nothing while blocked at `now`. */
  reserve(request: { day: number; count: number; limit: number; now: number }): Promise<BudgetGrant>;
  /** Ford said 429: nothing for the account until `until` (epoch ms). */
  block(until: number): Promise<void>;
}

/** The state after reserving `count` of `limit` on `day` at `now`: shared by the in-process ledgers. */
export function grant(
  state: BudgetState | undefined,
  r: { day: number; count: number; limit: number; now: number },
): BudgetGrant {
  const blockedUntil = state?.blockedUntil ?? 0;
  if (state && state.day > r.day) return { ...state, granted: 0 }; // our clock is behind the ledger's day
  const reserved = state?.day === r.day ? state.reserved : 0;
  const granted = blockedUntil > r.now ? 0 : Math.max(0, Math.min(r.count, r.limit - reserved));
  return { day: r.day, reserved: reserved + granted, blockedUntil, granted };
}

/** No ledger: the count lives only as long as the process (what a budget without a path uses). */
export class MemoryBudgetLedger implements BudgetLedger {
  readonly perReservation = 1;
  private state: BudgetState | undefined;

  async read(): Promise<BudgetState | undefined> {
    return this.state && { ...this.state };
  }

  async reserve(r: { day: number; count: number; limit: number; now: number }): Promise<BudgetGrant> {
    const next = grant(this.state, r);
    this.state = { day: next.day, reserved: next.reserved, blockedUntil: next.blockedUntil };
    return next;
  }

  async block(until: number): Promise<void> {
    this.state = {
      day: this.state?.day ?? 0,
      reserved: this.state?.reserved ?? 0,
      blockedUntil: Math.max(this.state?.blockedUntil ?? 0, until),
    };
  }
}
