import KeyvSqlite from '@keyv/sqlite';
import { createClient } from '@keyv/redis';
import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg, { type Pool } from 'pg';
import type { StoreConfig } from '../../app/config.js';
import { openStore, type Store } from '../../app/store/store.js';

/** A database the store's tests run on, and what they need to look inside it. */
export interface TestBackend {
  /** As test titles name it. */
  readonly name: string;
  /** The STORE_URL of a new, empty store, opened once (SQLite's in memory). */
  single(): Promise<string>;
  /** The STORE_URL of a new, empty store that any number of stores may open together. */
  shared(): Promise<string>;
  /** Everything kept for the store at `url`, as text: what someone reading the database would see. */
  dump(url: string): Promise<string>;
  /** The keys of the records, the claims or the reservations still kept for the store at `url`, sorted. */
  kept(url: string, what: 'records' | 'claims' | 'reservations'): Promise<string[]>;
  /** Removes every store it made. */
  cleanUp(): Promise<void>;
}

type Test = (title: string, run: (t: ExecutionContext) => Promise<void>) => void;

const opened = new Set<Store>();
// A failed assertion ends its test at once, before the test closes its stores; a
// connection left open would keep the test process from ending.
test.after.always(() => Promise.all([...opened].map((store) => store.close())));

/** The store, closed after the file's tests if they leave it open. */
export async function openTestStore(config: StoreConfig): Promise<Store> {
  const store = await openStore(config);
  opened.add(store);
  return store;
}

