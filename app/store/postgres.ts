import KeyvPostgres from '@keyv/postgres';
import Keyv from 'keyv';
import pg, { type Pool, type PoolClient } from 'pg';
import { countersOf, reachable, reason, type Backend, type Sweep } from './backend.js';

// A query that cannot get a connection fails after this long instead of waiting for as
// long as the network keeps trying.
const CONNECT_TIMEOUT_MS = 5_000;

/** A record's expiry, as Keyv writes it into the value: NULL for a record kept for good. */
const EXPIRES = "((value::jsonb ->> 'expires')::double precision)";

async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // Closing the connection rolls back whatever the transaction did, even when the
    // connection is what failed.
    client.release(true);
    throw error;
  }
}

/** How SQL names it: @keyv/postgres puts the schema into its statements as it is given. */
function identifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The tables live in the first existing schema of the connection's search_path (usually public); answers that schema. */
async function createTables(client: PoolClient): Promise<string> {
  // CREATE TABLE IF NOT EXISTS fails, on a duplicate catalog row, when another instance
  // creates the same table at the same moment: instances starting together take turns.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['feedback store tables']);
  const [{ name }] = (await client.query<{ name: string | null }>('SELECT current_schema() AS name')).rows;
  if (name === null) throw new Error('none of the schemas on its search_path exists');
  const schema = identifier(name);
  // The records' table as @keyv/postgres makes it, but with keys of any length, and made
  // here in turn with the others so that its own CREATE finds it there.
  await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.keyv(key TEXT PRIMARY KEY, value TEXT)`);
  // The sweep then reads only the rows it deletes.
  await client.query(`CREATE INDEX IF NOT EXISTS keyv_by_expiry ON ${schema}.keyv(${EXPIRES})`);
  // Times are epoch milliseconds, kept as double precision: callers may pass fractions,
  // which SQLite keeps as they are.
  await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.claims(key TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL)`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${schema}.reservations(
       key TEXT NOT NULL, id TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL,
       PRIMARY KEY(key, id))`,
  );
  await client.query(`CREATE INDEX IF NOT EXISTS reservations_by_time ON ${schema}.reservations(key, at)`);
  await client.query(`CREATE INDEX IF NOT EXISTS reservations_by_expiry ON ${schema}.reservations(expires_at)`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${schema}.marks(name TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY(name, member))`,
  );
  // Whole numbers of any size a sum can reach; pg reads bigint back as text.
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${schema}.counters(
       key TEXT NOT NULL, field TEXT NOT NULL, value BIGINT NOT NULL, PRIMARY KEY(key, field))`,
  );
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${schema}.schedule(
       name TEXT NOT NULL, member TEXT NOT NULL, due_at DOUBLE PRECISION NOT NULL, PRIMARY KEY(name, member))`,
  );
  await client.query(`CREATE INDEX IF NOT EXISTS schedule_by_time ON ${schema}.schedule(name, due_at)`);
  return schema;
}

