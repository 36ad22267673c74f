import test, { type ExecutionContext } from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizationHeader } from '../../app/twitter/oauth.js';
import { TwitterClient } from '../../app/twitter/client.js';
import { TwitterSimulator, type FeedbackEvent, type FeedbackObject } from './twitter.js';
import { BUSINESS, CONSUMER, TOKENS } from '../support/twitter-client.js';

const CUSTOMER = { id_str: '3434343434343', screen_name: 'customer', name: 'A Customer' };
const OTHER = { id_str: '5656565656565', screen_name: 'OtherBusiness', name: 'Other Business' };
const OTHER_TOKEN = { token: '5656565656565-other-token', secret: 'other-token-secret' };
const DAY = 24 * 60 * 60 * 1000;

async function simulator(t: ExecutionContext): Promise<TwitterSimulator> {
  const sim = await TwitterSimulator.start({
    consumers: { [CONSUMER.key]: CONSUMER.secret },
    tokens: {
      [TOKENS.access_token]: { secret: TOKENS.access_token_secret, user: BUSINESS.id_str },
      [OTHER_TOKEN.token]: { secret: OTHER_TOKEN.secret, user: OTHER.id_str },
    },
    users: [BUSINESS, CUSTOMER, OTHER],
  });
  t.teardown(() => sim.close());
  return sim;
}

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** A signed GET, as the business (or another account) would make it. */
async function get<T = Record<string, unknown>>(
  sim: TwitterSimulator,
  path: string,
  query: Record<string, string | number> = {},
  as: { token: string; secret: string } = { token: TOKENS.access_token, secret: TOKENS.access_token_secret },
  /** Epoch seconds the request is signed at; this machine's clock by default. */
  timestamp?: number,
): Promise<Answer<T>> {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  const url = `${sim.url}${path}${search ? `?${search}` : ''}`;
  const authorization = authorizationHeader({
    consumerKey: CONSUMER.key,
    consumerSecret: CONSUMER.secret,
    token: as.token,
    tokenSecret: as.secret,
    method: 'GET',
    url,
    timestamp,
  });
  const response = await fetch(url, { headers: { authorization } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

type EventsPage = { events: FeedbackEvent[]; next_cursor?: string; errors?: Array<{ code: number; message: string }> };

/** Every page of a window, following next_cursor. */
async function allEvents(
  sim: TwitterSimulator,
  from: number,
  to: number,
  count: number,
): Promise<{ events: FeedbackEvent[]; pages: number[] }> {
  let page = await get<EventsPage>(sim, '/1.1/feedback/events.json', { from_time: from, to_time: to, count });
  const events = [...page.body.events];
  const pages = [page.body.events.length];
  while (page.body.next_cursor) {
    page = await get<EventsPage>(sim, '/1.1/feedback/events.json', { cursor: page.body.next_cursor });
    events.push(...page.body.events);
    pages.push(page.body.events.length);
  }
  return { events, pages };
}

test('feedback/show answers a card with its score and comment, each dated, the latest of each counting', async (t) => {
  const sim = await simulator(t);
  const card = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str, type: 'nps' });
  const unanswered = await get<FeedbackObject>(sim, `/1.1/feedback/show/${card.id}.json`);
  t.is(unanswered.status, 200);
  t.is(unanswered.body.response, undefined);
  t.is(unanswered.headers.get('x-rate-limit-limit'), '180');

  await sim.answer(card.id, { score: 6, at: Date.UTC(2026, 0, 5, 10) });
  await sim.answer(card.id, { score: 9, at: Date.UTC(2026, 0, 5, 11) });
  await sim.answer(card.id, { text: 'Quick and kind', at: Date.UTC(2026, 0, 5, 12) });
  const answered = await get<FeedbackObject>(sim, `/1.1/feedback/show/${card.id}.json`);
  t.deepEqual(answered.body.response, {
    score: { created_at: 'Mon Jan 05 11:00:00 +0000 2026', value: 9 },
    text: { created_at: 'Mon Jan 05 12:00:00 +0000 2026', value: 'Quick and kind' },
  });
  t.is(answered.body.updated_at, 'Mon Jan 05 12:00:00 +0000 2026');
  t.is(answered.headers.get('x-rate-limit-remaining'), '178');
});

test('feedback/show keeps one business’s card from another, and refuses a badly signed request', async (t) => {
  const sim = await simulator(t);
  const card = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str });
  const foreign = await get(sim, `/1.1/feedback/show/${card.id}.json`, {}, OTHER_TOKEN);
  t.is(foreign.status, 404);
  t.deepEqual(foreign.body, { errors: [{ code: 34, message: 'Sorry, that page does not exist.' }] });
  const forged = await get(
    sim,
    `/1.1/feedback/show/${card.id}.json`,
    {},
    { token: TOKENS.access_token, secret: 'not-the-secret' },
  );
  t.is(forged.status, 401);
  t.deepEqual(forged.body, { errors: [{ code: 32, message: 'Could not authenticate you.' }] });
});

