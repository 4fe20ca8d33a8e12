/**
 * Simulated time in epoch seconds. Every expiry, command timeline and budget window reads this clock,
 * never the wall clock, so tests move time explicitly and never wait for it.
 */
export interface Clock {
  /** Current simulated time, epoch seconds. */
  now(): number;
  /** Moves simulated time forward; time never goes backwards so issued tokens stay consistent. */
  advance(seconds: number): void;
}

export class SimClock implements Clock {
  #now: number;

  constructor(start: number) {
    if (!Number.isFinite(start) || start < 0)
      throw new RangeError('startTime must be a non-negative epoch second');
    this.#now = Math.floor(start);
    // Bound so callers may pass `clock.now` around detached.
    this.now = this.now.bind(this);
    this.advance = this.advance.bind(this);
  }

  now(): number {
    return this.#now;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError('advance() takes a finite, non-negative number of seconds');
    }
    this.#now += seconds;
  }
}

/** ISO-8601 rendering of a simulated epoch second, as Ford puts in `updateTime`/`timestamp`. */
export function isoAt(epochSeconds: number): string {
  return new Date(Math.floor(epochSeconds * 1000)).toISOString();
}
