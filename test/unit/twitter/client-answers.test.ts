import test from 'ava';
import type { AnswerEvent } from '../../../app/domain/answers.js';
import type { EventsPage, TwitterResult } from '../../../app/twitter/wire.js';
import { BUSINESS, clientAndSimulator, refusal, TOKENS } from '../../support/twitter-client.js';

const CUSTOMER = { id_str: '1234567890123456789', screen_name: 'Customer_19', name: 'A Customer' };
const OTHER_BUSINESS = { id_str: '9007199254740993', screen_name: 'Other', name: 'Another business' };
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

function setup(t: Parameters<typeof clientAndSimulator>[0]) {
  return clientAndSimulator(t, { users: [CUSTOMER, OTHER_BUSINESS] });
}

function data<T>(t: { fail(message: string): void }, result: TwitterResult<T>): T {
  if (!result.ok) {
    t.fail(JSON.stringify(result.failure));
    throw new Error('not ok');
  }
  return result.data;
}

test('showFeedback reads a card and its answer, signed, with 64-bit ids kept as strings', async (t) => {
  const { sim, client } = await setup(t);
  const card = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str, type: 'nps', external_id: 't-1' });
  const unanswered = data(t, await client.showFeedback(TOKENS, card.id));
  t.like(unanswered, { feedback_id: card.id, type: 'nps', to_user_id: '1234567890123456789', external_id: 't-1' });
  t.is(unanswered.score, undefined);

  await sim.answer(card.id, { score: 9, text: 'Quick and kind' });
  const shown = await client.showFeedback(TOKENS, card.id);
  const answered = data(t, shown);
  t.is(answered.score?.value, 9);
  t.is(answered.text?.value, 'Quick and kind');
  t.is(answered.from_user_id, BUSINESS.id_str);
  t.like(shown.rateLimit, { limit: 180, remaining: 178 });
  t.true(sim.requests.every((r) => r.verified && r.path === `/1.1/feedback/show/${card.id}.json`));
});

test("showFeedback of another business's card is a refusal, and a card that does not read is uncertain", async (t) => {
  const { sim, client } = await setup(t);
  const theirs = sim.addCard({ from_user_id: OTHER_BUSINESS.id_str, to_user_id: CUSTOMER.id_str });
  t.like(refusal(t, await client.showFeedback(TOKENS, theirs.id)), { status: 404, codes: [34] });

  const ours = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str });
  // An id written as a number has already lost digits.
  sim.failNext({ status: 200, rawBody: `{"id":${ours.id},"type":"csat","created_at":"${ours.created_at}"}` });
  const garbled = await client.showFeedback(TOKENS, ours.id);
  t.is(garbled.ok ? 'ok' : garbled.failure.kind, 'uncertain');
  t.throws(() => client.showFeedback(TOKENS, '../../account/settings'), { message: /Not a feedback id/ });
});

test('feedbackEvents pages a window until next_cursor is empty, each event checked', async (t) => {
  const { sim, client } = await setup(t);
  const at = Date.now() - 2 * DAY_MS;
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const card = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str }, at + i * 1000);
    ids.push(card.id);
    await sim.answer(card.id, { score: 5, at: at + i * 1000 + 500 });
  }
  // Outside the window, and another business's: neither is listed.
  sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str }, at - HOUR_MS);
  sim.addCard({ from_user_id: OTHER_BUSINESS.id_str, to_user_id: CUSTOMER.id_str }, at);
  sim.setEventPaging({ pageSize: 3, emptyPages: 1 });

  const pages: EventsPage[] = [data(t, await client.feedbackEvents(TOKENS, { from_time: at, to_time: at + 10_000, count: 100 }))];
  while (pages.at(-1)?.next_cursor) {
    pages.push(data(t, await client.feedbackEvents(TOKENS, { cursor: pages.at(-1)?.next_cursor ?? '' })));
  }
  t.is(pages[0].events.length, 0, 'an empty first page still has a cursor');
  const events: AnswerEvent[] = pages.flatMap((p) => p.events);
  t.is(events.length, 10);
  t.deepEqual([...new Set(events.map((e) => e.feedback_id))].sort(), ids.sort());
  t.is(events.filter((e) => e.event_type === 'feedback.updated' && e.score?.value === 5).length, 5);
  t.deepEqual(sim.requests[0].query, { from_time: String(at), to_time: String(at + 10_000), count: '100' });
  t.deepEqual(Object.keys(sim.requests[1].query), ['cursor']);
  t.true(sim.requests.every((r) => r.verified));
});

test('feedbackEvents keeps the events that read and names those that do not', async (t) => {
  const { sim, client } = await setup(t);
  const good = {
    event_type: 'feedback.created',
    created_at: 'SatDec1517:58:20+00002015',
    feedback: { id: '123456789012345678901', type: 'csat', created_at: 'SatDec1517:58:20+00002015' },
  };
  const bad = { event_type: 'feedback.updated', feedback: { id: 123, type: 'csat', created_at: 'SatDec1517:58:20+00002015' } };
  sim.failNext({ status: 200, rawBody: JSON.stringify({ events: [good, bad], next_cursor: '' }) });
  const page = data(t, await client.feedbackEvents(TOKENS, { cursor: 'abc' }));
  t.deepEqual(
    page.events.map((e) => e.feedback_id),
    ['123456789012345678901'],
  );
  t.deepEqual(page.refused, [{ field: 'feedback.id', problem: 'must be an id in a string' }]);
  t.is(page.next_cursor, undefined);
});

test('feedbackEvents refuses a window that ends less than 24 hours ago, and a cursor for another account', async (t) => {
  const { client } = await setup(t);
  const now = Date.now();
  t.like(refusal(t, await client.feedbackEvents(TOKENS, { from_time: now - DAY_MS, to_time: now, count: 100 })), {
    status: 400,
    codes: [44],
  });
  t.like(refusal(t, await client.feedbackEvents(TOKENS, { cursor: 'forged.cursor' })), { status: 400, codes: [44] });
});