test('feedback/show allows 180 calls per 15 minutes, then answers 429 with code 88', async (t) => {
  const sim = await simulator(t);
  const card = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str });
  for (let i = 0; i < 180; i++) t.is((await get(sim, `/1.1/feedback/show/${card.id}.json`)).status, 200);
  const limited = await get(sim, `/1.1/feedback/show/${card.id}.json`);
  t.is(limited.status, 429);
  t.deepEqual(limited.body, { errors: [{ code: 88, message: 'Rate limit exceeded' }] });
  t.is(limited.headers.get('x-rate-limit-remaining'), '0');
  t.is((await get(sim, `/1.1/feedback/show/${card.id}.json`, {}, OTHER_TOKEN)).status, 404, 'another account has its own window');
});

test('events.json lists a window’s creations and updates, test cards included, over pages that may come short or empty', async (t) => {
  const sim = await simulator(t);
  const start = Date.now() - 3 * DAY;
  const cards = Array.from({ length: 5 }, (_, i) =>
    sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str, test: i === 0 }, start + i * 1000),
  );
  for (const [i, card] of cards.entries()) await sim.answer(card.id, { score: i, at: start + 10_000 + i });
  await sim.answer(cards[1].id, { text: 'Thanks', at: start + 20_000 });
  sim.addCard({ from_user_id: OTHER.id_str, to_user_id: CUSTOMER.id_str }, start + 500);
  sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str }, start + DAY);

  sim.setEventPaging({ pageSize: 2, emptyPages: 1 });
  const { events, pages } = await allEvents(sim, start, start + 20_000, 3);
  t.is(events.length, 11, '5 created, 6 updated, in the window and the business’s own');
  t.deepEqual(pages, [0, 2, 2, 2, 2, 2, 1]);
  t.is(events.filter((e) => e.event_type === 'feedback.created').length, 5);
  t.true(events.some((e) => e.feedback.test));
  const updates = events.filter((e) => e.feedback.id === cards[1].id && e.event_type === 'feedback.updated');
  const responses = updates.map((e) => e.feedback.response!).sort((a, b) => Object.keys(a).length - Object.keys(b).length);
  t.like(
    responses,
    [{ score: { value: 1 } }, { score: { value: 1 }, text: { value: 'Thanks' } }],
    'each event carries the card as it stood then',
  );
  t.is(responses[0].text, undefined);

  sim.setEventPaging({});
  const inclusive = await allEvents(sim, start + 1000, start + 1000, 100);
  t.deepEqual(
    inclusive.events.map((e) => e.feedback.id),
    [cards[1].id],
    'both ends of the window are inclusive',
  );
  t.is((await allEvents(sim, start - DAY, start - 1, 100)).events.length, 0);
});

test('events.json refuses a window ending within the last 24 hours, a missing or bad parameter, and a forged or foreign cursor', async (t) => {
  const sim = await simulator(t);
  const start = Date.now() - 3 * DAY;
  for (let i = 0; i < 3; i++) sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str }, start + i);
  const events = (query: Record<string, string | number>, as?: { token: string; secret: string }) =>
    get<EventsPage>(sim, '/1.1/feedback/events.json', query, as);
  const invalid = (name: string) => ({ errors: [{ code: 44, message: `${name} parameter is invalid.` }] });

  const recent = await events({ from_time: start, to_time: Date.now() - DAY + 60_000, count: 10 });
  t.is(recent.status, 400);
  t.deepEqual(recent.body, invalid('to_time'));
  t.deepEqual((await events({ from_time: start, count: 10 })).body, {
    errors: [{ code: 38, message: 'to_time parameter is missing.' }],
  });
  t.deepEqual((await events({ from_time: start, to_time: start + 10, count: 101 })).body, invalid('count'));
  t.deepEqual((await events({ from_time: start + 10, to_time: start, count: 10 })).body, invalid('to_time'));
  t.is((await events({ from_time: start, to_time: start + 10, count: 100 })).status, 200);

  const first = await events({ from_time: start, to_time: start + 10, count: 1 });
  const cursor = first.body.next_cursor!;
  t.truthy(cursor);
  t.deepEqual((await events({ cursor: `${cursor.split('.')[0]}.forged` })).body, invalid('cursor'));
  const [payload, mac] = cursor.split('.');
  const widened = Buffer.from(JSON.stringify([start - DAY, start + 10, 1, 1, BUSINESS.id_str])).toString('base64url');
  t.deepEqual((await events({ cursor: `${widened}.${mac}` })).body, invalid('cursor'), 'a cursor is bound to its window');
  t.deepEqual((await events({ cursor }, OTHER_TOKEN)).body, invalid('cursor'), 'and to its account');
  t.deepEqual((await events({ cursor, from_time: start })).body, invalid('from_time'), 'later pages pass the cursor alone');
  t.is((await events({ cursor: `${payload}.${mac}` })).body.events.length, 1);
  t.is(first.headers.get('x-rate-limit-limit'), '1000');
});

