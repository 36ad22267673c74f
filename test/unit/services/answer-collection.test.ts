import test from 'ava';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startAnswerCollection } from '../../../app/services/answer-collection.js';
import { InFlight } from '../../../app/services/in-flight.js';
import { Schedule } from '../../../app/services/schedule.js';
import { connectedIn, RecordingSink } from '../../support/answers.js';
import { openTestStore } from '../../support/stores.js';
import { temporaryDir } from '../../support/temporary.js';
import { BUSINESS, clientAndSimulator, TOKENS } from '../../support/twitter-client.js';

const CUSTOMER = { id_str: '1234567890123456789', screen_name: 'Customer_19', name: 'A Customer' };
const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

test('answers reach the sink by both read paths: the card the app sent, and one sent outside it a day ago', async (t) => {
  const { sim, client } = await clientAndSimulator(t, { users: [CUSTOMER] });
  const store = await openTestStore({
    storeUrl: `sqlite://${join(temporaryDir(t, 'answer-collection-'), 'store.sqlite')}`,
    encryptionKey: randomBytes(32),
  });
  const warnings: string[] = [];
  const schedule = new Schedule(new InFlight(), (message) => warnings.push(message));
  t.teardown(() => schedule.stop());
  const sink = new RecordingSink();
  const clock = { now: Date.now() };
  const collection = startAnswerCollection({
    store,
    twitter: client,
    accounts: connectedIn('T1'),
    teams: async () => ['T1'],
    sink,
    schedule,
    warn: (message) => warnings.push(message),
    now: () => clock.now,
  });

  const created = await client.createFeedback(TOKENS, {
    type: 'csat',
    to_user_id: CUSTOMER.id_str,
    message: 'How did we do?',
    privacy_url: 'https://mybusiness.example/privacy',
    test: 'true',
  });
  if (!created.ok) return t.fail(JSON.stringify(created.failure));
  await collection.cardSent('T1', BUSINESS.id_str, created.data.id);
  await sim.answer(created.data.id, { score: 5, text: 'Thanks!' });
  const outside = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str }, clock.now - 30 * HOUR_MS);
  await sim.answer(outside.id, { score: 2, at: clock.now - 29 * HOUR_MS });

  await collection.poll();
  t.is(sink.events.length, 0, 'not asked before 5 minutes');
  clock.now += 5 * MINUTE_MS;
  await collection.poll();
  t.like(sink.events.at(-1), { feedback_id: created.data.id, score: { value: 5 }, text: { value: 'Thanks!' } });

  // Twitter's clock still decides what events.json lists: the reconciler runs at the present.
  clock.now -= 5 * MINUTE_MS;
  await collection.reconcile();
  const reconciled = sink.events
    .filter((e) => e.feedback_id === outside.id)
    .map((e) => [e.event_type, e.score?.value ?? null])
    .sort();
  t.deepEqual(reconciled, [
    ['feedback.created', null],
    ['feedback.updated', 2],
  ]);
  t.deepEqual(warnings, []);
  t.true(sim.requests.every((r) => r.verified));
});
