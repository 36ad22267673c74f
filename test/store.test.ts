import KeyvSqlite from '@keyv/sqlite';
import test from 'ava';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from '../app/config.js';
import { UnreadableTokensError, workspaceId, type Workspace } from '../app/store/accounts.js';
import { openStore, type Store } from '../app/store/store.js';

const KEY = randomBytes(32);
const dir = mkdtempSync(join(tmpdir(), 'feedback-store-'));
let files = 0;

test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function fileUrl(): string {
  return `sqlite://${join(dir, `store-${++files}.sqlite`)}`;
}

function open(storeUrl: string, encryptionKey = KEY, previousEncryptionKey?: Buffer): Promise<Store> {
  return openStore({ storeUrl, encryptionKey, previousEncryptionKey });
}

const T1: Workspace = { teamId: 'T1' };
const T2: Workspace = { teamId: 'T2' };

const TOKENS = { access_token: '42-AccessTokenValueXyz', access_token_secret: 'SecretValueOfTheToken0123' };

function account(userId = '42', tokens = TOKENS) {
  return { user_id: userId, screen_name: `biz${userId}`, name: `Business ${userId}`, tokens };
}

test('records persist in a SQLite file across reopening', async (t) => {
  const url = fileUrl();
  const first = await open(url);
  await first.records('notes').set(T1, 'greeting', { text: 'hello' });
  await first.close();
  const second = await open(url);
  t.deepEqual(await second.records('notes').get(T1, 'greeting'), { text: 'hello' });
  t.true(await second.records('notes').delete(T1, 'greeting'));
  t.is(await second.records('notes').get(T1, 'greeting'), undefined);
  t.false(await second.records('notes').delete(T1, 'greeting'));
  await second.close();
});

test('a record with a time to live is gone after it', async (t) => {
  const store = await open('sqlite://:memory:');
  // Only lower bounds on elapsed time, so a slow machine cannot fail the test.
  await store.records('notes').set(T1, 'short', 'v', 30);
  await store.records('notes').set(T1, 'long', 'v', 60_000);
  await store.records('notes').set(T1, 'forever', 'v');
  await delay(80);
  t.is(await store.records('notes').get(T1, 'short'), undefined);
  t.is(await store.records('notes').get(T1, 'long'), 'v');
  t.is(await store.records('notes').get(T1, 'forever'), 'v');
  await t.throwsAsync(store.records('notes').set(T1, 'zero', 'v', 0), { instanceOf: RangeError });
  await store.close();
});

test('the directory of a SQLite file is made when missing, relative paths from the working directory', async (t) => {
  const nested = join(dir, 'a', 'b', 'c.sqlite');
  await (await open(`sqlite://${nested}`)).close();
  t.true(existsSync(nested));

  const before = process.cwd();
  process.chdir(dir);
  try {
    await (await open('sqlite://relative/dir/d.sqlite')).close();
  } finally {
    process.chdir(before);
  }
  t.true(existsSync(join(dir, 'relative', 'dir', 'd.sqlite')));
});

test('an unsupported STORE_URL is named, without repeating what may be a password', async (t) => {
  for (const url of ['redis://:hunter2@localhost:6379', 'postgresql://app:hunter2@db/feedback', 'mysql://hunter2@x']) {
    const error = await t.throwsAsync(open(url), { instanceOf: ConfigError });
    t.regex(error!.message, /STORE_URL/);
    t.false(error!.message.includes('hunter2'));
  }
  for (const url of ['data/feedback.sqlite', 'sqlite://', 'sqlite:data.sqlite']) {
    const error = await t.throwsAsync(open(url), { instanceOf: ConfigError });
    t.regex(error!.message, /STORE_URL/, url);
  }
  const unopenable = await t.throwsAsync(open(`sqlite://${dir}`));
  t.regex(unopenable!.message, /Cannot open the SQLite store of STORE_URL/);
});

test('ping answers true while open and false once closed', async (t) => {
  const store = await open('sqlite://:memory:');
  t.true(await store.ping());
  await store.close();
  t.false(await store.ping());
  await t.notThrowsAsync(store.close());
});

test('claim: the first caller wins until the claim expires', async (t) => {
  const store = await open('sqlite://:memory:');
  t.true(await store.claim('submission:T1:V1', 60_000));
  t.false(await store.claim('submission:T1:V1', 60_000));
  t.true(await store.claim('submission:T1:V2', 60_000));
  t.true(await store.claim('submission:T1:V3', 30));
  await delay(80);
  t.true(await store.claim('submission:T1:V3', 60_000));
  t.false(await store.claim('submission:T1:V3', 60_000));
  t.false(await store.claim('submission:T1:V1', 60_000));
  await t.throwsAsync(store.claim('k', 0), { instanceOf: RangeError });
  await t.throwsAsync(store.claim('', 10));
  await store.close();
});