test('answers are pushed with basic auth; pushes can be dropped, duplicated or held and sent newest first', async (t) => {
  const sim = await simulator(t);
  const received: Array<{ authorization?: string; event: FeedbackEvent }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ authorization: req.headers.authorization, event: JSON.parse(body) as FeedbackEvent });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const password = 'a-secret-of-at-least-20-characters';
  sim.pushTo(`http://127.0.0.1:${(server.address() as AddressInfo).port}/twitter/feedback`, 'twitter', password);
  const card = sim.addCard({ from_user_id: BUSINESS.id_str, to_user_id: CUSTOMER.id_str });

  await sim.answer(card.id, { score: 4 });
  t.is(received.length, 1);
  t.is(received[0].authorization, `Basic ${Buffer.from(`twitter:${password}`).toString('base64')}`);
  t.like(received[0].event, { event_type: 'feedback.updated', feedback: { id: card.id, response: { score: { value: 4 } } } });

  sim.setPushFaults({ drop: 1 });
  await sim.answer(card.id, { score: 5 });
  t.is(received.length, 1, 'dropped');
  t.true(sim.pushes.at(-1)!.dropped);

  sim.setPushFaults({ duplicate: 1 });
  await sim.answer(card.id, { text: 'Great' });
  t.is(received.length, 3, 'sent twice');
  t.deepEqual(received[1].event, received[2].event);

  sim.setPushFaults({ hold: true });
  await sim.answer(card.id, { score: 3 });
  await sim.answer(card.id, { score: 2 });
  t.is(received.length, 3, 'held');
  await sim.releasePushes();
  t.deepEqual(
    received.slice(3).map((r) => r.event.feedback.response!.score!.value),
    [2, 3],
    'the newer arrives first',
  );

  t.is(await sim.push({ event_type: 'feedback.updated' }), 200, 'any body can be pushed');
  t.deepEqual(sim.feedback, [], 'cards sent outside the app are not among the app’s own');
});

test('a card created through feedback/create is remembered: it can be answered, shown and listed', async (t) => {
  const sim = await simulator(t);
  const client = new TwitterClient({ apiUrl: sim.url, consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret });
  const created = await client.createFeedback(TOKENS, {
    type: 'csat',
    to_user_id: CUSTOMER.id_str,
    message: 'How did we do?',
    privacy_url: 'https://example.com/privacy',
  });
  t.true(created.ok);
  const [card] = sim.feedback;
  await sim.answer(card.id, { score: 5, text: 'Très bien 👍' });
  const shown = await get<FeedbackObject>(sim, `/1.1/feedback/show/${card.id}.json`);
  t.like(shown.body, { id: card.id, type: 'csat', response: { score: { value: 5 }, text: { value: 'Très bien 👍' } } });
  // Its events are listed once their window is 24 hours old: the simulator's clock moves on two days.
  sim.setClockSkew(2 * 24 * 60 * 60);
  const later = Math.floor((Date.now() + 2 * DAY) / 1000);
  const window = { from_time: Date.now() - 60_000, to_time: Date.now() + 60_000, count: 10 };
  const listed = await get<EventsPage>(sim, '/1.1/feedback/events.json', window, undefined, later);
  t.deepEqual(listed.body.events.map((e) => `${e.event_type} ${e.feedback.id}`).sort(), [
    `feedback.created ${card.id}`,
    `feedback.updated ${card.id}`,
  ]);
  t.is(
    (await get(sim, '/1.1/feedback/events.json', window)).status,
    401,
    'a request signed two days behind Twitter’s clock is refused',
  );
});
