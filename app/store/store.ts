import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { ConfigError, type StoreConfig } from '../config.js';
import { AccountsRepository, workspaceId, type Workspace } from './accounts.js';

export type { Workspace } from './accounts.js';

/** One repository's records, always filed under a workspace: no call can reach another workspace's. */
export interface Records {
  get<T>(workspace: Workspace, key: string): Promise<T | undefined>;
  /** `ttlMs` set: the record is gone once that many milliseconds have passed. */
  set<T>(workspace: Workspace, key: string, value: T, ttlMs?: number): Promise<void>;
  delete(workspace: Workspace, key: string): Promise<boolean>;
}

/** `oldestAt`: when the oldest reservation still filling the window was made; room returns at `oldestAt + windowMs`. */
export type Reserved = { ok: true } | { ok: false; oldestAt: number };

export interface Store {
  readonly accounts: AccountsRepository;
  /** `namespace` keeps one repository's keys apart from another's: lower-case letters, digits and '-'. */
  records(namespace: string): Records;
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
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** What differs between databases; everything above it is shared. */
interface Backend {
  keyv: Keyv;
  claim(key: string, ttlMs: number): Promise<boolean>;
  unclaim(key: string): Promise<void>;
  /**
   * Counting and inserting must be one step for the database, never a read and then a
   * write from here: two processes would both see room for the last place.
   */
  reserve(key: string, limit: number, windowMs: number, now: number, id: string): Promise<Reserved>;
  release(key: string, id: string): Promise<boolean>;
  mark(set: string, member: string): Promise<void>;
  unmark(set: string, member: string): Promise<void>;
  members(set: string): Promise<string[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// Writers from other processes (the app and the accounts command) wait this long for
// each other instead of failing at once.
const BUSY_TIMEOUT_MS = 5_000;

// Expired claims are only taken over one key at a time, and reservations out of their
// window are only skipped; both are swept this often.
const SWEEP_EVERY_MS = 60 * 60 * 1000;

async function openSqlite(url: string): Promise<Backend> {
  const path = url.replace(/^sqlite:\/\//i, '');
  if (url.length === path.length || path === '') {
    throw new ConfigError(['STORE_URL must name a file, as in sqlite://data/feedback.sqlite (or sqlite://:memory:)']);
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

  const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: BUSY_TIMEOUT_MS });
  // Without throwOnErrors a failing database reads as "no such record".
  const keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  let sweepAt = 0;
  const sweep = async (now: number) => {
    sweepAt = now + SWEEP_EVERY_MS;
    await adapter.query('DELETE FROM claims WHERE expires_at <= ?', now);
    await adapter.query('DELETE FROM reservations WHERE expires_at <= ?', now);
  };
  try {
    // The table is the database's own "insert unless present", so two processes on
    // one file cannot both win a claim.
    await adapter.query('CREATE TABLE IF NOT EXISTS claims(key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
    await adapter.query(
      `CREATE TABLE IF NOT EXISTS reservations(
         key TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY(key, id))`,
    );
    await adapter.query('CREATE INDEX IF NOT EXISTS reservations_by_time ON reservations(key, at)');
    await adapter.query('CREATE INDEX IF NOT EXISTS reservations_by_expiry ON reservations(expires_at)');
    await adapter.query('CREATE TABLE IF NOT EXISTS marks(name TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY(name, member))');
    await sweep(Date.now());
  } catch (error) {
    throw new Error(`Cannot open the SQLite store of STORE_URL (${path}): ${(error as Error).message}`, { cause: error });
  }

  return {
    keyv,
    async claim(key, ttlMs) {
      const now = Date.now();
      if (now >= sweepAt) await sweep(now);
      // An expired claim is taken over in the same statement; RETURNING yields a row
      // only when this call inserted or took over.
      const rows: unknown[] = await adapter.query(
        `INSERT INTO claims(key, expires_at) VALUES(?, ?)
         ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= ?
         RETURNING key`,
        key,
        now + ttlMs,
        now,
      );
      return rows.length === 1;
    },
    async unclaim(key) {
      await adapter.query('DELETE FROM claims WHERE key = ?', key);
    },
    async reserve(key, limit, windowMs, now, id) {
      if (Date.now() >= sweepAt) await sweep(Date.now());
      for (;;) {
        // A writing statement holds the database's write lock from its first step, so the
        // count cannot change before the insert that depends on it.
        const inserted: unknown[] = await adapter.query(
          `INSERT INTO reservations(key, id, at, expires_at)
           SELECT ?, ?, ?, ? WHERE (SELECT count(*) FROM reservations WHERE key = ? AND at > ?) < ?
           RETURNING id`,
          key,
          id,
          now,
          now + windowMs,
          key,
          now - windowMs,
          limit,
        );
        if (inserted.length === 1) return { ok: true };
        const [oldest]: Array<{ at: number }> = await adapter.query(
          'SELECT at FROM reservations WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?',
          key,
          now - windowMs,
          limit - 1,
        );
        // Nothing fills the window any more when a place was released in between: try again.
        if (oldest) return { ok: false, oldestAt: oldest.at };
      }
    },
    async release(key, id) {
      const rows: unknown[] = await adapter.query('DELETE FROM reservations WHERE key = ? AND id = ? RETURNING id', key, id);
      return rows.length === 1;
    },
    async mark(name, member) {
      await adapter.query('INSERT INTO marks(name, member) VALUES(?, ?) ON CONFLICT DO NOTHING', name, member);
    },
    async unmark(name, member) {
      await adapter.query('DELETE FROM marks WHERE name = ? AND member = ?', name, member);
    },
    async members(name) {
      const rows: Array<{ member: string }> = await adapter.query('SELECT member FROM marks WHERE name = ? ORDER BY member', name);
      return rows.map((row) => row.member);
    },
    async ping() {
      try {
        await adapter.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => adapter.disconnect(),
  };
}

// redis: and postgresql: join here, each with its own atomic claim and reservation (Redis:
// a sorted set per key, counted and added to in one Lua script; PostgreSQL: the count and
// the insert in one transaction under an advisory lock on the key).
const BACKENDS: Record<string, (url: string) => Promise<Backend>> = {
  'sqlite:': openSqlite,
};

function backendFor(url: string): (url: string) => Promise<Backend> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    throw new ConfigError(['STORE_URL must be a URL such as sqlite://data/feedback.sqlite']);
  }
  const open = BACKENDS[`${scheme}:`];
  // Only the scheme is repeated: the rest of a database URL may hold a password.
  if (!open) {
    throw new ConfigError([`STORE_URL uses "${scheme}:", which is not supported; use sqlite://path/to/file.sqlite`]);
  }
  return open;
}

const NAMESPACE = /^[a-z][a-z0-9-]*$/;

function positive(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`A time to live must be a positive number of milliseconds, not ${ttlMs}`);
  return ttlMs;
}

function count(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A limit must be a whole number of at least 1, not ${limit}`);
  return limit;
}

function records(keyv: Keyv, namespace: string): Records {
  if (!NAMESPACE.test(namespace)) throw new Error(`Not a store namespace: ${JSON.stringify(namespace)}`);
  const full = (workspace: Workspace, key: string) => {
    if (!key) throw new Error('A record key must not be empty');
    return `${namespace}:${workspaceId(workspace)}:${key}`;
  };
  return {
    async get(workspace, key) {
      return keyv.get(full(workspace, key));
    },
    async set(workspace, key, value, ttlMs) {
      await keyv.set(full(workspace, key), value, ttlMs === undefined ? undefined : positive(ttlMs));
    },
    async delete(workspace, key) {
      return keyv.delete(full(workspace, key));
    },
  };
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const backend = await backendFor(config.storeUrl)(config.storeUrl);
  let closing: Promise<void> | undefined;
  return {
    accounts: new AccountsRepository(records(backend.keyv, 'accounts'), {
      current: config.encryptionKey,
      previous: config.previousEncryptionKey,
    }),
    records: (namespace) => records(backend.keyv, namespace),
    async claim(key, ttlMs) {
      if (!key) throw new Error('A claim key must not be empty');
      return backend.claim(key, positive(ttlMs));
    },
    unclaim: (key) => backend.unclaim(key),
    async reserve(key, limit, windowMs, now, id) {
      if (!key || !id) throw new Error('A reservation needs a key and an id');
      if (!Number.isFinite(now)) throw new RangeError(`Not a time: ${now}`);
      return backend.reserve(key, count(limit), positive(windowMs), now, id);
    },
    release: (key, id) => backend.release(key, id),
    mark: (set, member) => backend.mark(set, member),
    unmark: (set, member) => backend.unmark(set, member),
    members: (set) => backend.members(set),
    ping: () => (closing ? Promise.resolve(false) : backend.ping()),
    close: () => (closing ??= backend.close()),
  };
}
