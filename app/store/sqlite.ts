import { mkdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { dirname } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { countersOf, reachable, StoreUrlError, type Backend, type Sweep } from './backend.js';

// Writers from other processes (the app and the accounts command) wait this long for
// each other instead of failing at once.
const BUSY_TIMEOUT_MS = 5_000;

/** A record's expiry, as Keyv writes it into the value: NULL for a record kept for good. */
const EXPIRES = "json_extract(value, '$.expires')";

export async function openSqlite(url: string): Promise<Backend> {
  const path = url.replace(/^sqlite:\/\//i, '');
  if (url.length === path.length || path === '') {
    throw new StoreUrlError('STORE_URL must name a file, as in sqlite://data/feedback.sqlite (or sqlite://:memory:)');
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

  // Connections opening a new file at the same moment can meet SQLITE_BUSY where SQLite
  // calls no busy handler (switching to the write-ahead log, creating the first tables);
  // a failed adapter stays failed, so each try opens a fresh one.
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 1; ; attempt += 1) {
    const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: BUSY_TIMEOUT_MS });
    const keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
    try {
      await prepare(adapter, path);
      return backendOf(adapter, keyv);
    } catch (error) {
      await adapter.disconnect().catch(() => undefined);
      if (isBusy(error) && Date.now() < deadline) {
        await delay(attempt * 10 + Math.random() * 20);
        continue;
      }
      throw new Error(`Cannot open the SQLite store of STORE_URL (${path}): ${(error as Error).message}`, { cause: error });
    }
  }
}

function isBusy(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'SQLITE_BUSY';
}

function sweeper(adapter: KeyvSqlite): Sweep {
  return async (now) => {
    await adapter.query('DELETE FROM claims WHERE expires_at <= ?', now);
    await adapter.query('DELETE FROM reservations WHERE expires_at <= ?', now);
    await adapter.query(`DELETE FROM keyv WHERE ${EXPIRES} <= ?`, now);
  };
}

async function prepare(adapter: KeyvSqlite, path: string): Promise<void> {
  // With a write-ahead log, a commit is one append and readers never wait on writers;
  // NORMAL syncs at checkpoints, so a crash of the app loses nothing committed (only a
  // power cut can take back the last commits). The default journal syncs every commit
  // several times and stalled the event loop on each send.
  if (path !== ':memory:') await adapter.query('PRAGMA journal_mode=WAL');
  await adapter.query('PRAGMA synchronous=NORMAL');
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
  await adapter.query(
    'CREATE TABLE IF NOT EXISTS counters(key TEXT NOT NULL, field TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY(key, field))',
  );
  await adapter.query(
    'CREATE TABLE IF NOT EXISTS schedule(name TEXT NOT NULL, member TEXT NOT NULL, due_at INTEGER NOT NULL, PRIMARY KEY(name, member))',
  );
  await adapter.query('CREATE INDEX IF NOT EXISTS schedule_by_time ON schedule(name, due_at)');
  // The sweep then reads only the rows it deletes.
  await adapter.query(`CREATE INDEX IF NOT EXISTS keyv_by_expiry ON keyv(${EXPIRES})`);
  await sweeper(adapter)(Date.now());
}

function backendOf(adapter: KeyvSqlite, keyv: Keyv): Backend {
  const sweep = sweeper(adapter);
  return {
    keyv,
    sweep,
    async claim(key, ttlMs) {
      const now = Date.now();
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
      const rows: Array<{ member: string }> = await adapter.query(
        'SELECT member FROM marks WHERE name = ? ORDER BY member',
        name,
      );
      return rows.map((row) => row.member);
    },
    async increment(key, deltas) {
      const fields = Object.entries(deltas);
      if (fields.length === 0) return;
      // One statement, so every field changes together or none does.
      await adapter.query(
        `INSERT INTO counters(key, field, value) VALUES ${fields.map(() => '(?, ?, ?)').join(', ')}
         ON CONFLICT(key, field) DO UPDATE SET value = counters.value + excluded.value`,
        ...fields.flatMap(([field, value]) => [key, field, value]),
      );
    },
    async counters(keys) {
      if (keys.length === 0) return [];
      const rows: Array<{ key: string; field: string; value: number }> = await adapter.query(
        `SELECT key, field, value FROM counters WHERE key IN (${keys.map(() => '?').join(', ')})`,
        ...keys,
      );
      return countersOf(keys, rows);
    },
    async schedule(name, member, at) {
      await adapter.query(
        'INSERT INTO schedule(name, member, due_at) VALUES(?, ?, ?) ON CONFLICT(name, member) DO UPDATE SET due_at = excluded.due_at',
        name,
        member,
        at,
      );
    },
    async takeDue(name, now, limit, holdMs) {
      // One writing statement: the write lock is held from its first step, so two
      // processes never take the same member.
      const rows: Array<{ member: string }> = await adapter.query(
        `UPDATE schedule SET due_at = ? WHERE name = ? AND member IN (
           SELECT member FROM schedule WHERE name = ? AND due_at <= ? ORDER BY due_at LIMIT ?)
         RETURNING member`,
        now + holdMs,
        name,
        name,
        now,
        limit,
      );
      return rows.map((row) => row.member);
    },
    async unschedule(name, member) {
      await adapter.query('DELETE FROM schedule WHERE name = ? AND member = ?', name, member);
    },
    ping: () => reachable(() => adapter.query('SELECT 1')),
    close: () => adapter.disconnect(),
  };
}
