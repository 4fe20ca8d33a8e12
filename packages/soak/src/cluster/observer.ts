import { leaseTiming, type Pool } from './bridge.ts';

/** A change of an entry's lease, as sampled from the database. */
export interface LeaseChange {
  at: number;
  key: string;
  owner: string;
  fence: number;
  expiresAt: number;
}

/** Two or more reauth flows of one account in progress at once (from one sample). */
export interface ReauthOverlap {
  at: number;
  account: string;
  flowIds: string[];
}

interface LeaseRow {
  key: string;
  owner: string;
  fence: string;
  expires_at: string;
}

/**
 * Samples the shared database every `everyMs`: leases (who polls what, renewal rounds, takeovers),
 * the reauth flows in progress per account, the token row of each account and the entries. Read only:
 * what the instances committed, never what they say about themselves.
 */
export class Observer {
  readonly leaseChanges: LeaseChange[] = [];
  /** Renewals per owner (same owner, same fence): the database time of each (expiry - lease period). */
  readonly renewals = new Map<string, number[]>();
  readonly overlaps: ReauthOverlap[] = [];
  /** Each reauth flow, when it was opened, and for which account. */
  readonly reauthSeen = new Map<string, { at: number; account: string; entryId: string }>();
  /** The reauth flows in progress at the last sample. */
  reauthOpen = new Set<string>();
  /**
   * Per account, every refresh token its row held, in order, with when it was written: from the
   * trigger `recordTokenWrites` installs, so a pair replaced between two samples is not missed.
   */
  readonly tokenHistory = new Map<string, { at: number; refresh: string }[]>();
  readonly entriesSeen = new Set<string>();
  readonly entryAccount = new Map<string, string>();
  readonly entryVin = new Map<string, string>();
  leases = new Map<string, LeaseChange>();
  samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly overlapSeen = new Set<string>();
  private tokenSeq = 0;

  /** How the servers keep the lease period: a lease's lifetime and their renewal rounds. */
  private readonly timing: { ttlMs: number; roundMs: number };

  constructor(
    private readonly pool: Pool,
    leaseMs: number,
    private readonly everyMs = 100,
  ) {
    this.timing = leaseTiming(leaseMs);
  }

