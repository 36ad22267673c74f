import test from 'ava';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import {
  ACCOUNT_DAILY_LIMIT,
  DAY_MS,
  DEFAULT_RECIPIENT_DAYS,
  accountDailyRefusal,
  isAllowlisted,
  pausedRefusal,
  recipientRefusal,
  recipientWindowMs,
  type LimitSettings,
} from '../../../app/domain/limits.js';
import { SendLimits, type SendAttempt } from '../../../app/services/send-limits.js';
import type { Workspace } from '../../../app/domain/workspace.js';
import type { Store } from '../../../app/store/store.js';
import { eachBackend, openTestStore } from '../../support/stores.js';

function open(storeUrl: string): Promise<Store> {
  return openTestStore({ storeUrl, encryptionKey: randomBytes(32) });
}

const HOUR_MS = 60 * 60 * 1000;
// Ahead of the real clock, so that the store's own sweep of expired reservations never runs into the fake one.
const T0 = Date.UTC(2030, 10, 20, 14, 2);
const at = (ms: number) => new Date(T0 + ms);

const T1: Workspace = { teamId: 'T1' };
const T2: Workspace = { teamId: 'T2' };
const ACCOUNT = '42';
const WEEKLY: LimitSettings = { recipientDays: DEFAULT_RECIPIENT_DAYS, allowlist: [] };
const DAILY: LimitSettings = { recipientDays: 1, allowlist: [] };

function attempt(recipientId: string, ms: number, extra: Partial<SendAttempt> = {}): SendAttempt {
  return { workspace: T1, accountId: ACCOUNT, recipientId, settings: WEEKLY, now: at(ms), ...extra };
}

/** The rule that refused, or 'ok'. */
async function outcome(limits: SendLimits, request: SendAttempt): Promise<string> {
  const answer = await limits.reserve(request);
  return answer.ok ? 'ok' : answer.refusal.rule;
}

async function refusal(limits: SendLimits, request: SendAttempt) {
  const answer = await limits.reserve(request);
  if (answer.ok) throw new Error(`Reserved for ${request.recipientId}, expected a refusal`);
  return answer.refusal;
}

test('the recipient window is the workspace days, never less than one day', (t) => {
  t.is(DEFAULT_RECIPIENT_DAYS, 7);
  t.is(ACCOUNT_DAILY_LIMIT, 1000);
  t.is(recipientWindowMs({ recipientDays: 7 }), 7 * DAY_MS);
  t.is(recipientWindowMs({ recipientDays: 30 }), 30 * DAY_MS);
  for (const days of [1, 0.5, 0, -3]) t.is(recipientWindowMs({ recipientDays: days }), DAY_MS, String(days));
  for (const days of [NaN, Infinity]) t.throws(() => recipientWindowMs({ recipientDays: days }), { instanceOf: RangeError });
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e4, max: 1e4 }), (days) => {
      const windowMs = recipientWindowMs({ recipientDays: days });
      return windowMs >= DAY_MS && windowMs >= days * DAY_MS && (days <= 1 || windowMs === days * DAY_MS);
    }),
  );
});

test('allowlist: handles match without case or "@", ids match exactly', (t) => {
  const list = ['@JaCk', '783214', 'not a handle!'];
  t.true(isAllowlisted(list, { id: '12', handle: 'jack' }));
  t.true(isAllowlisted(list, { id: '12', handle: '@JACK' }));
  t.true(isAllowlisted(list, { id: '783214' }));
  t.false(isAllowlisted(list, { id: '7832140' }));
  t.false(isAllowlisted(list, { id: '12' }));
  t.false(isAllowlisted(list, { id: '12', handle: 'jacky' }));
  t.false(isAllowlisted(list, { id: '12', handle: '783214' }));
  t.false(isAllowlisted([], { id: '12', handle: 'jack' }));
  t.true(isAllowlisted(['jack'], { id: '12', handle: 'Jack' }));
});

