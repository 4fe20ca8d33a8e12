import type pg from 'pg';

/**
 * The schema, one step per version; a database is moved forward step by step, in one transaction,
 * under an advisory lock so instances starting together migrate it once. Steps are never edited
 * once released: a change is a new step.
 */
/** The index that keeps a domain's unique ids unique; its violation is told apart by this name. */
export const UNIQUE_ID_INDEX = 'configflow_entries_unique_id';

export const MIGRATIONS: readonly string[] = [
  // 1: entries, flows in progress, leases, relayed events.
  `CREATE TABLE configflow_entries (
     entry_id text PRIMARY KEY,
     body jsonb NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE configflow_flows (
     flow_id text PRIMARY KEY,
     body jsonb NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE configflow_leases (
     key text PRIMARY KEY,
     owner text NOT NULL,
     fence bigint NOT NULL,
     expires_at bigint NOT NULL
   );
   CREATE TABLE configflow_events (
     id bigserial PRIMARY KEY,
     body jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   );`,
  // 2: FordPass tokens, one row per Ford account (the pair every server of the account rotates).
  `CREATE TABLE configflow_fordpass_tokens (
     account_id text PRIMARY KEY,
     body jsonb NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now()
   );`,
  // 3: FordPass request budget, one row per Ford account: the day's reservations of every server, a 429 block.
  `CREATE TABLE configflow_fordpass_budget (
     account_id text PRIMARY KEY,
     day integer NOT NULL,
     reserved integer NOT NULL,
     granted integer NOT NULL,
     blocked_until bigint NOT NULL
   );`,
  // 4: a row version per entry (a write applies to the version it read, else reads again), and the
  // reauth loop guard's successful reauths, per account, shared by the servers.
  `ALTER TABLE configflow_entries ADD COLUMN version bigint NOT NULL DEFAULT 1;
   CREATE TABLE configflow_reauths (
     account_key text NOT NULL,
     at bigint NOT NULL
   );
   CREATE INDEX configflow_reauths_account ON configflow_reauths (account_key, at);`,
  // 5: flows across instances: a revision per write (a stale copy is told apart) and a lock per flow.
  `CREATE SEQUENCE configflow_flow_revisions;
   ALTER TABLE configflow_flows
     ADD COLUMN revision bigint NOT NULL DEFAULT nextval('configflow_flow_revisions'),
     ADD COLUMN lock_owner text,
     ADD COLUMN lock_fence bigint NOT NULL DEFAULT 0,
     ADD COLUMN lock_expires bigint NOT NULL DEFAULT 0;`,
  // 6: one entry per domain and unique id across all servers (two flows for one device finishing at
  // once on two servers: the second insert fails, and its flow aborts already_configured).
  `CREATE UNIQUE INDEX ${UNIQUE_ID_INDEX} ON configflow_entries ((body->>'domain'), (body->>'uniqueId'))
     WHERE body->>'uniqueId' IS NOT NULL;`,
  // 7: the unique id each flow in progress claims, seen by every server (already_in_progress across
  // servers): one claim per flow, written when its step claims it, before the flow's row may exist.
  `CREATE TABLE configflow_flow_claims (
     flow_id text PRIMARY KEY,
     handler text NOT NULL,
     unique_id text NOT NULL,
     source text NOT NULL,
     claimed_at bigint NOT NULL
   );
   CREATE INDEX configflow_flow_claims_key ON configflow_flow_claims (handler, unique_id);`,
];

/** Any constant: the advisory lock key that serialises migrations across instances. */
const MIGRATION_LOCK = 7_311_218;

/** Brings the database to the newest schema; returns the versions it applied. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS configflow_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM configflow_migrations',
    );
    const current = rows[0]?.v ?? 0;
    if (current > MIGRATIONS.length)
      throw new Error(`database schema version ${current} is newer than this program (${MIGRATIONS.length})`);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query('INSERT INTO configflow_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return applied;
}
