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

export interface Store {
  readonly accounts: AccountsRepository;
  /** `namespace` keeps one repository's keys apart from another's: lower-case letters, digits and '-'. */
  records(namespace: string): Records;
  /**
   * True for the first caller only, until `ttlMs` has passed; across every process that
   * shares the store. For idempotency and for reserving a slot.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** What differs between databases; everything above it is shared. */
interface Backend {
  keyv: Keyv;
  claim(key: string, ttlMs: number): Promise<boolean>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// Writers from other processes (the app and the accounts command) wait this long for
// each other instead of failing at once.
const BUSY_TIMEOUT_MS = 5_000;

// Expired claims are only taken over one key at a time; the rest are swept this often.
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
  };
  try {
    // The table is the database's own "insert unless present", so two processes on
    // one file cannot both win a claim.
    await adapter.query('CREATE TABLE IF NOT EXISTS claims(key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
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

// redis: and postgresql: join here, each with its own atomic claim.
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
    ping: () => (closing ? Promise.resolve(false) : backend.ping()),
    close: () => (closing ??= backend.close()),
  };
}
