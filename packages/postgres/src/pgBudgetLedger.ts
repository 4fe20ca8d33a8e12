// Types only: @configflow/fordpass is an optional peer, needed only by servers that run FordPass.
import type { BudgetGrant, BudgetLedger, BudgetState } from '@configflow/fordpass';
import type pg from 'pg';

/** The integer column's top: an unlimited budget (`Infinity`) is this many. */
const MAX_INT = 2_147_483_647;

/**
 * What one reservation grants, from the row as it was ($2 day, $3 count, $4 limit, $5 now): nothing
 * while blocked or when the row is already on a later day (this server's clock is behind), the count
 * from zero on a new day, else what is left under the limit. Every SET expression sees the old row;
 * the grant is kept in `granted` because RETURNING sees only the new one.
 */
const GRANT = `CASE
    WHEN b.blocked_until > $5::bigint OR b.day > $2::int THEN 0
    WHEN b.day < $2::int THEN LEAST($3::int, $4::int)
    ELSE GREATEST(0, LEAST($3::int, $4::int - b.reserved))
  END`;

/**
 * One Ford account's request budget as a row every server reserves from. A reservation is one
 * statement (the row lock makes it atomic), so what one server was granted the others see as spent
 * and the day's total never passes the limit. Asks per request: a query is nothing next to a request
 * to Ford, and a block of requests held by one server would be sent past another server's 429.
 */
export class PgBudgetLedger implements BudgetLedger {
  readonly perReservation = 1;
  constructor(
    private readonly pool: pg.Pool,
    readonly accountId: string,
  ) {}

  async read(): Promise<BudgetState | undefined> {
    const { rows } = await this.pool.query<Row>(
      'SELECT day, reserved, granted, blocked_until FROM configflow_fordpass_budget WHERE account_id = $1',
      [this.accountId],
    );
    return rows[0] && stateOf(rows[0]);
  }

  async reserve(r: { day: number; count: number; limit: number; now: number }): Promise<BudgetGrant> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO configflow_fordpass_budget AS b (account_id, day, reserved, granted, blocked_until)
       VALUES ($1, $2::int, GREATEST(0, LEAST($3::int, $4::int)), GREATEST(0, LEAST($3::int, $4::int)), 0)
       ON CONFLICT (account_id) DO UPDATE SET
         granted = ${GRANT},
         reserved = CASE WHEN b.day < $2::int THEN 0 ELSE b.reserved END + ${GRANT},
         day = GREATEST(b.day, $2::int)
       RETURNING day, reserved, granted, blocked_until`,
      [this.accountId, r.day, Math.min(r.count, MAX_INT), Math.min(r.limit, MAX_INT), r.now],
    );
    const row = rows[0]!;
    return { ...stateOf(row), granted: row.granted };
  }

  async block(until: number): Promise<void> {
    // A new row starts on day 0: no count yet, the next reservation starts the day from zero.
    await this.pool.query(
      `INSERT INTO configflow_fordpass_budget AS b (account_id, day, reserved, granted, blocked_until)
       VALUES ($1, 0, 0, 0, $2::bigint)
       ON CONFLICT (account_id) DO UPDATE SET blocked_until = GREATEST(b.blocked_until, $2::bigint)`,
      [this.accountId, until],
    );
  }
}

interface Row {
  day: number;
  reserved: number;
  granted: number;
  /** bigint: pg returns it as a string. */
  blocked_until: string;
}

function stateOf(row: Row): BudgetState {
  return { day: row.day, reserved: row.reserved, blockedUntil: Number(row.blocked_until) };
}
