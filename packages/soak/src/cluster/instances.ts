import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServeProcess, startServe } from './bridge.ts';
import type { Wire } from './wire.ts';

/** One place in the cluster: a `configflow serve` process, replaced by a new one after each kill. */
export interface Slot {
  index: number;
  /** The current process's instance name (leases, pg_stat_activity); new for every process. */
  name: string;
  url: string;
  alive: boolean;
  proc: ServeProcess | undefined;
  /** Processes this slot has run. */
  generation: number;
}

export interface InstanceOptions {
  database: string;
  leaseMs: number;
  log: (line: string) => void;
}

/**
 * The `configflow serve` processes of the soak, each on its own data dir and its own wire port, all on
 * one database. Kills are SIGKILL: nothing of the process runs after it.
 */
export class Instances {
  readonly slots: Slot[] = [];
  private readonly dirs: string[] = [];
  private readonly apis: string[] = [];

  constructor(
    private readonly wire: Wire,
    private readonly opts: InstanceOptions,
  ) {}

  async start(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.apis[i] = await this.wire.open(i);
      this.slots.push({ index: i, name: '', url: '', alive: false, proc: undefined, generation: 0 });
    }
    await Promise.all(this.slots.map((s) => this.boot(s)));
  }

  live(): Slot[] {
    return this.slots.filter((s) => s.alive);
  }

  byName(name: string): Slot | undefined {
    return this.slots.find((s) => s.name === name && s.alive);
  }

  /** A new process in the slot: a new instance name, the same wire port, a fresh data dir, the same database. */
  async boot(slot: Slot): Promise<void> {
    slot.generation++;
    slot.name = `soak-${slot.index + 1}-${slot.generation}`;
    const dir = await mkdtemp(join(tmpdir(), `configflow-soak-${slot.name}-`));
    this.dirs.push(dir);
    this.wire.name(slot.index, slot.name);
    this.opts.log(`  starting ${slot.name}`);
    const proc = await startServe(
      [
        '--port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--store',
        this.opts.database,
        '--ford-api',
        this.apis[slot.index]!,
      ],
      { CONFIGFLOW_LEASE_MS: String(this.opts.leaseMs), CONFIGFLOW_INSTANCE: slot.name },
      { cwd: dir },
    );
    slot.proc = proc;
    slot.url = proc.url;
    slot.alive = true;
    this.opts.log(`  started ${slot.name} at ${proc.url}`);
  }

  /** SIGKILL; resolves once the process is gone. Returns the moment of the kill. */
  async kill(slot: Slot): Promise<number> {
    const at = Date.now();
    slot.alive = false;
    slot.proc?.child.kill('SIGKILL');
    await slot.proc?.stop('SIGKILL');
    return at;
  }

  async stop(): Promise<void> {
    await Promise.all(this.slots.map((s) => (s.alive ? s.proc?.stop('SIGTERM') : undefined)));
    for (const s of this.slots) s.alive = false;
    for (const d of this.dirs) await rm(d, { recursive: true, force: true });
  }
}
