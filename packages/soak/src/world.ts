import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FordSimulator } from '@configflow/ford-simulator';
import { WorldClock } from './clock.ts';
import { blocks } from './faults.ts';
import { Ledger } from './ledger.ts';
import { Metrics } from './metrics.ts';
import { type AppProcess, bootProcess, killProcess } from './process.ts';
import type { Random } from './random.ts';
import type { FaultKind, Scenario } from './scenario.ts';
import type { Person } from './user.ts';

interface ActiveFault {
  kind: FaultKind;
  end: number;
  account: string | undefined;
}

/**
 * The simulator, the clock both share, the data dir and the one live app process, plus what the soak
 * observes of them. Time only moves in `runUntil`, between ticks, when nothing is in flight.
 */
export class World {
  readonly clock: WorldClock;
  readonly ledger = new Ledger();
  readonly metrics = new Metrics();
  readonly people: Person[] = [];
  readonly bySubject = new Map<string, Person>();
  readonly byUsername = new Map<string, Person>();
  /** Injected faults still on at the simulator, by fault id. */
  readonly activeFaults = new Map<string, ActiveFault>();
  /** Unexpected exceptions in the soak's own events: they mean the soak, not the app, went wrong. */
  readonly errors: string[] = [];
  proc!: AppProcess;
  /** Set by injections; done between ticks. */
  crashRequested = false;
  jumpRequestedMs = 0;
  /** A crash-during-refresh armed but not triggered yet (survives restarts until it fires). */
  armedCrash: 'request' | 'response' | undefined;
  crashesTriggered: Record<'idle' | 'request' | 'response', number> = { idle: 0, request: 0, response: 0 };
  private processes = 0;
  private readonly runtimeRandom: () => number;

  constructor(
    readonly sim: FordSimulator,
    readonly scenario: Scenario,
    readonly dataDir: string,
    rng: Random,
    /** Called for every reauth flow the app opens (the user reacts to it). */
    private readonly onReauthFlow: (flowId: string, person: Person) => void,
  ) {
    this.clock = new WorldClock(sim);
    const jitter = rng.fork('runtime-jitter');
    this.runtimeRandom = () => jitter.next();
  }

  addPerson(person: Person): void {
    this.people.push(person);
    this.bySubject.set(person.subject, person);
    this.byUsername.set(person.username, person);
    this.ledger.register(person.subject, person.username);
  }

  username(subject: string): string {
    return this.bySubject.get(subject)?.username ?? subject;
  }

  async boot(): Promise<void> {
    this.proc = await bootProcess({
      id: ++this.processes,
      sim: this.sim,
      world: this.clock,
      ledger: this.ledger,
      dataDir: this.dataDir,
      budgetPerDay: this.scenario.budgetPerDay,
      random: this.runtimeRandom,
      observe: (proc) => this.observe(proc),
    });
    if (this.armedCrash) this.proc.crashOnRefresh = this.armedCrash;
  }

  private observe(proc: AppProcess): void {
    proc.manager.subscribe((event) => {
      if (proc.dead || event.type !== 'created' || event.source !== 'reauth' || !event.entryId) return;
      const subject = proc.entries.get(event.entryId)?.data.accountId;
      if (typeof subject !== 'string') return;
      this.metrics.reauthOpened(this.ledger, subject, this.clock.now(), this.diskToken(subject));
      this.checkDuplicates();
      const person = this.bySubject.get(subject);
      if (person) this.onReauthFlow(event.flowId, person);
    });
  }

  /** The refresh token in the account's token file, as a restarted process would read it. */
  diskToken(subject: string): string | undefined {
    const token = this.tokenFile(subject)?.catRefreshToken;
    return typeof token === 'string' ? token : undefined;
  }

