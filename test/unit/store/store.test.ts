import test from 'ava';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';
import { workspaceId, workspaceOf, type Workspace } from '../../../app/domain/workspace.js';
import { UnreadableTokensError } from '../../../app/store/account-records.js';
import { reason } from '../../../app/store/backend.js';
import { StoreUrlError, type Store } from '../../../app/store/store.js';
import { eachBackend, openTestStore } from '../../support/stores.js';

const KEY = randomBytes(32);
const dir = mkdtempSync(join(tmpdir(), 'feedback-store-'));

test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function open(storeUrl: string, encryptionKey = KEY, previousEncryptionKey?: Buffer): Promise<Store> {
  return openTestStore({ storeUrl, encryptionKey, previousEncryptionKey });
}

/** A relay to the server of a database URL: the URL through it, and a way to cut it as a failing network would. */
async function relay(url: string): Promise<{ url: string; cut(): void }> {
  const target = new URL(url);
  const port = Number(target.port || (target.protocol.startsWith('redis') ? 6379 : 5432));
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(port, target.hostname);
    for (const [socket, other] of [
      [inbound, outbound],
      [outbound, inbound],
    ]) {
      sockets.add(socket);
      socket.on('error', () => other.destroy());
      socket.on('close', () => other.destroy());
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const through = new URL(url);
  through.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: through.href,
    cut() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

const T1: Workspace = { teamId: 'T1' };
const T2: Workspace = { teamId: 'T2' };

const TOKENS = { access_token: '42-AccessTokenValueXyz', access_token_secret: 'SecretValueOfTheToken0123' };

function account(userId = '42', tokens = TOKENS) {
  return { user_id: userId, screen_name: `biz${userId}`, name: `Business ${userId}`, tokens };
}

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
  for (const url of ['mysql://app:hunter2@db/feedback', 'mongodb://hunter2@x', 'redis+sentinel://:hunter2@x']) {
    const error = await t.throwsAsync(open(url), { instanceOf: StoreUrlError });
    t.regex(error!.message, /STORE_URL/);
    t.false(error!.message.includes('hunter2'));
  }
  for (const url of ['data/feedback.sqlite', 'sqlite://', 'sqlite:data.sqlite']) {
    const error = await t.throwsAsync(open(url), { instanceOf: StoreUrlError });
    t.regex(error!.message, /STORE_URL/, url);
  }
  const unopenable = await t.throwsAsync(open(`sqlite://${dir}`));
  t.regex(unopenable!.message, /Cannot open the SQLite store of STORE_URL/);
});

test('a Redis or PostgreSQL store that cannot be opened is named, without its password', async (t) => {
  // Nothing listens on port 1; the last two are not URLs at all.
  const cases = [
    ['redis://:hunter2@127.0.0.1:1', /^Cannot open the Redis store of STORE_URL: .*ECONNREFUSED/],
    ['rediss://user:hunter2@127.0.0.1:1/2', /^Cannot open the Redis store of STORE_URL: .*ECONNREFUSED/],
    ['postgresql://app:hunter2@127.0.0.1:1/feedback', /^Cannot open the PostgreSQL store of STORE_URL: .*ECONNREFUSED/],
    ['postgres://app:hunter2@127.0.0.1:1/feedback', /^Cannot open the PostgreSQL store of STORE_URL: .*ECONNREFUSED/],
    ['redis://:hunter2@[::1', /^Cannot open the Redis store of STORE_URL: Invalid URL/],
    ['postgresql://app:hunter2@[::1/feedback', /^Cannot open the PostgreSQL store of STORE_URL: Invalid URL/],
  ] as const;
  for (const [url, message] of cases) {
    const error = await t.throwsAsync(open(url));
    t.regex(error!.message, message, url);
    t.false(inspect(error, { depth: Infinity }).includes('hunter2'), url);
  }
});

test('a connection refused at each address of a host is reported with every reason', (t) => {
  const refused = new AggregateError([
    new Error('connect ECONNREFUSED ::1:6379'),
    new Error('connect ECONNREFUSED 127.0.0.1:6379'),
  ]);
  t.is(reason(refused), 'connect ECONNREFUSED ::1:6379; connect ECONNREFUSED 127.0.0.1:6379');
  t.is(reason(new AggregateError([], 'said itself')), 'said itself');
  t.is(reason(new Error('ERR DB index is out of range')), 'ERR DB index is out of range');
});

