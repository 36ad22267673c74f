import test from 'ava';
import { randomBytes } from 'node:crypto';
import { formatApiKey } from '../../../app/domain/api-key.js';
import { ApiKeys } from '../../../app/services/api-keys.js';
import { claimLock } from '../../../app/store/lock.js';
import type { Records, Store } from '../../../app/store/store.js';
import { openTestStore } from '../../support/stores.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

async function setUp(perMinute = 600) {
  const store = await openTestStore({ storeUrl: 'sqlite://:memory:', encryptionKey: randomBytes(32) });
  const clock = { now: Date.parse('2025-05-01T09:00:00Z') };
  const writes: string[] = [];
  const records = store.records('api-keys');
  // Every write the service makes, to count them.
  const counted: Records = {
    get: (workspace, key) => records.get(workspace, key),
    set: (workspace, key, value, ttl) => (writes.push(key), records.set(workspace, key, value, ttl)),
    delete: (workspace, key) => records.delete(workspace, key),
  };
  const keys = new ApiKeys({ records: counted, lock: claimLock(store), store, perMinute, now: () => clock.now });
  return { store, keys, clock, writes };
}

async function made(keys: ApiKeys, teamId = 'T1', name = 'Zendesk'): Promise<{ key: string; id: string }> {
  const created = await keys.create(teamId, name, 'U1');
  if (!created.ok) throw new Error(created.error);
  return { key: created.key, id: created.summary.id };
}

test('a key is known by its workspace alone; missing, unknown and revoked keys are told apart', async (t) => {
  const { keys, store } = await setUp();
  const { key, id } = await made(keys);
  t.like(await keys.authenticate(key), { ok: true, teamId: 'T1', keyId: id });
  t.deepEqual(await keys.authenticate(undefined), { ok: false, reason: 'missing' });
  t.deepEqual(await keys.authenticate('not a key'), { ok: false, reason: 'unknown' });
  t.deepEqual(await keys.authenticate(formatApiKey('T1', randomBytes(32))), { ok: false, reason: 'unknown' });
  // The same secret under another workspace's name is another key.
  t.deepEqual(await keys.authenticate(key.replace('_T1_', '_T2_')), { ok: false, reason: 'unknown' });
  t.true(await keys.revoke('T1', id, 'U1'));
  t.false(await keys.revoke('T1', id, 'U1'), 'already revoked');
  t.false(await keys.revoke('T2', id, 'U1'), 'another workspace cannot revoke it');
  t.deepEqual(await keys.authenticate(key), { ok: false, reason: 'revoked' });
  t.deepEqual(await keys.list('T1'), []);
  await store.close();
});

test('last used is written at most once a minute per key, not on every call', async (t) => {
  const { keys, clock, writes, store } = await setUp();
  const { key } = await made(keys);
  writes.length = 0;
  for (let i = 0; i < 50; i++) await keys.authenticate(key);
  t.is(writes.length, 1);
  t.is((await keys.list('T1'))[0].last_used_at, '2025-05-01T09:00:00.000Z');
  clock.now += MINUTE - 1;
  await keys.authenticate(key);
  t.is(writes.length, 1);
  clock.now += 1;
  await keys.authenticate(key);
  t.is(writes.length, 2);
  t.is((await keys.list('T1'))[0].last_used_at, '2025-05-01T09:01:00.000Z');
  await store.close();
});

test('a revoked key answers "revoked" for 90 days, then reads as unknown', async (t) => {
  const { keys, clock, store } = await setUp();
  const { key, id } = await made(keys);
  await keys.revoke('T1', id, 'U1');
  clock.now += 90 * DAY - 1;
  await made(keys, 'T1', 'Another');
  t.like(await keys.authenticate(key), { reason: 'revoked' });
  clock.now += 2;
  await made(keys, 'T1', 'A third');
  t.like(await keys.authenticate(key), { reason: 'unknown' });
  await store.close();
});

test('each key may make perMinute requests in any 60 seconds, and is told when the next fits', async (t) => {
  const { keys, clock, store } = await setUp(3);
  const first = await made(keys);
  const second = await made(keys, 'T1', 'Other');
  for (let i = 0; i < 3; i++) {
    t.true((await keys.admit('T1', first.id)).ok);
    clock.now += 10_000;
  }
  t.deepEqual(await keys.admit('T1', first.id), { ok: false, retryAfterSeconds: 30 });
  t.true((await keys.admit('T1', second.id)).ok, 'another key has its own count');
  clock.now += 30_000;
  t.true((await keys.admit('T1', first.id)).ok, 'the oldest left the window');
  await store.close();
});

test('two admins creating keys at once on two instances both keep theirs', async (t) => {
  const { keys, store } = await setUp();
  const other = new ApiKeys({ records: store.records('api-keys'), lock: claimLock(store as Store), store, perMinute: 1 });
  await Promise.all([made(keys, 'T1', 'A'), made(other, 'T1', 'B'), made(keys, 'T1', 'C'), made(other, 'T1', 'D')]);
  t.deepEqual((await keys.list('T1')).map((k) => k.name).sort(), ['A', 'B', 'C', 'D']);
  await store.close();
});
