import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ASK_AFTER_MS, AnswerPoller, type AnswerPollerParts } from '../../../app/services/answer-poller.js';
import { connectedIn, RecordingSink } from '../../support/answers.js';
import { openTestStore } from '../../support/stores.js';
import { temporaryDir } from '../../support/temporary.js';
import { BUSINESS, clientAndSimulator } from '../../support/twitter-client.js';

const CUSTOMER = { id_str: '1234567890123456789', screen_name: 'Customer_19', name: 'A Customer' };
const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
// Ahead of the real clock, so that the store's own sweep of expired reservations never runs into the fake one.
const T0 = Date.UTC(2030, 10, 20, 14, 2);

async function setup(t: ExecutionContext, options: Partial<AnswerPollerParts> = {}) {
  const { sim, client } = await clientAndSimulator(t, { users: [CUSTOMER] });
  const storeUrl = `sqlite://${join(temporaryDir(t, 'answer-poller-'), 'store.sqlite')}`;
  const encryptionKey = randomBytes(32);
  const clock = { now: T0 };
  const sink = new RecordingSink();
  const poller = async () =>
    new AnswerPoller({
      store: await openTestStore({ storeUrl, encryptionKey }),
      twitter: client,
      accounts: connectedIn('T1'),
      sink,
      warn: (message) => t.log(message),
      now: () => clock.now,
      ...options,
    });
  const card = () => sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str });
  const shows = () => sim.requests.filter((r) => r.path.startsWith('/1.1/feedback/show/')).map((r) => r.path);
  return { sim, sink, clock, poller, card, shows };
}

test('a card is asked for 5 and 20 minutes, 1, 4 and 24 hours after it was sent, then no more', async (t) => {
  const { sim, sink, clock, poller: open, card, shows } = await setup(t);
  const poller = await open();
  const sent = card();
  await poller.cardSent('T1', BUSINESS.id_str, sent.id, T0);
  const askedAt = async (ms: number) => {
    clock.now = T0 + ms;
    return poller.run();
  };

  t.is(await askedAt(4 * MINUTE_MS), 0);
  t.is(await askedAt(5 * MINUTE_MS), 1);
  t.like(sink.events.at(-1), { feedback_id: sent.id, score: undefined });
  await sim.answer(sent.id, { score: 4 });
  t.is(await askedAt(19 * MINUTE_MS), 0);
  t.is(await askedAt(20 * MINUTE_MS), 1);
  t.is(sink.events.at(-1)?.score?.value, 4);
  t.is(await askedAt(HOUR_MS), 1);
  t.is(await askedAt(4 * HOUR_MS), 1);
  t.is(await askedAt(23 * HOUR_MS), 0);
  t.is(await askedAt(24 * HOUR_MS), 1);
  t.is(await askedAt(48 * HOUR_MS), 0);
  t.is(shows().length, ASK_AFTER_MS.length);
  t.is(sink.events.length, ASK_AFTER_MS.length);
});

test('a run that comes late asks once, not for every time it missed; a card with score and comment is done', async (t) => {
  const { sim, clock, poller: open, card, shows } = await setup(t);
  const poller = await open();
  const late = card();
  const answered = card();
  await poller.cardSent('T1', BUSINESS.id_str, late.id, T0);
  await poller.cardSent('T1', BUSINESS.id_str, answered.id, T0);
  await sim.answer(answered.id, { score: 5, text: 'Great' });

  clock.now = T0 + 2 * HOUR_MS;
  t.is(await poller.run(), 2);
  clock.now = T0 + 3 * HOUR_MS;
  t.is(await poller.run(), 0, 'the asks at 5 and 20 minutes and 1 hour are not made up');
  clock.now = T0 + 4 * HOUR_MS;
  t.is(await poller.run(), 1);
  const count = (id: string) => shows().filter((path) => path === `/1.1/feedback/show/${id}.json`).length;
  t.is(count(late.id), 2);
  t.is(count(answered.id), 1);
});

test("an account's budget is shared by every instance, and cards beyond it wait for the next window", async (t) => {
  const { clock, poller: open, card, shows } = await setup(t, { budget: 5 });
  const [first, second] = [await open(), await open()];
  for (let i = 0; i < 8; i++) await first.cardSent('T1', BUSINESS.id_str, card().id, T0);

  clock.now = T0 + 5 * MINUTE_MS;
  t.is(await first.run(), 5);
  clock.now += MINUTE_MS;
  t.is(await second.run(), 0, 'the other instance finds the budget spent');
  clock.now = T0 + 20 * MINUTE_MS + 1;
  t.is(await second.run(), 5, 'a new window: the 3 that waited and 2 due at 20 minutes');
  t.is(shows().length, 10);
});

test('two instances polling at once ask for each card once', async (t) => {
  const { clock, poller: open, card, shows } = await setup(t);
  const [first, second] = [await open(), await open()];
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    ids.push(card().id);
    await first.cardSent('T1', BUSINESS.id_str, ids[i], T0);
  }
  clock.now = T0 + 5 * MINUTE_MS;
  const [a, b] = await Promise.all([first.run(), second.run()]);
  t.is(a + b, 20);
  t.deepEqual(shows().sort(), ids.map((id) => `/1.1/feedback/show/${id}.json`).sort());
});

test('a card Twitter no longer knows, or whose account was disconnected, is no longer asked for', async (t) => {
  const { clock, poller: open, card, shows } = await setup(t);
  const poller = await open();
  await poller.cardSent('T1', BUSINESS.id_str, '999999999999', T0);
  await poller.cardSent('T2', BUSINESS.id_str, card().id, T0);
  clock.now = T0 + 5 * MINUTE_MS;
  t.is(await poller.run(), 1);
  clock.now = T0 + 20 * MINUTE_MS;
  t.is(await poller.run(), 0);
  t.deepEqual(shows(), ['/1.1/feedback/show/999999999999.json']);
});
