/**
 * Where the reauth loop guard counts an account's successful reauths. In memory by default; servers
 * sharing one database share one (an account's entries move between them, and so must the count).
 */
export interface ReauthCounts {
  /** Records a successful reauth of the account `key` at `at` (epoch ms). */
  add(key: string, at: number): Promise<void>;
  /** The account's successful reauths after `since` (epoch ms); older ones may be forgotten. */
  count(key: string, since: number): Promise<number>;
  /** Forgets the account's reauths: a person asked for one. */
  clear(key: string): Promise<void>;
}

export class MemoryReauthCounts implements ReauthCounts {
  private readonly times = new Map<string, number[]>();
  async add(key: string, at: number): Promise<void> {
    this.times.set(key, [...(this.times.get(key) ?? []), at]);
  }
  async count(key: string, since: number): Promise<number> {
    const kept = (this.times.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.times.delete(key);
    else this.times.set(key, kept);
    return kept.length;
  }
  async clear(key: string): Promise<void> {
    this.times.delete(key);
  }
}
