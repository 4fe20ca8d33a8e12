/**
 * Regression tests for the bugs the soak found in core and fordpass (B1–B3 in docs/soak.md), each the
 * smallest reproduction: they failed while the bug existed and pass since it was fixed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigEntries,
  EntryRuntime,
  FakeClock,
  FlowManager,
  type Integration,
  JsonFileEntryStore,
} from '@configflow/core';
import { type FordSimulator, startFordSimulator } from '@configflow/ford-simulator';
import { createFordPassIntegration } from '@configflow/fordpass';
import { afterEach, describe, expect, it } from 'vitest';
import { type Person, User } from '../src/user.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'soak-bug-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function simulator(budget: number): Promise<FordSimulator> {
  const sim = await startFordSimulator({ port: 0, startTime: 1_750_032_000, requestBudgetPerDay: budget });
  cleanups.push(() => sim.close());
  return sim;
}

function fordpass(sim: FordSimulator, storageDir: string, clock: FakeClock, requestsPerDay: number) {
  const url = sim.url;
  return createFordPassIntegration({
    api: { login: url, foundational: url, autonomic: url, vehicleApi: url, telemetry: url, command: url },
    storageDir,
    clock,
    requestsPerDay,
  });
}

/** One account with one car, signed in through the real flow; returns the person and the entry id. */
async function signedIn(sim: FordSimulator, manager: FlowManager) {
  const vin = '1FTSK000000000001';
  const account = sim.control.createAccount({
    username: 'bug@soak.example',
    password: 'pw',
    region: 'deu',
    vehicles: [{ vin, model: 'Kuga', year: 2022 }],
  });
  const person: Person = {
    username: 'bug@soak.example',
    password: 'pw',
    subject: account.subject,
    region: 'deu',
    vins: [vin],
    pollIntervalS: undefined,
    entryIds: [],
  };
  const entryId = await new User(sim, { int: () => 0 } as never).addWithSignIn(manager, person, vin);
  return { person, entryId };
}

describe('core', () => {
  it('B1: after a crash, entries the dead process had loaded are set up again by EntryRuntime.start()', async () => {
    const dir = await tempDir();
    const clock = new FakeClock();
    const setups: string[] = [];
    const sim = await simulator(Number.POSITIVE_INFINITY);
    // Any integration shows it: only the domain of fordpass's flow is used here.
    const integration: Integration = {
      flow: fordpass(sim, dir, clock, 250).flow,
      setup: async (entry) => {
        setups.push(entry.entryId);
        return {};
      },
      poll: async () => ({}),
    };
    const boot = async () => {
      const entries = new ConfigEntries({ store: new JsonFileEntryStore(join(dir, 'entries.json')), clock });
      await entries.load();
      const manager = new FlowManager({ flows: [integration.flow], entries, clock });
      const runtime = new EntryRuntime({ manager, integrations: [integration], clock });
      await runtime.start();
      return { entries, runtime };
    };
    const first = await boot();
    const entry = await first.entries.add({ domain: 'fordpass', title: 'car', data: {}, source: 'user' });
    await first.runtime.setup(entry.entryId);
    await first.entries.flush();
    // The process dies here: no runtime.stop(), so the file still says "loaded".
    const second = await boot();
    expect(setups).toEqual([entry.entryId, entry.entryId]);
    expect(second.runtime.status(entry.entryId).nextAttemptAt).toBeDefined();
  });
});

describe('fordpass', () => {
  it("B2: a restarted adapter does not send past Ford's daily budget (the count survives a restart)", async () => {
    const budget = 8;
    const sim = await simulator(budget);
    const dir = await tempDir();
    const clock = new FakeClock(1_750_032_000_000);
    const before = fordpass(sim, dir, clock, budget);
    const manager = new FlowManager({ flows: [before.flow], clock });
    const runtime = new EntryRuntime({ manager, integrations: [before], clock });
    const { entryId } = await signedIn(sim, manager);
    const entry = manager.entries.require(entryId);
    // Use the day's budget up in the first process (the adapter stops by itself: good).
    for (let i = 0; i < 20; i++) {
      await clock.advance(301_000);
      await runtime.refresh(entryId);
    }
    expect(sim.state.budget('bug@soak.example')!.used).toBe(budget);
    // (One refusal may already have happened here: that is B3. B2 is about what the restart adds.)
    const refusedBefore = sim.state.stats().rateLimited;
    const ctx = { clock, signal: new AbortController().signal, log: () => {} };
    // Restart (same day, same data dir): the new adapter believes it has the whole budget again.
    const after = fordpass(sim, dir, clock, budget);
    await after.setup(entry, ctx).catch(() => {});
    expect(sim.state.stats().rateLimited - refusedBefore).toBe(0);
  });

  it("B3: the sign-in's CAT request is charged to the account's budget, as Ford charges it", async () => {
    const sim = await simulator(250);
    const dir = await tempDir();
    const clock = new FakeClock(1_750_032_000_000);
    const integration = fordpass(sim, dir, clock, 250);
    const manager = new FlowManager({ flows: [integration.flow], clock });
    new EntryRuntime({ manager, integrations: [integration], clock });
    const { person } = await signedIn(sim, manager);
    await manager.idle();
    const ford = sim.state.budget(person.username)!.used;
    const ours = integration.sessions.get(person.subject).budget.snapshot().used;
    expect(ours).toBe(ford);
  });
});
