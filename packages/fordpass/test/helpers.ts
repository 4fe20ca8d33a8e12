import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, FlowManager, FlowResult, SetupContext } from '@configflow/core';
import {
  type FordSimulator,
  type FordSimulatorOptions,
  browserSignIn as signInOnSimulator,
  startFordSimulator,
} from '@configflow/ford-simulator';
import { afterEach, expect } from 'vitest';
import { type BaseUrls, createFordPassIntegration, type FordPassOptions, sameOrigin } from '../src/index.ts';

/** 2025-06-15T12:00:00Z: a fixed simulated start keeps budget days deterministic. */
export const START = 1_749_988_800;
export const VIN_A = '1FMCU9G67LUA00001';
export const VIN_B = '3FMTK3SU5MMA00002';
export const VIN_C = '1FTFW1E85NFA00003';
export const PASSWORD = 'secret';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export async function startSim(options: FordSimulatorOptions = {}): Promise<FordSimulator> {
  const sim = await startFordSimulator({ port: 0, startTime: START, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fordpass-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every role at the simulator's one origin. */
export function simUrls(sim: FordSimulator): BaseUrls {
  return sameOrigin(sim.url);
}

/**
 * core's Clock driven by the simulator's clock: `now()` is the simulated time (ms), and `advance` moves
 * the simulator and fires the adapter's timers in order. No test reads the wall clock.
 */
export class SimDrivenClock implements Clock {
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(private readonly sim: FordSimulator) {}

  now(): number {
    return Math.round(this.sim.clock.now() * 1000);
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.now() + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.now()).sort((a, b) => a - b);
  }
  /** Moves simulated time by `ms`, firing due timers one by one. */
  advance(ms: number): void {
    const end = this.now() + ms;
    for (;;) {
      const next = this.nextTimer(end);
      if (!next) break;
      this.timers.delete(next[0]);
      this.moveTo(next[1].at);
      next[1].fn();
    }
    this.moveTo(end);
  }
  /** Fires the soonest timer (moving time to it); false when none is pending. */
  fireNext(): boolean {
    const next = this.nextTimer(Number.POSITIVE_INFINITY);
    if (!next) return false;
    this.timers.delete(next[0]);
    this.moveTo(next[1].at);
    next[1].fn();
    return true;
  }
  private nextTimer(limit: number): [number, { at: number; fn: () => void }] | undefined {
    let next: [number, { at: number; fn: () => void }] | undefined;
    for (const entry of this.timers)
      if (entry[1].at <= limit && (!next || entry[1].at < next[1].at)) next = entry;
    return next;
  }
  private moveTo(atMs: number): void {
    const delta = atMs / 1000 - this.sim.clock.now();
    if (delta > 0) this.sim.clock.advance(delta);
  }
}

/**
 * Awaits a promise whose progress waits on simulated timers (command tracking, backoff): whenever it is
 * idle on I/O for a moment, the next timer fires. Returns what the promise settles with.
 */
export async function drive<T>(clock: SimDrivenClock, work: Promise<T>): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => {});
  for (let i = 0; i < 500 && !settled; i++) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    if (!settled) clock.fireNext();
  }
  return work;
}

export async function setupWorld(
  opts: { sim?: FordSimulatorOptions; integration?: Partial<FordPassOptions>; storageDir?: string } = {},
) {
  const sim = await startSim(opts.sim);
  const clock = new SimDrivenClock(sim);
  const storageDir = opts.storageDir ?? (await tempDir());
  const integration = createFordPassIntegration({
    api: simUrls(sim),
    storageDir,
    clock,
    ...opts.integration,
  });
  return { sim, clock, storageDir, integration };
}

export async function createAccount(
  sim: FordSimulator,
  username: string,
  vins: string[],
  region = 'deu',
): Promise<{ subject: string }> {
  const models = ['Kuga', 'Mustang Mach-E', 'F-150'];
  return sim.control.createAccount({
    username,
    password: PASSWORD,
    region,
    vehicles: vins.map((vin, i) => ({ vin, model: models[i % 3]!, year: 2022 + (i % 3) })),
  });
}

/** The browser sign-in, scripted: `POST /_sim/login` with the flow's own code challenge. */
export function browserSignIn(sim: FordSimulator, authorizeUrl: string, username: string): Promise<string> {
  return signInOnSimulator(sim.url, authorizeUrl, { username, password: PASSWORD });
}

export function challengeOf(result: FlowResult): string {
  return new URL(result.url!).searchParams.get('code_challenge')!;
}

/** init → (progress) → brand → region: the flow waits at the token step. */
export async function toTokenStep(manager: FlowManager, region = 'deu', brand = 'ford'): Promise<FlowResult> {
  const started = await manager.init('fordpass');
  await manager.idle();
  let current = await manager.configure(started.flowId);
  if (current.stepId === 'setup_type')
    current = await manager.configure(started.flowId, { nextStepId: 'brand' });
  expect(current).toMatchObject({ type: 'form', stepId: 'brand' });
  current = await manager.configure(started.flowId, { brand });
  expect(current).toMatchObject({ type: 'form', stepId: 'region' });
  current = await manager.configure(started.flowId, { region });
  expect(current).toMatchObject({ type: 'external', stepId: 'token' });
  return current;
}

/** A whole user flow for one VIN; returns the created entry's id. */
export async function addVehicle(
  manager: FlowManager,
  sim: FordSimulator,
  username: string,
  vin: string,
): Promise<string> {
  const token = await toTokenStep(manager);
  const pasted = await browserSignIn(sim, token.url!, username);
  const vehicle = await manager.configure(token.flowId, { url: pasted });
  expect(vehicle).toMatchObject({ stepId: 'vehicle' });
  const created = await manager.configure(token.flowId, { vin });
  expect(created).toMatchObject({ type: 'create_entry' });
  return created.entry!.entryId;
}

export function setupContext(clock: Clock): SetupContext {
  return { clock, signal: new AbortController().signal, log: () => {} };
}

export async function refreshes(sim: FordSimulator, username: string): Promise<number> {
  const res = await fetch(`${sim.url}/_sim/stats`);
  const stats = (await res.json()) as { accounts: Record<string, { refreshes: number }> };
  return stats.accounts[username]?.refreshes ?? 0;
}

export async function addFault(sim: FordSimulator, fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(res.status).toBe(201);
}

/** Waits (real time, briefly) for work the engine started without handing back a promise. */
export async function eventually(check: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
