import type Keyv from 'keyv';
import type { StoreConfig } from '../config.js';
import { workspaceId, type Workspace } from '../domain/workspace.js';
import { AccountsRepository } from './account-records.js';
import { StoreUrlError, type AtomicOperations, type Backend } from './backend.js';
import { claimLock } from './lock.js';
import { openPostgres } from './postgres.js';
import { openRedis } from './redis.js';
import type { Records } from './records.js';
import { openSqlite } from './sqlite.js';

export { StoreUrlError, type Reserved } from './backend.js';
export type { Records } from './records.js';

export interface Store extends AtomicOperations {
  readonly accounts: AccountsRepository;
  /** `namespace` keeps one repository's keys apart from another's: lower-case letters, digits and '-'. */
  records(namespace: string): Records;
  /**
   * Deletes the records, claims and reservations whose time to live has passed: expired
   * ones are never read, but stay on disk until swept. Opening the store sweeps once;
   * a long-running process sweeps every SWEEP_EVERY_MS.
   */
  sweep(): Promise<void>;
}

export const SWEEP_EVERY_MS = 60 * 60 * 1000;

// Each scheme with its own atomic claim and reservation: SQLite a write lock held from a
// statement's first step, Redis a script that runs alone, PostgreSQL an advisory lock per key.
const BACKENDS: Record<string, (url: string) => Promise<Backend>> = {
  'sqlite:': openSqlite,
  'redis:': openRedis,
  'rediss:': openRedis,
  'postgresql:': openPostgres,
  'postgres:': openPostgres,
};

const EXAMPLES = 'sqlite://data/feedback.sqlite, redis://host:6379 or postgresql://user@host/database';

function backendFor(url: string): (url: string) => Promise<Backend> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    throw new StoreUrlError(`STORE_URL must be a URL such as ${EXAMPLES}`);
  }
  const open = BACKENDS[`${scheme}:`];
  // Only the scheme is repeated: the rest of a database URL may hold a password.
  if (!open) {
    throw new StoreUrlError(`STORE_URL uses "${scheme}:", which is not supported; use ${EXAMPLES}`);
  }
  return open;
}

const NAMESPACE = /^[a-z][a-z0-9-]*$/;

function positive(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(`A time to live must be a positive number of milliseconds, not ${ttlMs}`);
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
      // Whole milliseconds, as Redis counts a time to live.
      await keyv.set(full(workspace, key), value, ttlMs === undefined ? undefined : Math.ceil(positive(ttlMs)));
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
    accounts: new AccountsRepository(
      records(backend.keyv, 'accounts'),
      { current: config.encryptionKey, previous: config.previousEncryptionKey },
      claimLock(backend),
      backend,
    ),
    records: (namespace) => records(backend.keyv, namespace),
    async claim(key, ttlMs) {
      if (!key) throw new Error('A claim key must not be empty');
      return backend.claim(key, positive(ttlMs));
    },
    unclaim: (key) => backend.unclaim(key),
    sweep: () => backend.sweep(Date.now()),
    async reserve(key, limit, windowMs, now, id) {
      if (!key || !id) throw new Error('A reservation needs a key and an id');
      if (!Number.isFinite(now)) throw new RangeError(`Not a time: ${now}`);
      return backend.reserve(key, count(limit), positive(windowMs), now, id);
    },
    release: (key, id) => backend.release(key, id),
    mark: (set, member) => backend.mark(set, member),
    unmark: (set, member) => backend.unmark(set, member),
    members: (set) => backend.members(set),
    async increment(key, deltas) {
      if (!key) throw new Error('A counter key must not be empty');
      for (const [field, value] of Object.entries(deltas)) {
        if (!field) throw new Error('A counter field must not be empty');
        if (!Number.isSafeInteger(value)) throw new RangeError(`A counter changes by a whole number, not ${value} (${field})`);
      }
      await backend.increment(key, deltas);
    },
    counters: (keys) => backend.counters(keys),
    async schedule(set, member, at) {
      if (!set || !member) throw new Error('A schedule entry needs a set and a member');
      if (!Number.isFinite(at)) throw new RangeError(`Not a time: ${at}`);
      await backend.schedule(set, member, at);
    },
    async takeDue(set, now, limit, holdMs) {
      if (!Number.isFinite(now)) throw new RangeError(`Not a time: ${now}`);
      return backend.takeDue(set, now, count(limit), positive(holdMs));
    },
    unschedule: (set, member) => backend.unschedule(set, member),
    ping: () => (closing ? Promise.resolve(false) : backend.ping()),
    close: () => (closing ??= backend.close()),
  };
}
