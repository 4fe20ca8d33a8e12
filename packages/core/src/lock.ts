/**
 * A keyed mutual-exclusion lock. Async, so a database advisory lock can stand in for several server
 * instances sharing one store; `InProcessLock` is the embedded default.
 */
export interface Lock {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class InProcessLock implements Lock {
  private readonly tails = new Map<string, Promise<unknown>>();

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}
