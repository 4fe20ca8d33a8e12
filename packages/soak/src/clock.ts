import type { Clock } from '@configflow/core';
import type { FordSimulator } from '@configflow/ford-simulator';

interface Timer {
  at: number;
  fn: () => unknown;
  owner: ProcessClock | undefined;
}

/**
 * One simulated time for everything: the simulator's clock (seconds) is moved together with this one
 * (ms), and only between ticks, when no request is in flight, so both always read the same instant.
 * Timers of the app's processes and the soak's own events live here; a crashed process's timers die
 * with it.
 */
export class WorldClock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(private readonly sim: FordSimulator) {
    this.time = Math.round(sim.clock.now() * 1000);
  }

  now(): number {
    return this.time;
  }

  /** A clock for one app process (`core`'s Clock interface). */
  forProcess(): ProcessClock {
    return new ProcessClock(this);
  }

  /** A soak event (a fault, a user action) at an absolute time; what it returns is awaited by the tick. */
  at(time: number, fn: () => unknown): void {
    this.add(Math.max(time, this.time), fn, undefined);
  }

  add(at: number, fn: () => unknown, owner: ProcessClock | undefined): number {
    const id = ++this.seq;
    this.timers.set(id, { at, fn, owner });
    return id;
  }

  remove(id: number): void {
    this.timers.delete(id);
  }

  dropOwnedBy(owner: ProcessClock): void {
    for (const [id, t] of this.timers) if (t.owner === owner) this.timers.delete(id);
  }

  /** The soonest timer's time, if any. */
  nextAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers.values()) if (next === undefined || t.at < next) next = t.at;
    return next;
  }

  /** Moves both clocks forward (never back). Only call it while nothing is in flight. */
  moveTo(time: number): void {
    if (time <= this.time) return;
    const deltaSeconds = (time - this.time) / 1000;
    this.time = time;
    this.sim.clock.advance(deltaSeconds);
  }

  /** Fires every timer due by now, in order of due time, all at the current instant. */
  fireDue(): unknown[] {
    const due = [...this.timers.entries()]
      .filter(([, t]) => t.at <= this.time)
      .sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
    const results: unknown[] = [];
    for (const [id, t] of due) {
      if (!this.timers.delete(id)) continue;
      results.push(t.fn());
    }
    return results;
  }
}

/** One process's view of the world clock; `kill()` is the process dying: its timers never fire. */
export class ProcessClock implements Clock {
  private dead = false;

  constructor(private readonly world: WorldClock) {}

  now(): number {
    return this.world.now();
  }
  setTimeout(fn: () => void, ms: number): unknown {
    if (this.dead) return 0;
    return this.world.add(this.world.now() + Math.max(0, ms), fn, this);
  }
  clearTimeout(handle: unknown): void {
    this.world.remove(handle as number);
  }
  kill(): void {
    this.dead = true;
    this.world.dropOwnedBy(this);
  }
}