export async function openPostgres(url: string): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection that breaks while idle is dropped by the pool and replaced by the next
  // query; meanwhile ping reports the database unreachable.
  pool.on('error', () => undefined);
  let schema: string;
  const sweep: Sweep = async (now) => {
    await pool.query(`DELETE FROM ${schema}.claims WHERE expires_at <= $1`, [now]);
    await pool.query(`DELETE FROM ${schema}.reservations WHERE expires_at <= $1`, [now]);
    await pool.query(`DELETE FROM ${schema}.keyv WHERE ${EXPIRES} <= $1`, [now]);
  };
  try {
    schema = await transaction(pool, createTables);
    await sweep(Date.now());
  } catch (error) {
    await pool.end();
    // The message of a connection error names the host and the user, never the password.
    throw new Error(`Cannot open the PostgreSQL store of STORE_URL: ${reason(error)}`, { cause: error });
  }

  // @keyv/postgres keeps one pool per process and ends it when any of its stores closes;
  // each store here keeps its own.
  class PooledKeyvPostgres extends KeyvPostgres {
    override async connect() {
      return async (sql: string, values?: unknown[]) => (await pool.query(sql, values)).rows;
    }
    override async disconnect() {}
  }
  const keyv = new Keyv(new PooledKeyvPostgres({ schema }), { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });

  return {
    keyv,
    sweep,
    async claim(key, ttlMs) {
      const now = Date.now();
      // A second instance inserting the same key waits for the first to commit, then finds
      // the conflict and a claim that has not expired: no row for it.
      const { rows } = await pool.query(
        `INSERT INTO ${schema}.claims AS held(key, expires_at) VALUES($1, $2)
         ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE held.expires_at <= $3
         RETURNING key`,
        [key, now + ttlMs, now],
      );
      return rows.length === 1;
    },
    async unclaim(key) {
      await pool.query(`DELETE FROM ${schema}.claims WHERE key = $1`, [key]);
    },
    async reserve(key, limit, windowMs, now, id) {
      return transaction(pool, async (client) => {
        // Reservations of one key take turns, and the statement after the lock sees every
        // reservation committed before it.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
        const [{ oldest_at }] = (
          await client.query<{ oldest_at: number | null }>(
            `WITH filling AS (
               SELECT at FROM ${schema}.reservations WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3
             ), added AS (
               INSERT INTO ${schema}.reservations(key, id, at, expires_at)
               SELECT $1, $4, $5, $6 WHERE NOT EXISTS (SELECT FROM filling)
             )
             SELECT (SELECT at FROM filling) AS oldest_at`,
            [key, now - windowMs, limit - 1, id, now, now + windowMs],
          )
        ).rows;
        return oldest_at === null ? { ok: true } : { ok: false, oldestAt: oldest_at };
      });
    },
    async release(key, id) {
      const { rows } = await pool.query(`DELETE FROM ${schema}.reservations WHERE key = $1 AND id = $2 RETURNING id`, [key, id]);
      return rows.length === 1;
    },
    async mark(name, member) {
      await pool.query(`INSERT INTO ${schema}.marks(name, member) VALUES($1, $2) ON CONFLICT DO NOTHING`, [name, member]);
    },
    async unmark(name, member) {
      await pool.query(`DELETE FROM ${schema}.marks WHERE name = $1 AND member = $2`, [name, member]);
    },
    async members(name) {
      // By code point, as SQLite and Redis order them, whatever the database's collation.
      const { rows } = await pool.query<{ member: string }>(
        `SELECT member FROM ${schema}.marks WHERE name = $1 ORDER BY member COLLATE "C"`,
        [name],
      );
      return rows.map((row) => row.member);
    },
    async increment(key, deltas) {
      const fields = Object.entries(deltas);
      if (fields.length === 0) return;
      // One statement, so every field changes together or none does; a second instance
      // adding to the same row waits for the first to commit and adds to its sum.
      await pool.query(
        `INSERT INTO ${schema}.counters AS kept(key, field, value)
         SELECT $1, field, value FROM unnest($2::text[], $3::bigint[]) AS given(field, value)
         ON CONFLICT(key, field) DO UPDATE SET value = kept.value + excluded.value`,
        [key, fields.map(([field]) => field), fields.map(([, value]) => value)],
      );
    },
    async counters(keys) {
      if (keys.length === 0) return [];
      const { rows } = await pool.query<{ key: string; field: string; value: string }>(
        `SELECT key, field, value FROM ${schema}.counters WHERE key = ANY($1::text[])`,
        [keys],
      );
      return countersOf(keys, rows);
    },
    async schedule(name, member, at) {
      await pool.query(
        `INSERT INTO ${schema}.schedule(name, member, due_at) VALUES($1, $2, $3)
         ON CONFLICT(name, member) DO UPDATE SET due_at = excluded.due_at`,
        [name, member, at],
      );
    },
    async takeDue(name, now, limit, holdMs) {
      // Rows another instance is taking are skipped rather than waited for: each gets its own.
      const { rows } = await pool.query<{ member: string }>(
        `UPDATE ${schema}.schedule AS s SET due_at = $4 FROM (
           SELECT name, member FROM ${schema}.schedule WHERE name = $1 AND due_at <= $2
           ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) AS due
         WHERE s.name = due.name AND s.member = due.member
         RETURNING s.member`,
        [name, now, limit, now + holdMs],
      );
      return rows.map((row) => row.member);
    },
    async unschedule(name, member) {
      await pool.query(`DELETE FROM ${schema}.schedule WHERE name = $1 AND member = $2`, [name, member]);
    },
    ping: () => reachable(() => pool.query('SELECT 1')),
    close: () => pool.end(),
  };
}