test('claim: an unclaimed key can be claimed again, other keys stay held', async (t) => {
  const store = await open('sqlite://:memory:');
  t.true(await store.claim('submission:T1:V1', 60_000));
  t.true(await store.claim('submission:T1:V2', 60_000));
  await store.unclaim('submission:T1:V1');
  t.true(await store.claim('submission:T1:V1', 60_000));
  t.false(await store.claim('submission:T1:V2', 60_000));
  await store.close();
});

test('claim: exactly one winner among concurrent calls from two stores on one file', async (t) => {
  const url = fileUrl();
  const [a, b] = await Promise.all([open(url), open(url)]);
  for (let round = 0; round < 10; round++) {
    const key = `slot:${round}`;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).claim(key, 60_000)));
    t.is(results.filter(Boolean).length, 1, key);
  }
  await Promise.all([a.close(), b.close()]);
});

test('claim: expired claims are swept from the database', async (t) => {
  const url = fileUrl();
  const store = await open(url);
  t.true(await store.claim('brief', 30));
  t.true(await store.claim('lasting', 60_000));
  await store.close();
  await delay(80);
  await (await open(url)).close();

  const raw = new KeyvSqlite(url);
  const rows: Array<{ key: string }> = await raw.query('SELECT key FROM claims');
  await raw.disconnect();
  t.deepEqual(rows.map((row) => row.key), ['lasting']);
});

test('claim: a claim holds across reopening and across stores', async (t) => {
  const url = fileUrl();
  const a = await open(url);
  t.true(await a.claim('held', 60_000));
  await a.close();
  const b = await open(url);
  t.false(await b.claim('held', 60_000));
  await b.close();
});

test('records of one workspace are invisible to every other', async (t) => {
  const store = await open('sqlite://:memory:');
  const notes = store.records('notes');
  await notes.set(T1, 'k', 'one');
  t.is(await notes.get(T1, 'k'), 'one');
  t.is(await notes.get(T2, 'k'), undefined);
  t.is(await notes.get({ teamId: 'T1', enterpriseId: 'E1' }, 'k'), undefined);
  t.is(await store.records('other').get(T1, 'k'), undefined);
  t.false(await notes.delete(T2, 'k'));
  t.is(await notes.get(T1, 'k'), 'one');

  const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/);
  const workspace = fc.record({ teamId: id, enterpriseId: fc.option(id, { nil: undefined }) });
  let round = 0;
  await fc.assert(
    fc.asyncProperty(workspace, workspace, fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), async (w1, w2, k1, k2) => {
      fc.pre(workspaceId(w1) !== workspaceId(w2));
      const space = store.records(`p${++round}`);
      await space.set(w1, k1, 'secret');
      return (await space.get(w2, k2)) === undefined;
    }),
  );
  await store.close();
});

test('workspace ids that could reach into other keys are refused', async (t) => {
  const store = await open('sqlite://:memory:');
  for (const bad of [{ teamId: '' }, { teamId: 'T1:x' }, { teamId: 'E1/T1' }, { teamId: 'T1', enterpriseId: 'E:1' }]) {
    await t.throwsAsync(store.records('notes').get(bad, 'k'), undefined, JSON.stringify(bad));
    await t.throwsAsync(store.accounts.list(bad), undefined, JSON.stringify(bad));
  }
  t.throws(() => store.records('Bad:Namespace'));
  t.is(workspaceId({ teamId: 'T1', enterpriseId: 'E1' }), 'E1/T1');
  t.is(workspaceId({ teamId: 'T1', enterpriseId: '' }), 'T1');
  await store.close();
});

test('accounts: add, list without tokens, get with tokens, remove', async (t) => {
  const store = await open('sqlite://:memory:');
  const added = await store.accounts.add(T1, { ...account(), added_by: 'U1' });
  t.is(added.screen_name, 'biz42');
  t.false(added.needs_reconnect);

  const listed = await store.accounts.list(T1);
  t.is(listed.length, 1);
  t.deepEqual(Object.keys(listed[0]).sort(), ['added_at', 'added_by', 'name', 'needs_reconnect', 'screen_name', 'user_id']);
  t.false(JSON.stringify(listed).includes(TOKENS.access_token));
  t.false(JSON.stringify(listed).includes(TOKENS.access_token_secret));
  t.false(Number.isNaN(Date.parse(listed[0].added_at)));

  const got = await store.accounts.get(T1, '42');
  t.deepEqual(got?.tokens, TOKENS);
  t.is(got?.added_by, 'U1');
  t.is(await store.accounts.get(T1, '43'), undefined);
  t.deepEqual(await store.accounts.list(T2), []);
  t.is(await store.accounts.get(T2, '42'), undefined);

  t.false(await store.accounts.remove(T2, '42'));
  t.true(await store.accounts.remove(T1, '42'));
  t.false(await store.accounts.remove(T1, '42'));
  t.deepEqual(await store.accounts.list(T1), []);
  await store.close();
});

