import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFordSimulator } from '@configflow/ford-simulator';
import { type Injection, planInjections } from './faults.ts';
import { Random } from './random.ts';
import { FAULT_KINDS, type FaultKind, type Scenario } from './scenario.ts';
import { type Person, User } from './user.ts';
import { World } from './world.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 2025-06-16T00:00:00Z: budget days and simulated days line up. */
export const START_SECONDS = 1_750_032_000;
const MAX_VEHICLES_PER_ACCOUNT = 6;

export interface DayUsage {
  day: string;
  min: number;
  median: number;
  max: number;
  /** Accounts that used 90 % or more of the budget that day. */
  nearBudget: number;
}

export interface SoakResult {
  scenario: Scenario;
  asserted: Record<string, number>;
  findings: Record<string, { at: string; account: string; detail: string }[]>;
  injected: Record<FaultKind, number>;
  /** Requests answered by each kind of injected fault window. */
  faultHits: Partial<Record<FaultKind, number>>;
  crashes: { idle: number; request: number; response: number; total: number };
  info: Record<string, number | string>;
  budgetTable: DayUsage[];
  errors: string[];
  wallMs: number;
}

/** Poll interval (s) so that n vehicles plus the half-hourly refreshes use ~70 % of the budget. */
function fitBudget(vehicles: number, budget: number): number {
  const perDayForPolls = 0.7 * budget - 50;
  if (perDayForPolls <= 0) return 86_400;
  // One status read plus (usually) one Autonomic exchange per poll.
  const seconds = (2 * vehicles * 86_400) / perDayForPolls;
  return Math.min(86_400, Math.max(900, Math.ceil(seconds / 300) * 300));
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

export async function runSoak(
  scenario: Scenario,
  log: (line: string) => void = () => {},
): Promise<SoakResult> {
  const wallStart = performance.now();
  const rng = new Random(scenario.seed);
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dataDir = scenario.dataDir ?? (await mkdtemp(join(base, 'configflow-soak-')));
  const sim = await startFordSimulator({
    port: 0,
    startTime: START_SECONDS,
    requestBudgetPerDay: scenario.budgetPerDay,
  });
  const user = new User(sim, rng.fork('user'));
  const t0 = START_SECONDS * 1000;
  const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const faultHits: Partial<Record<FaultKind, number>> = {};
  const anomalies: string[] = [];

  const world: World = new World(sim, scenario, dataDir, rng, (flowId, person) => {
    const attempt = (tries: number) =>
      world.guard('reauth', async () => {
        const result = await user.completeReauth(world.proc.manager, flowId, person);
        if (result.outcome === 'retry' && tries < 40) {
          world.metrics.userRetries++;
          world.clock.at(world.clock.now() + user.retryMs(), () => attempt(tries + 1));
        } else if (result.outcome === 'done') {
          if (result.detail === 'reauth_successful') world.metrics.reauthsCompleted++;
          else anomalies.push(`${person.username}: reauth ended ${result.detail}`);
        } else if (result.outcome === 'retry') {
          anomalies.push(`${person.username}: gave up on a reauth after ${tries} tries (${result.detail})`);
        }
      });
    world.clock.at(world.clock.now() + user.reactionMs(), () => attempt(0));
  });

  try {
    // The people and their cars, at Ford.
    const counts = new Array<number>(scenario.accounts).fill(1);
    const placing = rng.fork('vehicles');
    for (let left = scenario.entries - scenario.accounts; left > 0; ) {
      const i = placing.int(0, scenario.accounts - 1);
      if (counts[i]! < MAX_VEHICLES_PER_ACCOUNT) {
        counts[i]!++;
        left--;
      }
    }
    const regions = ['deu', 'gbr', 'fra', 'nld', 'usa', 'can', 'aus'];
    for (let i = 0; i < scenario.accounts; i++) {
      const n = counts[i]!;
      const vins = Array.from({ length: n }, (_, v) => `1FTSK${String(i * 10 + v).padStart(12, '0')}`);
      const username = `driver${i}@soak.example`;
      const region = regions[i % regions.length]!;
      const password = `pw-${i}`;
      const account = sim.control.createAccount({
        username,
        password,
        region,
        vehicles: vins.map((vin, v) => ({
          vin,
          model: ['Kuga', 'Puma', 'Mustang Mach-E'][v % 3]!,
          year: 2021 + (v % 4),
        })),
      });
      world.addPerson({
        username,
        password,
        subject: account.subject,
        region,
        vins,
        pollIntervalS: scenario.pollPolicy === 'fit-budget' ? fitBudget(n, scenario.budgetPerDay) : undefined,
        entryIds: [],
      });
    }
    await world.boot();

    // Enrolment, spread over the first hour so the polls do not march in step.
    world.people.forEach((person, i) => {
      world.clock.at(t0 + Math.floor((i * HOUR) / world.people.length), () =>
        world.guard(`enrol ${person.username}`, () => enrol(world, user, person)),
      );
    });

    const faultsFrom = t0 + 2 * HOUR;
    const faultsTo = t0 + scenario.days * DAY;
    const plan = planInjections(
      scenario,
      rng.fork('faults'),
      world.people.map((p) => p.username),
      faultsFrom,
      faultsTo,
    );
    for (const injection of plan) {
      world.clock.at(injection.at, () =>
        world.guard(injection.kind, () => inject(world, injection, injected, faultHits)),
      );
    }

    for (let day = 1; day <= scenario.days; day++) {
      await world.runUntil(t0 + day * DAY);
      log(
        `day ${day}/${scenario.days}: ${world.ledger.requests} requests, ${world.metrics.reauthFlows} reauth flows, ` +
          `${world.metrics.crashes} restarts, ${Math.round((performance.now() - wallStart) / 1000)} s`,
      );
    }

    // Quiet period: faults off; every entry must come back by itself (or after the user's sign-in).
    sim.control.clearFaults();
    for (const [id, f] of world.activeFaults) {
      world.activeFaults.delete(id);
      f.end = world.clock.now();
    }
    world.armedCrash = undefined;
    world.proc.crashOnRefresh = undefined;
    await world.runUntil(world.clock.now() + scenario.quietMs);
    // Stuck: not loaded, or "loaded" with nothing polling it (no update within two poll intervals).
    const unhealthy = () =>
      world.proc.entries.list().flatMap((e) => {
        if (e.state !== 'loaded') return [{ e, why: `${e.state} (${e.reason ?? ''})` }];
        const interval = Number(e.options.pollInterval ?? 900) * 1000;
        const last = world.proc.runtime.status(e.entryId).lastUpdated;
        if (last === undefined || world.clock.now() - last > 2 * interval + HOUR)
          return [
            {
              e,
              why: `loaded, but no update since ${last === undefined ? 'start' : new Date(last).toISOString()}`,
            },
          ];
        return [];
      });
    if (unhealthy().length > 0) {
      // A used-up budget holds an entry until Ford's day ends: that is waiting, not being stuck.
      const longest = Math.max(...world.people.map((p) => (p.pollIntervalS ?? 900) * 1000));
      await world.runUntil((Math.floor(world.clock.now() / DAY) + 1) * DAY + 2 * longest + HOUR);
    }
    await world.proc.runtime.idle();
    const endAt = world.clock.now();
    for (const { e, why } of unhealthy())
      world.metrics.stuckEntries.push({ at: endAt, account: e.title, detail: why });
    for (const e of world.proc.entries.list())
      if (e.state === 'loaded' && world.proc.runtime.status(e.entryId).availability === 'unavailable')
        world.metrics.loadedButUnavailable++;

    // Budget: Ford's count per account and day, and refusals by the budget itself.
    const days = new Set<number>();
    for (const truth of world.ledger.accounts.values()) {
      for (const [day, n] of truth.byDay) {
        days.add(day);
        if (n > scenario.budgetPerDay)
          world.metrics.overBudget.push({
            at: day * DAY,
            account: truth.username,
            detail: `${n} requests on ${new Date(day * DAY).toISOString().slice(0, 10)} (budget ${scenario.budgetPerDay})`,
          });
      }
      if (truth.budget429 > 0)
        world.metrics.overBudget.push({
          at: endAt,
          account: truth.username,
          detail: `${truth.budget429} request(s) refused by Ford's budget (429 not injected)`,
        });
    }
    const budgetTable: DayUsage[] = [...days]
      .sort((a, b) => a - b)
      .map((day) => {
        const usage = world.people
          .map((p) => world.ledger.get(p.subject)!.byDay.get(day) ?? 0)
          .sort((a, b) => a - b);
        return {
          day: new Date(day * DAY).toISOString().slice(0, 10),
          min: usage[0] ?? 0,
          median: median(usage),
          max: usage[usage.length - 1] ?? 0,
          nearBudget: usage.filter((n) => n >= 0.9 * scenario.budgetPerDay).length,
        };
      });

    const m = world.metrics;
    const detection = [...m.detectionMs].sort((a, b) => a - b);
    const iso = (t: number) => new Date(t).toISOString();
    const list = (fs: typeof m.falseReauths) => fs.map((f) => ({ ...f, at: iso(f.at) }));
    return {
      scenario,
      asserted: m.asserted,
      findings: {
        false_reauth_prompts: list(m.falseReauths),
        missed_reauths: list(m.missedReauths),
        duplicate_reauth_flows: list(m.duplicateReauths),
        refresh_tokens_lost_across_crashes: list(m.lostAcrossCrashes),
        requests_over_budget: list(m.overBudget),
        entries_stuck_after_faults: list(m.stuckEntries),
      },
      injected,
      faultHits,
      crashes: { ...world.crashesTriggered, total: m.crashes },
      info: {
        entries: world.people.reduce((n, p) => n + p.entryIds.length, 0),
        requests: world.ledger.requests,
        reauth_flows: m.reauthFlows,
        reauths_after_revocation: m.reauthsAfterRevocation,
        reauths_after_rotation_lost_in_crash: m.reauthsAfterLostRotation,
        rotations_lost_in_flight: world.ledger.rotationsLostInFlight,
        reauths_completed_by_user: m.reauthsCompleted,
        user_retries: m.userRetries,
        revocation_detection_median_min: detection.length ? Math.round(median(detection) / MINUTE) : '-',
        revocation_detection_max_min: detection.length
          ? Math.round(detection[detection.length - 1]! / MINUTE)
          : '-',
        races_one_rotation: m.racesWithOneRotation,
        races_more_rotations: m.racesWithMoreRotations,
        loaded_but_unavailable_at_end: m.loadedButUnavailable,
        anomalies: anomalies.length ? anomalies.slice(0, 5).join('; ') : 0,
        simulated_end: iso(endAt),
      },
      budgetTable,
      errors: world.errors,
      wallMs: Math.round(performance.now() - wallStart),
    };
  } finally {
    world.proc?.clock.kill();
    await sim.close();
    if (!scenario.dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

/** The account's vehicles: the first through the sign-in, the others as the scenario says. */
async function enrol(world: World, user: User, person: Person): Promise<void> {
  for (const [i, vin] of person.vins.entries()) {
    const manager = world.proc.manager;
    const entryId =
      i === 0 || world.scenario.enrollment === 'sign-in'
        ? await user.addWithSignIn(manager, person, vin)
        : await user.addToSignedInAccount(manager, person, vin);
    person.entryIds.push(entryId);
    if (person.pollIntervalS !== undefined)
      await user.setPollInterval(manager, entryId, person.pollIntervalS);
  }
}

async function inject(
  world: World,
  injection: Injection,
  injected: Record<FaultKind, number>,
  faultHits: Partial<Record<FaultKind, number>>,
): Promise<void> {
  const { sim, clock, metrics, ledger } = world;
  const now = clock.now();
  const person = injection.account ? world.byUsername.get(injection.account) : undefined;
  injected[injection.kind]++;
  if (injection.spec && injection.durationMs) {
    const fault = sim.control.addFault(injection.spec);
    const end = now + injection.durationMs;
    world.activeFaults.set(fault.id, { kind: injection.kind, end, account: injection.account });
    clock.at(end, () => {
      if (!world.activeFaults.delete(fault.id)) return;
      const hits = sim.control.faults().find((f) => f.id === fault.id)?.hits ?? 0;
      faultHits[injection.kind] = (faultHits[injection.kind] ?? 0) + hits;
      sim.control.removeFault(fault.id);
    });
    return;
  }
  switch (injection.kind) {
    case 'clock_jump':
      world.jumpRequestedMs = injection.jumpMs ?? HOUR;
      return;
    case 'crash_idle':
      world.crashRequested = true;
      return;
    case 'crash_refresh_request':
    case 'crash_refresh_response':
      world.armedCrash = injection.kind === 'crash_refresh_request' ? 'request' : 'response';
      world.proc.crashOnRefresh = world.armedCrash;
      return;
    case 'revocation': {
      if (!person || person.entryIds.length === 0) return;
      sim.control.revoke(person.username);
      ledger.revoked(person.subject, now);
      metrics.revoked(person.subject, now, now + world.graceMs(person.subject));
      return;
    }
    case 'refresh_race': {
      if (!person || person.entryIds.length < 2) return;
      // Every vehicle of the account polls at once, just after its CAT token entered the refresh margin.
      const expiry = world.tokenFile(person.subject)?.catExpiresAt;
      const at = typeof expiry === 'number' ? Math.max(now, expiry - 45_000) : now;
      clock.at(at, () =>
        world.guard('refresh race', async () => {
          const truth = ledger.get(person.subject)!;
          const before = truth.rotations;
          const proc = world.proc;
          const loaded = person.entryIds.filter((id) => proc.entries.get(id)?.state === 'loaded');
          await Promise.all(loaded.map((id) => proc.runtime.refresh(id)));
          const rotations = truth.rotations - before;
          if (rotations === 1) metrics.racesWithOneRotation++;
          else if (rotations > 1) metrics.racesWithMoreRotations++;
        }),
      );
      return;
    }
  }
}