  /** The account's token file as stored (the adapter's format), if readable. */
  tokenFile(subject: string): { catRefreshToken?: unknown; catExpiresAt?: unknown } | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dataDir, 'fordpass', `${subject}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** Open reauth flows per account (by subject). */
  openReauths(): Map<string, number> {
    const open = new Map<string, number>();
    for (const f of this.proc.manager.list({ source: 'reauth' })) {
      const subject = f.entryId ? this.proc.entries.get(f.entryId)?.data.accountId : undefined;
      if (typeof subject === 'string') open.set(subject, (open.get(subject) ?? 0) + 1);
    }
    return open;
  }

  checkDuplicates(): void {
    this.metrics.openReauths(this.openReauths(), (s) => this.username(s), this.clock.now());
  }

  /** Until when the app cannot reach Ford for this account: a blocking fault, or its budget. */
  heldUntil(subject: string): number {
    const now = this.clock.now();
    const username = this.username(subject);
    let until = now;
    for (const f of this.activeFaults.values())
      if (blocks(f.kind) && (f.account === undefined || f.account === username))
        until = Math.max(until, f.end);
    const wait = this.proc.integration.sessions.get(subject).budget.waitMs(1);
    return Math.max(until, now + wait);
  }

  /** One poll interval, plus the runtime's longest backoff step and the lock-step's grain. */
  graceMs(subject: string): number {
    const interval = (this.bySubject.get(subject)?.pollIntervalS ?? 900) * 1000;
    return interval + 88_000 + this.scenario.quantumMs + 60_000;
  }

  /**
   * Advances to `end`. Timers due within one quantum fire together at its end, with both clocks on
   * that instant; the tick is over when the runtime is idle again.
   */
  async runUntil(end: number): Promise<void> {
    const q = this.scenario.quantumMs;
    for (;;) {
      const next = this.clock.nextAt();
      if (next === undefined || next > end) break;
      this.clock.moveTo(Math.min(end, Math.max(this.clock.now(), Math.ceil(next / q) * q)));
      await this.tick();
    }
    this.clock.moveTo(end);
  }

  private async tick(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const fired = this.clock.fireDue();
      if (fired.length === 0) break;
      await Promise.allSettled(fired);
      await this.proc.runtime.idle();
      if (this.proc.dead) await this.restart();
    }
    if (this.crashRequested) {
      this.crashRequested = false;
      this.crashesTriggered.idle++;
      await this.restart();
    }
    if (this.jumpRequestedMs > 0) {
      // The host slept: time passes with nothing running, then every overdue timer fires at once.
      const ms = this.jumpRequestedMs;
      this.jumpRequestedMs = 0;
      this.clock.moveTo(this.clock.now() + ms);
      this.metrics.shiftDeadlines(ms);
    }
    this.checkDuplicates();
    this.metrics.checkMissed(
      this.clock.now(),
      (s) => (this.openReauths().get(s) ?? 0) > 0,
      (s) => this.heldUntil(s),
      (s) => this.graceMs(s),
      (s) => this.username(s),
    );
  }

  /** Crash (if not dead already) and restart over the same data dir. */
  async restart(): Promise<void> {
    const old = this.proc;
    if (old.crashOnRefresh === undefined && this.armedCrash && old.dead) {
      // The wire fired the armed crash.
      this.crashesTriggered[this.armedCrash]++;
      this.armedCrash = undefined;
    }
    old.dead = true;
    this.metrics.crashes++;
    await killProcess(old);
    this.checkTokensAfterCrash();
    await this.boot();
  }

  /** After a crash: every account Ford still trusts must find a working refresh token on disk. */
  private checkTokensAfterCrash(): void {
    const now = this.clock.now();
    for (const person of this.people) {
      if (person.entryIds.length === 0) continue;
      const truth = this.ledger.get(person.subject)!;
      if (truth.revokedAt !== null || truth.lostInFlight) continue;
      const disk = this.diskToken(person.subject);
      if (disk !== undefined && truth.valid.has(disk)) continue;
      this.metrics.lostAcrossCrashes.push({
        at: now,
        account: person.username,
        detail:
          disk === undefined ? 'no token file after the crash' : 'the token file holds a dead refresh token',
      });
    }
  }

  /** Runs a soak event, recording (not throwing) what went wrong in the soak itself. */
  guard(what: string, work: () => Promise<void> | void): Promise<void> {
    return (async () => {
      try {
        await work();
      } catch (error) {
        this.errors.push(
          `${new Date(this.clock.now()).toISOString()} ${what}: ${(error as Error).stack ?? error}`,
        );
      }
    })();
  }
}