test('accounts: adding the same user id again replaces it and clears needs_reconnect', async (t) => {
  const store = await open('sqlite://:memory:');
  await store.accounts.add(T1, account('42'));
  await store.accounts.add(T1, account('7'));
  t.true(await store.accounts.needsReconnect(T1, '42', true));
  t.false(await store.accounts.needsReconnect(T1, '99', true));
  t.deepEqual(
    (await store.accounts.list(T1)).map((a) => [a.user_id, a.needs_reconnect]),
    [
      ['42', true],
      ['7', false],
    ],
  );
  const fresh = { access_token: '42-NewToken', access_token_secret: 'NewSecret' };
  await store.accounts.add(T1, account('42', fresh));
  const listed = await store.accounts.list(T1);
  t.is(listed.length, 2);
  t.false(listed.find((a) => a.user_id === '42')!.needs_reconnect);
  t.deepEqual((await store.accounts.get(T1, '42'))?.tokens, fresh);
  await store.close();
});

test('accounts: concurrent changes in one process are not lost', async (t) => {
  const store = await open('sqlite://:memory:');
  const ids = ['1', '2', '3', '4', '5', '6'];
  await Promise.all(ids.map((id) => store.accounts.add(T1, account(id))));
  await Promise.all([store.accounts.needsReconnect(T1, '1', true), store.accounts.remove(T1, '2'), store.accounts.add(T1, account('7'))]);
  const listed = await store.accounts.list(T1);
  t.deepEqual(listed.map((a) => a.user_id).sort(), ['1', '3', '4', '5', '6', '7']);
  t.true(listed.find((a) => a.user_id === '1')!.needs_reconnect);
  await store.close();
});

test('accounts: bad input is refused without repeating a token', async (t) => {
  const store = await open('sqlite://:memory:');
  await t.throwsAsync(store.accounts.add(T1, { ...account(), user_id: 'jack' }), { message: /user id/ });
  const error = await t.throwsAsync(store.accounts.add(T1, account('42', { access_token: 'OnlyTheToken', access_token_secret: '' })));
  t.false(error!.message.includes('OnlyTheToken'));
  t.deepEqual(await store.accounts.list(T1), []);
  await store.close();
});

test('accounts: the tokens are not in the SQLite file, the account is', async (t) => {
  const url = fileUrl();
  const store = await open(url);
  await store.accounts.add(T1, account());
  await store.close();
  const bytes = readFileSync(url.replace('sqlite://', ''));
  t.true(bytes.includes('biz42'));
  t.false(bytes.includes(TOKENS.access_token));
  t.false(bytes.includes(TOKENS.access_token_secret));
});

test('accounts: a sealed record copied to another workspace does not open there', async (t) => {
  const store = await open('sqlite://:memory:');
  await store.accounts.add(T1, account());
  const raw = store.records('accounts');
  await raw.set(T2, 'twitter', await raw.get(T1, 'twitter'));
  t.is((await store.accounts.list(T2)).length, 1);
  const error = await t.throwsAsync(store.accounts.get(T2, '42'), { instanceOf: UnreadableTokensError });
  t.regex(error!.message, /ENCRYPTION_KEY/);
  t.false(error!.message.includes(TOKENS.access_token));
  t.deepEqual((await store.accounts.get(T1, '42'))?.tokens, TOKENS);
  await store.close();
});

test('accounts: rotating the key re-seals tokens as they are read', async (t) => {
  const url = fileUrl();
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const before = await open(url, oldKey);
  await before.accounts.add(T1, account('42'));
  await before.accounts.add(T1, account('7'));
  await before.close();

  const newOnly = await open(url, newKey);
  await t.throwsAsync(newOnly.accounts.get(T1, '42'), { instanceOf: UnreadableTokensError });
  await newOnly.close();

  const rotating = await open(url, newKey, oldKey);
  t.deepEqual((await rotating.accounts.get(T1, '42'))?.tokens, TOKENS);
  await rotating.close();

  const after = await open(url, newKey);
  t.deepEqual((await after.accounts.get(T1, '42'))?.tokens, TOKENS);
  // Not read while rotating, so still sealed with the old key.
  await t.throwsAsync(after.accounts.get(T1, '7'), { instanceOf: UnreadableTokensError });
  await after.close();
});

test('marks: a set shared by every store on one file', async (t) => {
  const url = fileUrl();
  const [a, b] = await Promise.all([open(url), open(url)]);
  await a.mark('pending', 'T1/one');
  await b.mark('pending', 'T1/two');
  await a.mark('pending', 'T1/one');
  await a.mark('other', 'T1/three');
  t.deepEqual(await b.members('pending'), ['T1/one', 'T1/two']);
  await b.unmark('pending', 'T1/one');
  t.deepEqual(await a.members('pending'), ['T1/two']);
  t.deepEqual(await a.members('other'), ['T1/three']);
  await Promise.all([a.close(), b.close()]);
});