function sqlite(): TestBackend {
  let dir: string | undefined;
  let files = 0;
  return {
    name: 'SQLite',
    single: async () => 'sqlite://:memory:',
    async shared() {
      dir ??= mkdtempSync(join(tmpdir(), 'feedback-store-'));
      return `sqlite://${join(dir, `store-${++files}.sqlite`)}`;
    },
    dump: async (url) => readFileSync(url.replace('sqlite://', '')).toString('latin1'),
    async kept(url, what) {
      const raw = new KeyvSqlite(url);
      try {
        const rows: Array<{ key: string }> = await raw.query(`SELECT DISTINCT key FROM ${TABLES[what]}`);
        return rows.map((row) => row.key).sort();
      } finally {
        await raw.disconnect();
      }
    },
    async cleanUp() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where the SQL stores keep each. */
const TABLES = { records: 'keyv', claims: 'claims', reservations: 'reservations' };

// What the Redis store names its claims and reservations by; records begin with their namespace, a lower-case letter.
const REDIS_PREFIXES = { claims: '_claim:', reservations: '_reserved-at:' };
// Every store of a run gets a database of its own: the server needs many (redis-server --databases 1024).
const REDIS_DATABASES_NEEDED = 256;

const connected = (url: string) => createClient({ url }).connect();
type RedisClient = Awaited<ReturnType<typeof connected>>;

function redis(base: string): TestBackend {
  const made: string[] = [];
  let numbering: Promise<RedisClient> | undefined;
  const database = (n: number) => {
    const url = new URL(base);
    url.pathname = `/${n}`;
    return url.href;
  };
  async function using<T>(url: string, work: (client: RedisClient) => Promise<T>): Promise<T> {
    const client = await connected(url);
    try {
      return await work(client);
    } finally {
      await client.close();
    }
  }
  const backend: TestBackend = {
    name: 'Redis',
    single: () => backend.shared(),
    async shared() {
      numbering ??= connected(database(0));
      const client = await numbering;
      const [, count] = (await client.sendCommand(['CONFIG', 'GET', 'databases'])) as [string, string];
      if (Number(count) < REDIS_DATABASES_NEEDED) {
        throw new Error(`The server of TEST_REDIS_URL has ${count} databases; start it with --databases 1024`);
      }
      // Database 0 numbers them for every test process at once; past the last they are
      // used again, emptied first.
      const n = 1 + ((await client.incr('feedback-tests:databases')) % (Number(count) - 1));
      const url = database(n);
      await using(url, (c) => c.flushDb());
      made.push(url);
      return url;
    },
    dump: (url) =>
      using(url, async (client) => {
        const parts: string[] = [];
        for (const key of await client.keys('*')) {
          const type = await client.type(key);
          if (type === 'string') parts.push(key, (await client.get(key)) ?? '');
          else if (type === 'zset') parts.push(key, ...(await client.zRange(key, 0, -1)));
          else if (type === 'set') parts.push(key, ...(await client.sMembers(key)));
          else if (type === 'hash') parts.push(key, JSON.stringify(await client.hGetAll(key)));
          else throw new Error(`${key} is a ${type}, which the dump cannot read`);
        }
        return parts.join('\n');
      }),
    kept: (url, what) =>
      using(url, async (client) => {
        const keys = await client.keys('*');
        if (what === 'records') return keys.filter((key) => /^[a-z]/.test(key)).sort();
        const prefix = REDIS_PREFIXES[what];
        return keys
          .filter((key) => key.startsWith(prefix))
          .map((key) => key.slice(prefix.length))
          .sort();
      }),
    async cleanUp() {
      for (const url of made) await using(url, (client) => client.flushDb());
      if (numbering) await (await numbering).close();
    },
  };
  return backend;
}

function postgres(base: string): TestBackend {
  const schemas = new Map<string, string>();
  let admin: Pool | undefined;
  const rows = async (url: string, sql: (schema: string) => string) => {
    const schema = schemas.get(url);
    if (!schema || !admin) throw new Error('Not a store these tests made');
    return (await admin.query<{ text: string }>(sql(schema))).rows.map((row) => row.text);
  };
  const backend: TestBackend = {
    name: 'PostgreSQL',
    single: () => backend.shared(),
    async shared() {
      admin ??= new pg.Pool({ connectionString: base });
      const schema = `feedback_test_${randomBytes(8).toString('hex')}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(base);
      url.searchParams.set('options', `-c search_path=${schema}`);
      schemas.set(url.href, schema);
      return url.href;
    },
    async dump(url) {
      const tables = ['keyv', 'claims', 'reservations', 'marks', 'counters', 'schedule'];
      const dumped = await Promise.all(
        tables.map((table) => rows(url, (schema) => `SELECT t::text AS text FROM ${schema}.${table} t`)),
      );
      return dumped.flat().join('\n');
    },
    async kept(url, what) {
      return (await rows(url, (schema) => `SELECT DISTINCT key AS text FROM ${schema}.${TABLES[what]}`)).sort();
    },
    async cleanUp() {
      for (const schema of schemas.values()) await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin?.end();
    },
  };
  return backend;
}

const BACKENDS: Array<{ name: string; variable?: string; make: (url: string) => TestBackend }> = [
  { name: 'SQLite', make: sqlite },
  { name: 'Redis', variable: 'TEST_REDIS_URL', make: redis },
  { name: 'PostgreSQL', variable: 'TEST_POSTGRES_URL', make: postgres },
];

const started = new Map<string, TestBackend | undefined>();

function start(name: string, variable: string | undefined, make: (url: string) => TestBackend): TestBackend | undefined {
  const url = variable === undefined ? '' : (process.env[variable] ?? '');
  if (variable !== undefined && url === '') {
    test.skip(`${name}: not run, as ${variable} is not set`, () => undefined);
    return undefined;
  }
  const backend = make(url);
  test.after.always(() => backend.cleanUp());
  return backend;
}

/**
 * Defines the same tests once per backend, their titles starting with its name. SQLite
 * always; Redis and PostgreSQL on the servers TEST_REDIS_URL and TEST_POSTGRES_URL name
 * (.ci/run starts both), each store in a database or schema of its own. A file may call
 * it more than once.
 */
export function eachBackend(define: (backend: TestBackend, test: Test) => void): void {
  for (const { name, variable, make } of BACKENDS) {
    if (!started.has(name)) started.set(name, start(name, variable, make));
    const backend = started.get(name);
    if (backend) define(backend, (title, run) => test(`${name}: ${title}`, run));
  }
}