test('refusals say which rule, when it was, and the next possible time', (t) => {
  const daily = recipientRefusal({ id: '12', handle: 'jack' }, at(0), DAY_MS);
  t.is(daily.rule, 'recipient_daily');
  t.deepEqual(daily.retryAt, at(DAY_MS));
  t.is(
    daily.message,
    '@jack was already asked for feedback on 20 Nov at 14:02 UTC; Twitter allows one request per customer per day. Next possible: 21 Nov 14:02 UTC.',
  );

  const weekly = recipientRefusal({ id: '12' }, at(30_000), 7 * DAY_MS);
  t.is(weekly.rule, 'recipient_weekly');
  t.deepEqual(weekly.retryAt, at(7 * DAY_MS + 30_000));
  t.is(
    weekly.message,
    'The customer with user id 12 was already asked for feedback on 20 Nov at 14:02 UTC; this workspace allows one request per customer every 7 days. Next possible: 27 Nov 14:03 UTC.',
  );

  const acrossYears = recipientRefusal({ id: '12', handle: '@jack' }, new Date(Date.UTC(2030, 11, 30, 9, 5)), 7 * DAY_MS);
  t.regex(acrossYears.message, /^@jack .* on 30 Dec 2030 at 09:05 UTC; .* every 7 days\. Next possible: 6 Jan 2031 09:05 UTC\.$/);

  const account = accountDailyRefusal(1000, at(HOUR_MS));
  t.is(account.rule, 'account_daily');
  t.deepEqual(account.retryAt, at(HOUR_MS));
  t.regex(account.message, /1,000 feedback requests in the last 24 hours.*Next possible: 20 Nov 15:02 UTC\.$/);

  const paused = pausedRefusal(at(15 * 60_000));
  t.is(paused.rule, 'account_paused');
  t.deepEqual(paused.retryAt, at(15 * 60_000));
  t.regex(paused.message, /rate limit.*Next possible: 20 Nov 14:17 UTC\.$/);
});

