/**
 * Values kept in this process's memory for a fixed time, at most `limit` of them. Expired
 * ones are dropped whenever the map is used, not only when asked for again; past the
 * limit, the oldest go first.
 */
export class ExpiringMap<V> {
  /** In the order they expire: every entry lives as long, and one set again moves to the end. */
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    this.dropExpired();
    return this.entries.size;
  }

  get(key: string): V | undefined {
    this.dropExpired();
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V): void {
    this.dropExpired();
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.lifetimeMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [key, { until }] of this.entries) {
      if (until > now) break;
      this.entries.delete(key);
    }
  }
}
