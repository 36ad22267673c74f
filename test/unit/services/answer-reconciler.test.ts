import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AnswerEvent } from '../../../app/domain/answers.js';
import { AnswerReconciler, type AnswerReconcilerParts } from '../../../app/services/answer-reconciler.js';
import type { AnswerSink } from '../../../app/services/answer-sink.js';
import { connectedIn, RecordingSink } from '../../support/answers.js';
import { openTestStore } from '../../support/stores.js';
import { temporaryDir } from '../../support/temporary.js';
import { BUSINESS, clientAndSimulator } from '../../support/twitter-client.js';

const CUSTOMER = { id_str: '1234567890123456789', screen_name: 'Customer_19', name: 'A Customer' };
const HOUR_MS = 60 * 60 * 1000;

async function setup(t: ExecutionContext) {
  const { sim, client } = await clientAndSimulator(t, { users: [CUSTOMER] });
  const storeUrl = `sqlite://${join(temporaryDir(t, 'answer-reconciler-'), 'store.sqlite')}`;
  const encryptionKey = randomBytes(32);
  // Twitter's clock decides what events.json lists, so the fake one starts from it and only stands still.
  const started = Date.now();
  const clock = { now: started };
  const sink = new RecordingSink();
  const store = await openTestStore({ storeUrl, encryptionKey });
  /** Leases that expire by the fake clock, shared by the instances given them. */
  const held = new Map<string, number>();
  const leasesOnClock: AnswerReconcilerParts['store'] = {
    records: (namespace) => store.records(namespace),
    claim: async (key, ttlMs) => {
      if ((held.get(key) ?? 0) > clock.now) return false;
      held.set(key, clock.now + ttlMs);
      return true;
    },
    unclaim: async (key) => {
      held.delete(key);
    },
  };
  const reconciler = async (options: Partial<AnswerReconcilerParts> = {}) =>
    new AnswerReconciler({
      store: await openTestStore({ storeUrl, encryptionKey }),
      twitter: client,
      accounts: connectedIn('T1'),
      teams: async () => ['T1'],
      sink,
      warn: (message) => t.log(message),
      now: () => clock.now,
      ...options,
    });
  /** `count` cards sent and answered between 40 and 26 hours ago: what events.json lists, as readings. */
  const history = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const at = started - 40 * HOUR_MS + i * 60_000;
      const card = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str }, at);
      await sim.answer(card.id, { score: 1 + (i % 5), at: at + 30_000 });
    }
  };
  const pages = () => sim.requests.filter((r) => r.path === '/1.1/feedback/events.json');
  return { sim, sink, reconciler, history, pages, started, clock, leasesOnClock };
}

test('a window is read page by page, short and empty pages too, and a finished window is not read again', async (t) => {
  const { sim, sink, reconciler, history, pages, started } = await setup(t);
  await history(7);
  // Too recent for events.json: the poller's and the push's.
  sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str }, started - 2 * HOUR_MS);
  sim.setEventPaging({ pageSize: 3, emptyPages: 1 });
  const first = await reconciler();

  t.is(await first.run(), 14);
  t.is(sink.readings().length, 14);
  t.true(sink.events.every((e) => e.created_at !== undefined));
  t.is(pages().length, 6, 'one empty page, then 14 events in pages of 3');
  const [{ query }] = pages();
  t.true(Number(query.to_time) <= started - 24 * HOUR_MS);
  t.is(query.count, '100');

  t.is(await first.run(), 0);
  t.is(pages().length, 6, 'nothing is read twice');
});

test('an account connected in two workspaces is read once', async (t) => {
  const { sink, reconciler, history, pages } = await setup(t);
  await history(3);
  const both = await reconciler({ accounts: connectedIn('T1', 'T2'), teams: async () => ['T1', 'T2'] });
  t.is(await both.run(), 6);
  t.is(pages().length, 1);
  t.is(sink.events.length, 6);
});

test("two instances at once: each account's window is read by one", async (t) => {
  const { sim, sink, reconciler, history, pages } = await setup(t);
  await history(5);
  sim.setEventPaging({ pageSize: 2 });
  const [a, b] = [await reconciler(), await reconciler()];
  const [readA, readB] = await Promise.all([a.run(), b.run()]);
  t.is(readA + readB, 10);
  t.true(readA === 0 || readB === 0);
  t.is(sink.events.length, 10);
  t.is(pages().length, 5);
});

/** Records the first `pass` events, then never answers again: a process killed mid-window. */
class DyingSink implements AnswerSink {
  readonly events: AnswerEvent[] = [];
  readonly died: Promise<void>;
  private die!: () => void;

  constructor(private readonly pass: number) {
    this.died = new Promise((resolve) => {
      this.die = resolve;
    });
  }

  record(event: AnswerEvent): Promise<void> {
    if (this.events.length >= this.pass) {
      this.die();
      return new Promise(() => {});
    }
    this.events.push(event);
    return Promise.resolve();
  }
}

test('an instance killed mid-window: once its lease expires, another takes up from the kept cursor and loses nothing', async (t) => {
  const { sim, sink, reconciler, history, pages, clock, leasesOnClock } = await setup(t);
  await history(5);
  sim.setEventPaging({ pageSize: 4 });
  const leaseMs = 60_000;
  const dying = new DyingSink(4);
  const killed = await reconciler({ sink: dying, leaseMs, store: leasesOnClock });
  void killed.run();
  await dying.died;
  t.is(pages().length, 2, 'page 1 was kept, page 2 never finished');

  const next = await reconciler({ leaseMs, store: leasesOnClock });
  clock.now += leaseMs - 1;
  t.is(await next.run(), 0, 'the lease still holds');
  t.is(pages().length, 2);

  clock.now += 1;
  t.is(await next.run(), 6);
  const resumed = pages().slice(2);
  t.deepEqual(Object.keys(resumed[0].query), ['cursor'], 'taken up from the cursor, not the window start');
  t.is(resumed.length, 2);
  const all = [...dying.events, ...sink.events].map((e) => `${e.feedback_id}@${e.updated_at}`);
  t.is(new Set(all).size, 10, 'every event of the window arrived');
  t.is(all.length, 10, 'and none twice');
});

test('a cursor Twitter no longer takes: the window is read again from its start', async (t) => {
  const { sim, sink, reconciler, history, pages, clock, leasesOnClock } = await setup(t);
  await history(3);
  sim.setEventPaging({ pageSize: 4 });
  const dying = new DyingSink(4);
  const killed = await reconciler({ sink: dying, leaseMs: 60_000, store: leasesOnClock });
  void killed.run();
  await dying.died;
  clock.now += 60_000;
  sim.failNext({
    path: '/1.1/feedback/events.json',
    status: 400,
    errors: [{ code: 44, message: 'cursor parameter is invalid.' }],
  });
  t.is(await (await reconciler({ leaseMs: 60_000, store: leasesOnClock })).run(), 6);
  t.deepEqual(Object.keys(pages()[3].query).sort(), ['count', 'from_time', 'to_time']);
  t.is(new Set([...dying.events, ...sink.events].map((e) => `${e.feedback_id}@${e.updated_at}`)).size, 6);
});