  start(): void {
    const loop = () => {
      this.running = this.sample()
        .catch(() => {})
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(loop, this.everyMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async sample(): Promise<void> {
    const [leases, flows, tokens, entries] = await Promise.all([
      this.pool.query<LeaseRow>(
        `SELECT key, owner, fence, expires_at FROM configflow_leases WHERE key LIKE 'entry:%'`,
      ),
      this.pool.query<{ flow_id: string; entry_id: string | null; started_at: string | null }>(
        `SELECT flow_id, body->>'entryId' AS entry_id, body->>'startedAt' AS started_at
         FROM configflow_flows WHERE body->>'source' = 'reauth'`,
      ),
      this.pool.query<{ seq: string; account_id: string; refresh: string; at: string }>(
        `SELECT seq, account_id, refresh, at FROM soak_token_writes WHERE seq > $1 ORDER BY seq`,
        [this.tokenSeq],
      ),
      this.pool.query<{ entry_id: string; account: string | null; vin: string | null }>(
        `SELECT entry_id, body->'data'->>'accountId' AS account, body->'data'->>'vin' AS vin FROM configflow_entries`,
      ),
    ]);
    // When the sample was taken: after its reads, so anything it saw was there by then (a cause the
    // soak made just before a reauth flow appeared is never after the flow's "seen" time).
    const at = Date.now();
    this.samples++;
    for (const e of entries.rows) {
      this.entriesSeen.add(e.entry_id);
      if (e.account) this.entryAccount.set(e.entry_id, e.account);
      if (e.vin) this.entryVin.set(e.entry_id, e.vin);
    }
    for (const row of leases.rows) {
      const change: LeaseChange = {
        at,
        key: row.key,
        owner: row.owner,
        fence: Number(row.fence),
        expiresAt: Number(row.expires_at),
      };
      const before = this.leases.get(row.key);
      if (before && before.expiresAt === change.expiresAt && before.owner === change.owner) continue;
      this.leases.set(row.key, change);
      this.leaseChanges.push(change);
      // expires_at = the statement's database time + the lease's lifetime; 0 is a release.
      if (before && before.owner === change.owner && before.fence === change.fence && change.expiresAt > 0) {
        const times = this.renewals.get(change.owner) ?? [];
        times.push(change.expiresAt - this.timing.ttlMs);
        this.renewals.set(change.owner, times);
      }
    }
    this.reauthOpen = new Set(flows.rows.map((f) => f.flow_id));
    const byAccount = new Map<string, string[]>();
    for (const f of flows.rows) {
      const account = (f.entry_id && this.entryAccount.get(f.entry_id)) ?? `entry:${f.entry_id}`;
      // When its instance opened it (the flow's own startedAt, on the instances' clock, the wall clock).
      if (!this.reauthSeen.has(f.flow_id))
        this.reauthSeen.set(f.flow_id, {
          at: f.started_at ? Number(f.started_at) : at,
          account,
          entryId: f.entry_id ?? '',
        });
      byAccount.set(account, [...(byAccount.get(account) ?? []), f.flow_id]);
    }
    for (const [account, ids] of byAccount) {
      if (ids.length < 2) continue;
      const key = `${account}:${[...ids].sort().join(',')}`;
      if (this.overlapSeen.has(key)) continue;
      this.overlapSeen.add(key);
      this.overlaps.push({ at, account, flowIds: ids });
    }
    for (const t of tokens.rows) {
      this.tokenSeq = Math.max(this.tokenSeq, Number(t.seq));
      const history = this.tokenHistory.get(t.account_id) ?? [];
      if (history.at(-1)?.refresh !== t.refresh) history.push({ at: Number(t.at), refresh: t.refresh });
      this.tokenHistory.set(t.account_id, history);
    }
  }

  /**
   * When each renewal round of `owner` began. A round renews its leases, then takes lapsed ones; the
   * next begins a quarter of a period after it ended. So renewals less than half of that apart are one
   * round, however long the round took.
   */
  roundStarts(owner: string): number[] {
    const times = [...(this.renewals.get(owner) ?? [])].sort((a, b) => a - b);
    const starts: number[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      if (t - last >= this.timing.roundMs / 2) starts.push(t);
      last = t;
    }
    return starts;
  }

  /** Entries an instance held, unexpired, at the last sample. */
  heldBy(owner: string): string[] {
    const now = Date.now();
    return [...this.leases.values()]
      .filter((l) => l.owner === owner && l.expiresAt > now)
      .map((l) => l.key.slice('entry:'.length));
  }

  ownerOf(entryId: string): LeaseChange | undefined {
    return this.leases.get(`entry:${entryId}`);
  }

  /** Which instance holds an account's advisory lock now (pg_locks: the 64-bit key as classid:objid). */
  async accountLockHolder(accountId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`,
      [`fordpass:account:${accountId}`],
    );
    return rows[0]?.name;
  }
}

/**
 * Every committed write of a FordPass token row, logged by a trigger in the writer's own transaction
 * (a write rolled back leaves no line). The soak's database only: run once the instances migrated it.
 */
export async function recordTokenWrites(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS soak_token_writes (
      seq bigserial PRIMARY KEY, account_id text NOT NULL, refresh text, at bigint NOT NULL);
    CREATE OR REPLACE FUNCTION soak_token_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO soak_token_writes (account_id, refresh, at)
        VALUES (NEW.account_id, NEW.body->>'catRefreshToken', (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
      RETURN NEW;
    END $$;
    CREATE OR REPLACE TRIGGER soak_token_write AFTER INSERT OR UPDATE ON configflow_fordpass_tokens
      FOR EACH ROW EXECUTE FUNCTION soak_token_write();
    INSERT INTO soak_token_writes (account_id, refresh, at)
      SELECT account_id, body->>'catRefreshToken', (extract(epoch FROM clock_timestamp()) * 1000)::bigint
      FROM configflow_fordpass_tokens;`);
}
