import type Keyv from 'keyv';

/**
 * STORE_URL names no store this app can open: a setting to correct, not a fault of the
 * database. The message never repeats more of the URL than its scheme.
 */
export class StoreUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUrlError';
  }
}

/** `oldestAt`: when the oldest reservation still filling the window was made; room returns at `oldestAt + windowMs`. */
export type Reserved = { ok: true } | { ok: false; oldestAt: number };

/** What every store offers beside its records, the same on every database. */
export interface AtomicOperations {
  /**
   * True for the first caller only, until `ttlMs` has passed; across every process that
   * shares the store. For idempotency and for reserving a slot.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Lets the key be claimed again: the claimed work turned out not to happen. */
  unclaim(key: string): Promise<void>;
  /**
   * A place among at most `limit` reservations of `key` made in the `windowMs` up to
   * `now` (epoch milliseconds); across every process that shares the store, no more than
   * `limit` callers ever hold one at once. `id` names the reservation for `release`.
   * Counting and inserting are one step for the database, never a read and then a write
   * from here: two processes would both see room for the last place.
   */
  reserve(key: string, limit: number, windowMs: number, now: number, id: string): Promise<Reserved>;
  /** Gives the place back, for a request that was never sent; false when it was not held. */
  release(key: string, id: string): Promise<boolean>;
  /**
   * A set of strings shared by every process, for what must be found again without
   * knowing its key (the sends still pending after a restart).
   */
  mark(set: string, member: string): Promise<void>;
  unmark(set: string, member: string): Promise<void>;
  members(set: string): Promise<string[]>;
  /**
   * Adds each delta to its field of the counters under `key`, all in one step for the
   * database: a field never seen counts from 0, and no two callers can lose one another's
   * additions (a read and then a write from here would). Deltas are whole numbers.
   */
  increment(key: string, deltas: Readonly<Record<string, number>>): Promise<void>;
  /** The counters under each key, in the order asked; a key never incremented has none. */
  counters(keys: readonly string[]): Promise<Array<Record<string, number>>>;
  /**
   * Files `member` in the time-ordered `set`, due at `at` (epoch milliseconds); filing it
   * again moves it. For work that must happen later, whichever process is running then.
   */
  schedule(set: string, member: string, at: number): Promise<void>;
  /**
   * Up to `limit` members due by `now`, earliest first, each moved to `now + holdMs` in the
   * same step for the database: no other caller takes them meanwhile, and one whose taker
   * died comes due again once the hold is over. Reading costs what is taken, not the set's size.
   */
  takeDue(set: string, now: number, limit: number, holdMs: number): Promise<string[]>;
  /** Takes `member` out of `set`: its work is done. */
  unschedule(set: string, member: string): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * What differs between databases; the store above it is shared. Arguments arrive checked:
 * keys and ids not empty, times to live and windows positive, limits whole and at least 1.
 */
export interface Backend extends AtomicOperations {
  sweep: Sweep;
  /**
   * Without a key prefix, as the store files every key itself; with throwOnErrors, or a
   * failing database would read as "no such record".
   */
  keyv: Keyv;
}

/**
 * Deletes what expired by `now` (epoch milliseconds): claims and reservations, which are
 * otherwise only taken over or skipped one key at a time, and records set with a time to
 * live, which Keyv only hides once expired. Keyv keeps a record's expiry in its JSON value,
 * as `expires`; Redis drops expired keys itself, so its sweep has nothing to do.
 */
export type Sweep = (now: number) => Promise<void>;

// A health check waits no longer: a database that cannot be reached can keep a query
// waiting for as long as its client keeps reconnecting.
const PING_TIMEOUT_MS = 2_000;

export async function reachable(query: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, PING_TIMEOUT_MS, false);
  });
  try {
    return await Promise.race([query().then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What went wrong, for a message. Connecting to a host with several addresses (localhost:
 * ::1 and 127.0.0.1) fails with one error that says nothing itself and holds one per address.
 */
/** The counters of `keys` from rows of (key, field, value), in the order of `keys`. */
export function countersOf(
  keys: readonly string[],
  rows: ReadonlyArray<{ key: string; field: string; value: number | string }>,
): Array<Record<string, number>> {
  const byKey = new Map(keys.map((key) => [key, {} as Record<string, number>]));
  for (const row of rows) {
    const fields = byKey.get(row.key);
    if (fields) fields[row.field] = Number(row.value);
  }
  return keys.map((key) => byKey.get(key) ?? {});
}

export function reason(error: unknown): string {
  if (error instanceof AggregateError && !error.message) return error.errors.map(reason).join('; ');
  return error instanceof Error ? error.message : String(error);
}