eachBackend((backend, test) => {
  test('records persist across reopening', async (t) => {
    const url = await backend.shared();
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

  test('stores opening a new database at the same moment all open it', async (t) => {
    const url = await backend.shared();
    const stores = await Promise.all(Array.from({ length: 8 }, () => open(url)));
    await stores[0].records('notes').set(T1, 'k', 'v');
    for (const store of stores) t.is(await store.records('notes').get(T1, 'k'), 'v');
    await Promise.all(stores.map((store) => store.close()));
  });

  test('a record with a time to live is gone after it', async (t) => {
    const store = await open(await backend.single());
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

  test('ping answers true while open and false once closed', async (t) => {
    const store = await open(await backend.single());
    t.true(await store.ping());
    await store.close();
    t.false(await store.ping());
    await t.notThrowsAsync(store.close());
  });

  if (backend.name !== 'SQLite') {
    test('ping answers false within seconds once the server cannot be reached, and closing does not wait for it', async (t) => {
      t.timeout(15_000);
      const { url, cut } = await relay(await backend.single());
      const store = await open(url);
      t.true(await store.ping());
      cut();
      // Long enough for the client to see the connection gone and start reconnecting,
      // queueing what it is asked meanwhile.
      await delay(200);
      const started = Date.now();
      t.false(await store.ping());
      t.true(Date.now() - started < 5_000);
      await store.close();
    });
  }

  test('claim: the first caller wins until the claim expires', async (t) => {
    const store = await open(await backend.single());
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
    const store = await open(await backend.single());
    t.true(await store.claim('submission:T1:V1', 60_000));
    t.true(await store.claim('submission:T1:V2', 60_000));
    await store.unclaim('submission:T1:V1');
    t.true(await store.claim('submission:T1:V1', 60_000));
    t.false(await store.claim('submission:T1:V2', 60_000));
    await store.close();
  });

  test('claim: exactly one winner among concurrent calls from two stores on one database', async (t) => {
    const url = await backend.shared();
    const [a, b] = await Promise.all([open(url), open(url)]);
    for (let round = 0; round < 10; round++) {
      const key = `slot:${round}`;
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).claim(key, 60_000)));
      t.is(results.filter(Boolean).length, 1, key);
    }
    await Promise.all([a.close(), b.close()]);
  });

  test('two stores on one database: one of 20 simultaneous claims wins, 50 of 80 reservations against a limit of 50 hold', async (t) => {
    const url = await backend.shared();
    const [a, b] = await Promise.all([open(url), open(url)]);
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim('submission:T1:V1', 60_000)));
    t.is(claims.filter(Boolean).length, 1);

    const now = Date.now();
    const places = await Promise.all(
      Array.from({ length: 80 }, (_, i) => (i % 2 ? a : b).reserve('send:account:T1:42', 50, 60_000, now + i, `r${i}`)),
    );
    const held = new Set(places.flatMap((place, i) => (place.ok ? [now + i] : [])));
    t.is(held.size, 50);
    // A refusal names the reservation whose end frees the next place: always one held.
    t.true(places.every((place) => place.ok || held.has(place.oldestAt)));
    t.false((await b.reserve('send:account:T1:42', 50, 60_000, now + 80, 'one-more')).ok);
    await Promise.all([a.close(), b.close()]);
  });

  test('claim: expired claims are swept from the database', async (t) => {
    const url = await backend.shared();
    const store = await open(url);
    t.true(await store.claim('brief', 30));
    t.true(await store.claim('lasting', 60_000));
    await store.close();
    await delay(80);
    await (await open(url)).close();
    t.deepEqual(await backend.kept(url, 'claims'), ['lasting']);
  });

  test('sweep: expired records, claims and reservations are deleted from the database, the rest kept', async (t) => {
    const url = await backend.shared();
    const store = await open(url);
    const notes = store.records('notes');
    await notes.set(T1, 'brief', 'gone soon', 30);
    await notes.set(T1, 'lasting', 'kept', 60_000);
    await notes.set(T1, 'forever', 'kept');
    t.true(await store.claim('brief', 30));
    t.true(await store.claim('lasting', 60_000));
    const now = Date.now();
    t.true((await store.reserve('brief', 5, 30, now, 'r1')).ok);
    t.true((await store.reserve('lasting', 5, 60_000, now, 'r2')).ok);
    await delay(80);
    await store.sweep();
    t.deepEqual(await backend.kept(url, 'records'), ['notes:T1:forever', 'notes:T1:lasting']);
    t.deepEqual(await backend.kept(url, 'claims'), ['lasting']);
    t.deepEqual(await backend.kept(url, 'reservations'), ['lasting']);
    t.is(await notes.get(T1, 'lasting'), 'kept');
    t.is(await notes.get(T1, 'forever'), 'kept');
    await store.close();
  });

  test('claim: a claim holds across reopening and across stores', async (t) => {
    const url = await backend.shared();
    const a = await open(url);
    t.true(await a.claim('held', 60_000));
    await a.close();
    const b = await open(url);
    t.false(await b.claim('held', 60_000));
    await b.close();
  });

  test('records of one workspace are invisible to every other', async (t) => {
    const store = await open(await backend.single());
    const notes = store.records('notes');
    await notes.set(T1, 'k', 'one');
    t.is(await notes.get(T1, 'k'), 'one');
    t.is(await notes.get(T2, 'k'), undefined);
    t.is(await store.records('other').get(T1, 'k'), undefined);
    t.false(await notes.delete(T2, 'k'));
    t.is(await notes.get(T1, 'k'), 'one');

    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/);
    const workspace = fc.record({ teamId: id });
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
    const store = await open(await backend.single());
    for (const bad of [{ teamId: '' }, { teamId: 'T1:x' }, { teamId: 'E1/T1' }]) {
      await t.throwsAsync(store.records('notes').get(bad, 'k'), undefined, JSON.stringify(bad));
      await t.throwsAsync(store.accounts.list(bad), undefined, JSON.stringify(bad));
    }
    t.throws(() => store.records('Bad:Namespace'));
    t.throws(() => workspaceOf({ teamId: undefined, enterpriseId: 'E1' }));
    await store.close();
  });

  test('accounts: add, list without tokens, get with tokens, remove', async (t) => {
    const store = await open(await backend.single());
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
    const store = await open(await backend.single());
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
    const store = await open(await backend.single());
    const ids = ['1', '2', '3', '4', '5', '6'];
    await Promise.all(ids.map((id) => store.accounts.add(T1, account(id))));
    await Promise.all([
      store.accounts.needsReconnect(T1, '1', true),
      store.accounts.remove(T1, '2'),
      store.accounts.add(T1, account('7')),
    ]);
    const listed = await store.accounts.list(T1);
    t.deepEqual(listed.map((a) => a.user_id).sort(), ['1', '3', '4', '5', '6', '7']);
    t.true(listed.find((a) => a.user_id === '1')!.needs_reconnect);
    await store.close();
  });

  test('accounts: changes made at once through two stores on one database are all kept', async (t) => {
    const url = await backend.shared();
    const [a, b] = await Promise.all([open(url), open(url)]);
    const ids = ['1', '2', '3', '4', '5', '6', '7', '8'];
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).accounts.add(T1, account(id))));
    await Promise.all([
      a.accounts.remove(T1, '1'),
      b.accounts.needsReconnect(T1, '2', true),
      a.accounts.add(T1, account('9')),
      b.accounts.remove(T1, '3'),
    ]);
    const listed = await b.accounts.list(T1);
    t.deepEqual(listed.map((x) => x.user_id).sort(), ['2', '4', '5', '6', '7', '8', '9']);
    t.true(listed.find((x) => x.user_id === '2')!.needs_reconnect);
    t.deepEqual(await backend.kept(url, 'claims'), [], 'every lock is given back');
    await Promise.all([a.close(), b.close()]);
  });

  test('accounts: bad input is refused without repeating a token', async (t) => {
    const store = await open(await backend.single());
    await t.throwsAsync(store.accounts.add(T1, { ...account(), user_id: 'jack' }), { message: /user id/ });
    const error = await t.throwsAsync(
      store.accounts.add(T1, account('42', { access_token: 'OnlyTheToken', access_token_secret: '' })),
    );
    t.false(error!.message.includes('OnlyTheToken'));
    t.deepEqual(await store.accounts.list(T1), []);
    await store.close();
  });

  test('accounts: the tokens are not in the database, the account is', async (t) => {
    const url = await backend.shared();
    const store = await open(url);
    await store.accounts.add(T1, account());
    await store.close();
    const stored = await backend.dump(url);
    t.true(stored.includes('biz42'));
    t.false(stored.includes(TOKENS.access_token));
    t.false(stored.includes(TOKENS.access_token_secret));
  });

  test('accounts: a sealed record copied to another workspace does not open there', async (t) => {
    const store = await open(await backend.single());
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
    const url = await backend.shared();
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

  test('marks: a set shared by every store on one database', async (t) => {
    const url = await backend.shared();
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

  test('counters: several fields change together, from 0, and read back per key in the order asked', async (t) => {
    const store = await open(await backend.single());
    await store.increment('day:T1:2026-01-02', { sent: 1, csat_sum: 4 });
    await store.increment('day:T1:2026-01-02', { csat_sum: -1, comments: 1 });
    await store.increment('day:T2:2026-01-02', { sent: 2 });
    await store.increment('day:T2:2026-01-02', {});
    t.deepEqual(await store.counters(['day:T2:2026-01-02', 'never', 'day:T1:2026-01-02']), [
      { sent: 2 },
      {},
      { sent: 1, csat_sum: 3, comments: 1 },
    ]);
    t.deepEqual(await store.counters([]), []);
    await t.throwsAsync(store.increment('day:T1:2026-01-02', { sent: 0.5 }), { instanceOf: RangeError });
    await t.throwsAsync(store.increment('', { sent: 1 }));
    t.deepEqual(await store.counters(['day:T1:2026-01-02']), [{ sent: 1, csat_sum: 3, comments: 1 }]);
    await store.close();
  });

  test('counters: 200 increments made at once through two stores on one database sum exactly', async (t) => {
    const url = await backend.shared();
    const [a, b] = await Promise.all([open(url), open(url)]);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).increment('day:T1:2026-01-02', { sent: 1, nps_sum: i % 11 })),
    );
    const expectedSum = Array.from({ length: 200 }, (_, i) => i % 11).reduce((x, y) => x + y, 0);
    t.deepEqual(await a.counters(['day:T1:2026-01-02']), [{ sent: 200, nps_sum: expectedSum }]);
    await Promise.all([a.close(), b.close()]);
  });
  test('schedule: what is due is taken earliest first, held from other takers, and due again once the hold is over', async (t) => {
    const store = await open(await backend.single());
    await store.schedule('due', 'T1/late', 3_000);
    await store.schedule('due', 'T1/first', 1_000);
    await store.schedule('due', 'T1/second', 2_000);
    await store.schedule('other', 'T1/elsewhere', 0);
    await store.schedule('due', 'T1/moved', 9_000);
    await store.schedule('due', 'T1/moved', 1_500);
    t.deepEqual(await store.takeDue('due', 2_000, 2, 10_000), ['T1/first', 'T1/moved']);
    t.deepEqual(await store.takeDue('due', 2_000, 10, 10_000), ['T1/second'], 'the taken are held');
    t.deepEqual(await store.takeDue('due', 2_500, 10, 10_000), [], 'nothing else is due yet');
    await store.unschedule('due', 'T1/first');
    t.deepEqual((await store.takeDue('due', 12_000, 10, 10_000)).sort(), ['T1/late', 'T1/moved', 'T1/second']);
    t.deepEqual(await store.takeDue('other', 0, 10, 1), ['T1/elsewhere']);
    await t.throwsAsync(store.takeDue('due', 0, 0, 1), { instanceOf: RangeError });
    await store.close();
  });

  test('schedule: 1,000 due members taken at once through two stores on one database go to exactly one taker each', async (t) => {
    const url = await backend.shared();
    const [a, b] = await Promise.all([open(url), open(url)]);
    const members = Array.from({ length: 1000 }, (_, i) => `T1/${String(i).padStart(4, '0')}`);
    await Promise.all(members.map((member, i) => (i % 2 ? a : b).schedule('due', member, 1_000)));
    const taken: string[] = [];
    const take = async (store: Store) => {
      for (;;) {
        const batch = await store.takeDue('due', 1_000, 25, 60_000);
        if (!batch.length) return;
        taken.push(...batch);
      }
    };
    await Promise.all([take(a), take(b), take(a), take(b)]);
    t.is(taken.length, 1000);
    t.deepEqual([...new Set(taken)].sort(), members);
    await Promise.all([a.close(), b.close()]);
  });
});
