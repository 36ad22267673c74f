import test from 'ava';
import type { Answer } from '../../app/domain/answers.js';
import { dayOf, ZERO } from '../../app/domain/results.js';
import { parseTwitterTime } from '../../app/domain/twitter-time.js';
import { dayCounters } from '../../app/services/day-counters.js';
import { openStore } from '../../app/store/store.js';
import { DEFAULTS } from '../simulators/slack.js';
import { Harness } from '../support/harness.js';

const USER = 'twitter-pushes';
const PASSWORD = 'a-webhook-password-of-32-characters';
const WEBHOOK = { TWITTER_WEBHOOK_USER: USER, TWITTER_WEBHOOK_PASSWORD: PASSWORD };

function webhookUrl(h: Harness): string {
  return h.url.replace(/\/slack\/events$/, '/twitter/feedback-events');
}

/** An agent sends a CSAT card to @jack from Slack; resolves with Twitter's card once the send is settled. */
async function sendFromSlack(h: Harness) {
  const { view } = await h.command();
  await h.submit(view, { to_user_id: '@jack', message: 'Thanks for chatting!', external_id: 'ticket_5555' });
  await h.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === view.id && (c.args.view as { callback_id?: string }).callback_id === 'feedback_outcome',
  );
  const [card] = h.twitter.feedback;
  return { card, day: dayOf(parseTwitterTime(card.created_at)!) };
}

/** What the app stored for the card, read beside it. */
async function stored(h: Harness, feedbackId: string, day: string) {
  const store = await openStore(h.config.store);
  try {
    return {
      answer: await store.records('answers').get<Answer>({ teamId: DEFAULTS.teamId }, feedbackId),
      counters: (await dayCounters(store, DEFAULTS.teamId, [day])).get(day),
    };
  } finally {
    await store.close();
  }
}

test('answers pushed by Twitter, repeated and out of order, are stored once with the newest score and comment, counted exactly', async (t) => {
  const h = await Harness.start({ env: WEBHOOK });
  t.teardown(() => h.close());
  const { card, day } = await sendFromSlack(h);
  h.twitter.pushTo(webhookUrl(h), USER, PASSWORD);
  h.twitter.setPushFaults({ duplicate: 3, hold: true });
  const first = Date.parse('2026-11-23T10:00:00Z');
  await h.twitter.answer(card.id, { score: 2, at: first });
  await h.twitter.answer(card.id, { score: 4, at: first + 60_000 });
  await h.twitter.answer(card.id, { text: 'Quick and kind', at: first + 120_000 });
  await h.twitter.releasePushes('newest-first');
  // The customer changes their mind once more: the change, not a second answer, is counted.
  await h.twitter.answer(card.id, { score: 5, at: first + 180_000 });

  t.is(h.twitter.pushes.length, 7, 'three answers pushed twice each, then one more');
  t.true(h.twitter.pushes.every((p) => p.status === 200));
  const { answer, counters } = await stored(h, card.id, day);
  t.like(answer, {
    feedback_id: card.id,
    source: 'app',
    team: DEFAULTS.teamId,
    agent: DEFAULTS.userId,
    customer_handle: 'jack',
    external_id: 'ticket_5555',
    score: { value: 5 },
    text: { value: 'Quick and kind' },
  });
  t.deepEqual(counters, { ...ZERO, sent: 1, sent_answered: 1, csat_answered: 1, csat_satisfied: 1, csat_sum: 5, comments: 1 });
});

test('a push with a wrong or missing password is refused with 401 and changes nothing', async (t) => {
  const h = await Harness.start({ env: WEBHOOK });
  t.teardown(() => h.close());
  const { card, day } = await sendFromSlack(h);
  h.twitter.pushTo(webhookUrl(h), USER, `${PASSWORD}x`);
  await h.twitter.answer(card.id, { score: 5 });
  h.twitter.pushTo(webhookUrl(h), 'someone-else', PASSWORD);
  await h.twitter.answer(card.id, { score: 1 });
  t.deepEqual(
    h.twitter.pushes.map((p) => p.status),
    [401, 401],
  );
  const bare = await fetch(webhookUrl(h), { method: 'POST', body: JSON.stringify(h.twitter.pushes[0].event) });
  t.is(bare.status, 401);
  t.regex(bare.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  const { answer, counters } = await stored(h, card.id, day);
  t.is(answer, undefined);
  t.deepEqual(counters, { ...ZERO, sent: 1 });
});

test('a malformed push is refused with 400 naming the field, an oversized one with 413 before it is read', async (t) => {
  const h = await Harness.start({ env: WEBHOOK });
  t.teardown(() => h.close());
  const authorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const post = (body: string) => fetch(webhookUrl(h), { method: 'POST', headers: { authorization }, body });
  const notJson = await post('{"event_type":');
  t.is(notJson.status, 400);
  const noId = await post(JSON.stringify({ event_type: 'feedback.updated', feedback: { type: 'csat', created_at: 'x' } }));
  t.is(noId.status, 400);
  t.regex(((await noId.json()) as { error: string }).error, /^feedback\.id /);
  const huge = await post(JSON.stringify({ event_type: 'feedback.updated', padding: 'x'.repeat(70 * 1024) }));
  t.is(huge.status, 413);
});

test('without the webhook variables there is no webhook', async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  const authorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const response = await fetch(webhookUrl(h), { method: 'POST', headers: { authorization }, body: '{}' });
  t.is(response.status, 404);
});