eachBackend((backend, test) => {
  test('store: a sliding window holds at most the limit, names the oldest, and frees room at its edge', async (t) => {
    const store = await open(await backend.single());
    t.deepEqual(await store.reserve('k', 2, 1000, T0, 'a'), { ok: true });
    t.deepEqual(await store.reserve('k', 2, 1000, T0 + 400, 'b'), { ok: true });
    t.deepEqual(await store.reserve('k', 2, 1000, T0 + 999, 'c'), { ok: false, oldestAt: T0 });
    t.deepEqual(await store.reserve('other', 2, 1000, T0 + 999, 'c'), { ok: true });
    t.deepEqual(await store.reserve('k', 2, 1000, T0 + 1000, 'c'), { ok: true });
    t.deepEqual(await store.reserve('k', 2, 1000, T0 + 1001, 'd'), { ok: false, oldestAt: T0 + 400 });
    t.true(await store.release('k', 'b'));
    t.false(await store.release('k', 'b'));
    t.deepEqual(await store.reserve('k', 2, 1000, T0 + 1001, 'd'), { ok: true });
    // A smaller limit than before: room returns only when enough have left the window.
    t.deepEqual(await store.reserve('k', 1, 1000, T0 + 1002, 'e'), { ok: false, oldestAt: T0 + 1001 });
    // A reservation out of the window is still held until it is swept: it can be released.
    t.true(await store.release('k', 'a'));

    await t.throwsAsync(store.reserve('k', 0, 1000, 0, 'x'), { instanceOf: RangeError });
    await t.throwsAsync(store.reserve('k', 1.5, 1000, 0, 'x'), { instanceOf: RangeError });
    await t.throwsAsync(store.reserve('k', 1, 0, 0, 'x'), { instanceOf: RangeError });
    await t.throwsAsync(store.reserve('k', 1, 1000, NaN, 'x'), { instanceOf: RangeError });
    await t.throwsAsync(store.reserve('', 1, 1000, 0, 'x'));
    await t.throwsAsync(store.reserve('k', 1, 1000, 0, ''));
    await store.close();
  });

  test('store: reservations agree with a model of the sliding window', async (t) => {
    const store = await open(await backend.single());
    let run = 0;
    const step = fc.oneof(
      fc.record({
        op: fc.constant('reserve' as const),
        key: fc.constantFrom('a', 'b'),
        advance: fc.integer({ min: 0, max: 60 }),
      }),
      fc.record({ op: fc.constant('release' as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(step, { maxLength: 40 }),
        async (limit, windowMs, steps) => {
          const prefix = `run${++run}:`;
          const held: Array<{ key: string; id: string; at: number }> = [];
          let now = T0;
          let ids = 0;
          for (const s of steps) {
            if (s.op === 'release') {
              if (held.length === 0) continue;
              const [gone] = held.splice(s.pick % held.length, 1);
              if (!(await store.release(prefix + gone.key, gone.id))) return false;
              continue;
            }
            now += s.advance;
            const inWindow = held
              .filter((h) => h.key === s.key && h.at > now - windowMs)
              .map((h) => h.at)
              .sort((x, y) => y - x);
            const id = String(++ids);
            const answer = await store.reserve(prefix + s.key, limit, windowMs, now, id);
            if (inWindow.length < limit) {
              if (!answer.ok) return false;
              held.push({ key: s.key, id, at: now });
            } else if (answer.ok || answer.oldestAt !== inWindow[limit - 1]) {
              return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 60 },
    );
    t.pass();
    await store.close();
  });

  test('store: reservations out of their window are swept from the database', async (t) => {
    const url = await backend.shared();
    const store = await open(url);
    const now = Date.now();
    t.true((await store.reserve('old', 1, 1000, now - 5000, 'a')).ok);
    t.true((await store.reserve('lasting', 1, 60_000, now, 'b')).ok);
    await store.close();
    await (await open(url)).close();
    t.deepEqual(await backend.kept(url, 'reservations'), ['lasting']);
  });

  test('account: the 1,000th request in 24 hours goes, the 1,001st waits until the first is 24 hours old', async (t) => {
    const store = await open(await backend.single());
    const limits = new SendLimits(store);
    // One a minute: 1,000 minutes fit well inside a day.
    for (let i = 0; i < 1000; i++) {
      const answer = await limits.reserve(attempt(String(1000 + i), i * 60_000));
      if (!answer.ok) t.fail(`request ${i + 1} was refused: ${answer.refusal.message}`);
    }
    const full = await refusal(limits, attempt('9999', 1000 * 60_000));
    t.is(full.rule, 'account_daily');
    t.deepEqual(full.retryAt, at(DAY_MS));
    t.regex(full.message, /1,000/);
    t.is(await outcome(limits, attempt('9999', DAY_MS - 1)), 'account_daily');
    t.is(await outcome(limits, attempt('9999', DAY_MS)), 'ok');
    const next = await refusal(limits, attempt('9998', DAY_MS));
    t.deepEqual(next.retryAt, at(DAY_MS + 60_000));
    await store.close();
  });

  test('recipient: once a day with a one-day setting', async (t) => {
    const store = await open(await backend.single());
    const limits = new SendLimits(store);
    t.is(await outcome(limits, attempt('12', 0, { settings: DAILY, recipientHandle: 'jack' })), 'ok');
    const again = await refusal(limits, attempt('12', HOUR_MS, { settings: DAILY, recipientHandle: 'jack' }));
    t.is(again.rule, 'recipient_daily');
    t.deepEqual(again.retryAt, at(DAY_MS));
    t.regex(again.message, /^@jack was already asked for feedback on 20 Nov at 14:02 UTC; Twitter allows/);
    t.is(await outcome(limits, attempt('12', DAY_MS - 1, { settings: DAILY })), 'recipient_daily');
    t.is(await outcome(limits, attempt('13', HOUR_MS, { settings: DAILY })), 'ok');
    t.is(await outcome(limits, attempt('12', DAY_MS, { settings: DAILY })), 'ok');
    // Below one day is still Twitter's day.
    t.is(await outcome(limits, attempt('14', 0, { settings: { recipientDays: 0, allowlist: [] } })), 'ok');
    t.is(await outcome(limits, attempt('14', DAY_MS - 1, { settings: { recipientDays: 0, allowlist: [] } })), 'recipient_daily');
    await store.close();
  });

  test('recipient: once every 7 days by default, or the days a workspace chose', async (t) => {
    const store = await open(await backend.single());
    const limits = new SendLimits(store);
    t.is(await outcome(limits, attempt('12', 0)), 'ok');
    const soon = await refusal(limits, attempt('12', HOUR_MS));
    t.is(soon.rule, 'recipient_weekly');
    t.deepEqual(soon.retryAt, at(7 * DAY_MS));
    t.regex(soon.message, /every 7 days\. Next possible: 27 Nov 14:02 UTC\.$/);
    t.is(await outcome(limits, attempt('12', 7 * DAY_MS - 1)), 'recipient_weekly');
    t.is(await outcome(limits, attempt('12', 7 * DAY_MS)), 'ok');

    const three = { recipientDays: 3, allowlist: [] };
    t.is(await outcome(limits, attempt('13', 0, { settings: three })), 'ok');
    t.deepEqual((await refusal(limits, attempt('13', 2 * DAY_MS, { settings: three }))).retryAt, at(3 * DAY_MS));
    t.is(await outcome(limits, attempt('13', 3 * DAY_MS, { settings: three })), 'ok');
    await store.close();
  });

  test('allowlisted recipients skip the customer rules, not the account limit', async (t) => {
    const store = await open(await backend.single());
    const limits = new SendLimits(store, { accountLimit: 4 });
    const settings = { recipientDays: 7, allowlist: ['@JaCk', '783214'] };
    t.is(await outcome(limits, attempt('12', 0, { settings, recipientHandle: 'jack' })), 'ok');
    t.is(await outcome(limits, attempt('12', 1, { settings, recipientHandle: '@JACK' })), 'ok');
    t.is(await outcome(limits, attempt('783214', 2, { settings })), 'ok');
    t.is(await outcome(limits, attempt('783214', 3, { settings })), 'ok');
    t.is(await outcome(limits, attempt('783214', 4, { settings })), 'account_daily');
    // The same customer, not allowlisted in another setting.
    t.is(await outcome(limits, attempt('12', DAY_MS, { recipientHandle: 'jack' })), 'ok');
    t.is(await outcome(limits, attempt('12', DAY_MS + 1, { recipientHandle: 'jack' })), 'recipient_weekly');
    await store.close();
  });

  test('a refused or released request gives its places back', async (t) => {
    const store = await open(await backend.single());
    const limits = new SendLimits(store, { accountLimit: 2 });
    t.is(await outcome(limits, attempt('12', 0)), 'ok');
    // Refused for the customer: the account's place it took first is returned.
    t.is(await outcome(limits, attempt('12', 1)), 'recipient_weekly');
    t.is(await outcome(limits, attempt('12', 2)), 'recipient_weekly');
    const second = await limits.reserve(attempt('13', 3));
    if (!second.ok) return t.fail(second.refusal.message);
    t.is(await outcome(limits, attempt('14', 4)), 'account_daily');

    // Twitter refused the request to 13, so nothing was sent.
    await limits.release(second.reservation);
    t.is(await outcome(limits, attempt('13', 5)), 'ok');
    t.is(await outcome(limits, attempt('14', 6)), 'account_daily');
    await store.close();
  });

  test('a paused account sends nothing until the reset, and a shorter pause does not lift a longer one', async (t) => {
    const store = await open(await backend.single());
    const limits = new SendLimits(store, { accountLimit: 1 });
    await limits.pauseAccount(T1, ACCOUNT, at(15 * 60_000), at(0));
    await limits.pauseAccount(T1, ACCOUNT, at(5 * 60_000), at(0));
    const paused = await refusal(limits, attempt('12', 10 * 60_000));
    t.is(paused.rule, 'account_paused');
    t.deepEqual(paused.retryAt, at(15 * 60_000));
    t.is(await outcome(limits, attempt('12', 15 * 60_000 - 1)), 'account_paused');
    t.is(await outcome(limits, attempt('12', 0, { accountId: '43' })), 'ok');
    t.is(await outcome(limits, attempt('12', 0, { workspace: T2 })), 'ok');
    // The refusals while paused used none of the account's one place.
    t.is(await outcome(limits, attempt('12', 15 * 60_000)), 'ok');

    await limits.pauseAccount(T1, '44', at(-1), at(0));
    t.is(await outcome(limits, attempt('12', 0, { accountId: '44' })), 'ok');
    await t.throwsAsync(limits.pauseAccount(T1, 'jack', at(60_000), at(0)));
    await t.throwsAsync(limits.reserve(attempt('jack', 0)));
    await store.close();
  });

  test("one workspace never uses up or sees another workspace's limits", async (t) => {
    const store = await open(await backend.single());
    const limits = new SendLimits(store, { accountLimit: 1 });
    for (const workspace of [T1, T2]) {
      t.is(await outcome(limits, attempt('12', 0, { workspace })), 'ok', JSON.stringify(workspace));
    }
    t.is(await outcome(limits, attempt('13', 1)), 'account_daily');
    t.is(await outcome(limits, attempt('12', 1, { workspace: T2, accountId: '43' })), 'ok');
    await limits.pauseAccount(T1, ACCOUNT, at(2 * DAY_MS), at(0));
    t.is(await outcome(limits, attempt('15', DAY_MS)), 'account_paused');
    t.is(await outcome(limits, attempt('15', DAY_MS, { workspace: T2 })), 'ok');
    await store.close();
  });

  test('two stores on one database: one customer is reserved once among 20 simultaneous attempts', async (t) => {
    const url = await backend.shared();
    const stores = await Promise.all([open(url), open(url)]);
    // Room for all 20 at once: each holds a place of the account until its customer is refused.
    const [a, b] = stores.map((store) => new SendLimits(store, { accountLimit: 20 }));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve(attempt('12', i))));
    t.is(answers.filter((answer) => answer.ok).length, 1);
    t.true(answers.every((answer) => answer.ok || answer.refusal.rule === 'recipient_weekly'));
    // The 19 refused attempts gave the account's places back.
    for (let i = 0; i < 19; i++) t.is(await outcome(i % 2 ? a : b, attempt(String(100 + i), 100)), 'ok');
    t.is(await outcome(a, attempt('99', 101)), 'account_daily');
    await Promise.all(stores.map((store) => store.close()));
  });

  test('two stores on one database: an account is reserved exactly up to its limit', async (t) => {
    const url = await backend.shared();
    const stores = await Promise.all([open(url), open(url)]);
    const [a, b] = stores.map((store) => new SendLimits(store, { accountLimit: 50 }));
    const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? a : b).reserve(attempt(String(100 + i), i))));
    t.is(answers.filter((answer) => answer.ok).length, 50);
    t.true(answers.every((answer) => answer.ok || answer.refusal.rule === 'account_daily'));
    await Promise.all(stores.map((store) => store.close()));
  });
});
