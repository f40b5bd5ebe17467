/** A value held under a key. Strings are binary-safe; hash fields are latin1-decoded keys. */
export type StoredValue =
  | { kind: 'string'; data: Buffer }
  | { kind: 'hash'; data: Map<string, Buffer> };

export type Clock = () => number;

/** A client's WATCH state: flagged dirty when a watched key changes, so its EXEC fails. */
export interface Watcher {
  dirty: boolean;
}

/**
 * One Redis database: keys, values and absolute expiry times (ms since epoch), in memory only.
 * Expired keys disappear lazily when touched (every read goes through `get`) and actively via
 * `sweep`, which the server calls on a timer so that unread keys do not pile up.
 * Keys are Buffers decoded as latin1: a lossless one-byte-per-char mapping, so binary keys work.
 */
export class Keyspace {
  private readonly values = new Map<string, StoredValue>();
  private readonly expires = new Map<string, number>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private sweepCursor: Iterator<[string, number]> | undefined;

  constructor(private readonly now: Clock) {}

  get(key: string): StoredValue | undefined {
    const expiresAt = this.expires.get(key);
    if (expiresAt !== undefined && expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores a value; like Redis SET, this drops any TTL unless `keepTtl` is given. */
  set(key: string, value: StoredValue, options: { keepTtl?: boolean; expiresAt?: number } = {}): void {
    this.values.set(key, value);
    if (options.expiresAt !== undefined) this.expires.set(key, options.expiresAt);
    else if (!options.keepTtl) this.expires.delete(key);
    this.touch(key);
  }

  delete(key: string): boolean {
    this.expires.delete(key);
    const existed = this.values.delete(key);
    if (existed) this.touch(key);
    return existed;
  }

  /** Absolute expiry of a live key, undefined when it has none or does not exist. */
  expiresAt(key: string): number | undefined {
    return this.has(key) ? this.expires.get(key) : undefined;
  }

  /** Sets an absolute expiry on an existing key; a time in the past deletes the key. */
  setExpiresAt(key: string, at: number): boolean {
    if (!this.has(key)) return false;
    if (at <= this.now()) this.delete(key);
    else {
      this.expires.set(key, at);
      this.touch(key);
    }
    return true;
  }

  persist(key: string): boolean {
    const removed = this.has(key) && this.expires.delete(key);
    if (removed) this.touch(key);
    return removed;
  }

  watch(key: string, watcher: Watcher): void {
    let set = this.watchers.get(key);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(watcher);
  }

  unwatch(key: string, watcher: Watcher): void {
    const set = this.watchers.get(key);
    set?.delete(watcher);
    if (set?.size === 0) this.watchers.delete(key);
  }

  /**
   * Marks clients watching `key` as dirty. Called on every change, including in-place changes
   * to a hash that callers make after `get`, which is why it is public.
   */
  touch(key: string): void {
    if (this.watchers.size === 0) return;
    for (const watcher of this.watchers.get(key) ?? []) watcher.dirty = true;
  }

  /** Live keys; expired ones met on the way are removed. */
  *keys(): IterableIterator<string> {
    for (const key of [...this.values.keys()]) {
      if (this.has(key)) yield key;
    }
  }

  /** Key count including expired keys not yet swept, like Redis DBSIZE. */
  get size(): number {
    return this.values.size;
  }

  get expiringCount(): number {
    return this.expires.size;
  }

  clear(): void {
    // Like FLUSHDB in redis-server: only watched keys that exist count as modified.
    for (const key of this.watchers.keys()) if (this.values.has(key)) this.touch(key);
    this.values.clear();
    this.expires.clear();
    this.sweepCursor = undefined;
  }

  /**
   * Active expiry: checks at most `budget` keys that carry a TTL, continuing where the previous
   * sweep stopped, and deletes the expired ones. Returns how many were deleted.
   */
  sweep(budget: number): number {
    const now = this.now();
    let deleted = 0;
    for (let checked = 0; checked < budget; checked++) {
      this.sweepCursor ??= this.expires.entries();
      const next = this.sweepCursor.next();
      if (next.done) {
        this.sweepCursor = undefined;
        break;
      }
      const [key, at] = next.value;
      if (at <= now) {
        this.delete(key);
        deleted++;
      }
    }
    return deleted;
  }
}

export function createDatabases(count: number, now: Clock): Keyspace[] {
  return Array.from({ length: count }, () => new Keyspace(now));
}
