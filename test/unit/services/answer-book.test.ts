import test from 'ava';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import type { Answer, AnswerEvent } from '../../../app/domain/answers.js';
import {
  add,
  contribution,
  type Counters,
  type Day,
  daysBack,
  isZero,
  ONE_SENT,
  subtract,
  ZERO,
} from '../../../app/domain/results.js';
import { parseTwitterTime } from '../../../app/domain/twitter-time.js';
import { AnswerBook, LATEST_COMMENTS } from '../../../app/services/answer-book.js';
import { bucketsOf, readCounters } from '../../../app/services/day-counters.js';
import type { Prepared } from '../../../app/services/feedback-relay.js';
import { SendLog } from '../../../app/services/send-log.js';
import { claimLock } from '../../../app/store/lock.js';
import type { Store } from '../../../app/store/store.js';
import { eachBackend, openTestStore } from '../../support/stores.js';

const KEY = randomBytes(32);
const ACME = '1111111111';
const OTHER = '2222222222';
const TOKENS = { access_token: `${ACME}-token`, access_token_secret: 'secret' };
const SENT_AT = 'Mon Nov 23 09:00:00 +0000 2026';
const DAY = '2026-11-23';

function parts(store: Store) {
  const sends = new SendLog(store.records('sends'), store, () => new Date('2026-11-23T09:00:01.000Z'));
  const book = new AnswerBook({
    records: store.records('answers'),
    store,
    lock: claimLock(store),
    sends,
    accounts: {
      workspacesWith: (userId) => store.accounts.workspacesWith(userId),
      connected: async (teamId) => (await store.accounts.list({ teamId })).map((a) => a.user_id),
    },
  });
  return { sends, book };
}

async function connect(store: Store, teamId: string, userId: string): Promise<void> {
  await store.accounts.add({ teamId }, { user_id: userId, screen_name: `b${userId}`, name: 'Biz', tokens: TOKENS });
}

/** A card the app sent for `teamId` as Twitter's id `feedbackId`. */
async function sendThroughApp(sends: SendLog, teamId: string, feedbackId: string, test = false): Promise<void> {
  const prepared = {
    request: {
      type: 'csat',
      question_variant_id: 3,
      to_user_id: '9000001',
      message: 'Hi',
      privacy_url: 'https://x.example',
      external_id: 'T-42',
      test,
    },
    recipient: { id: '9000001', label: '@jack', handle: 'jack' },
  } as Prepared;
  const record = await sends.begin(teamId, 'U0AGENT001', ACME, prepared, { id: `r-${feedbackId}`, keys: [] });
  await sends.settle(record, {
    status: 'sent',
    feedback: { id: feedbackId, type: 'csat', test, dm_id: 'd', from_user_id: ACME, to_user_id: '9000001', created_at: SENT_AT },
  } as never);
}

function event(feedbackId: string, updatedAt: string, response: Pick<AnswerEvent, 'score' | 'text'>, from = ACME): AnswerEvent {
  return {
    event_type: 'feedback.updated',
    feedback_id: feedbackId,
    type: 'csat',
    test: false,
    created_at: SENT_AT,
    updated_at: updatedAt,
    from_user_id: from,
    to_user_id: '9000001',
    ...response,
  };
}

const SCORED = event('700', 'Mon Nov 23 10:00:00 +0000 2026', {
  score: { value: 2, created_at: 'Mon Nov 23 10:00:00 +0000 2026' },
});
const COMMENTED = event('700', 'Mon Nov 23 10:05:00 +0000 2026', {
  text: { value: 'slow', created_at: 'Mon Nov 23 10:05:00 +0000 2026' },
});
const RESCORED = event('700', 'Mon Nov 23 10:09:00 +0000 2026', {
  score: { value: 5, created_at: 'Mon Nov 23 10:09:00 +0000 2026' },
});

async function recomputed(store: Store, teamId: string, appSends: number): Promise<Counters> {
  let total = appSends === 0 ? ZERO : { ...ZERO, sent: appSends };
  for (const id of await store.members(`answers:${teamId}`)) {
    const answer = await store.records('answers').get<Answer>({ teamId }, id);
    if (answer) total = add(total, contribution(answer).counters);
  }
  return total;
}

eachBackend((backend, test) => {
  test('answer book: a card sent from Slack keeps one answer with the newest score and comment, joined to its send, whatever the order and repeats', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await connect(store, 'T0ACME0001', ACME);
    await connect(store, 'T0OTHER001', ACME);
    const { sends, book } = parts(store);
    await sendThroughApp(sends, 'T0ACME0001', '700');
    t.deepEqual((await book.counters('T0ACME0001', [DAY])).get(DAY), ONE_SENT);

    for (const e of [RESCORED, SCORED, COMMENTED, SCORED, RESCORED, COMMENTED]) await book.record(e);

    const answer = await book.answer('T0ACME0001', '700');
    t.like(answer, {
      feedback_id: '700',
      source: 'app',
      team: 'T0ACME0001',
      agent: 'U0AGENT001',
      customer_handle: 'jack',
      external_id: 'T-42',
      question_variant_id: '3',
      from_user_id: ACME,
      score: { value: 5 },
      text: { value: 'slow' },
    });
    t.deepEqual((await book.counters('T0ACME0001', [DAY])).get(DAY), {
      ...ONE_SENT,
      sent_answered: 1,
      csat_answered: 1,
      csat_satisfied: 1,
      csat_sum: 5,
      comments: 1,
    });
    t.is(
      await book.answer('T0OTHER001', '700'),
      undefined,
      'a card sent from one workspace is not another’s, even on the same account',
    );
    t.deepEqual((await book.counters('T0OTHER001', [DAY])).get(DAY), ZERO);
  });

  test('answer book: a card another tool sent belongs to every workspace that has its account connected, and is shown only while it is', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    await connect(store, 'T0ACME0001', ACME);
    await connect(store, 'T0ACME0002', ACME);
    await connect(store, 'T0OTHER001', OTHER);
    const { book } = parts(store);
    await book.record(SCORED);
    for (const teamId of ['T0ACME0001', 'T0ACME0002']) {
      t.like(await book.answer(teamId, '700'), { source: 'outside', score: { value: 2 } }, teamId);
      t.like((await book.counters(teamId, [DAY])).get(DAY), { sent: 0, sent_answered: 0, csat_answered: 1, csat_sum: 2 });
    }
    t.is(await book.answer('T0OTHER001', '700'), undefined);
    t.deepEqual((await book.counters('T0OTHER001', [DAY])).get(DAY), ZERO);

    await store.accounts.remove({ teamId: 'T0ACME0002' }, ACME);
    await book.record(RESCORED);
    t.like(await book.answer('T0ACME0001', '700'), { score: { value: 5 } });
    t.is(await book.answer('T0ACME0002', '700'), undefined, 'no longer shown once the account is disconnected');
    const listed = [];
    for await (const answer of book.answers('T0ACME0002')) listed.push(answer);
    t.deepEqual(listed, []);
    t.like(
      await store.records('answers').get<Answer>({ teamId: 'T0ACME0002' }, '700'),
      { score: { value: 2 } },
      'and no longer changed',
    );
  });

  test('answer book: pushes for one card arriving at once through two instances count once', async (t) => {
    const url = await backend.shared();
    const stores = await Promise.all([0, 1].map(() => openTestStore({ storeUrl: url, encryptionKey: KEY })));
    await connect(stores[0], 'T0ACME0001', ACME);
    const books = stores.map((store) => parts(store).book);
    const events = Array.from({ length: 30 }, (_, i) =>
      event('800', new Date(Date.UTC(2026, 10, 23, 10, i)).toISOString(), {
        score: { value: 1 + (i % 5), created_at: new Date(Date.UTC(2026, 10, 23, 10, i)).toISOString() },
      }),
    );
    await Promise.all(events.map((e, i) => books[i % 2].record(e)));
    t.like(await books[0].answer('T0ACME0001', '800'), { score: { value: 5 } });
    t.deepEqual((await books[1].counters('T0ACME0001', [DAY])).get(DAY), await recomputed(stores[0], 'T0ACME0001', 0));
    t.like((await books[1].counters('T0ACME0001', [DAY])).get(DAY), { csat_answered: 1, csat_sum: 5 });
  });
});

type Totals = { total: Counters; agent: Map<string, Counters>; question: Map<string, Counters> };

/** For comparing: maps in the order of their keys. */
function sorted({ total, agent, question }: Totals) {
  const each = (map: Map<string, Counters>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { total, agent: each(agent), question: each(question) };
}

function addInto(map: Map<string, Counters>, id: string, counters: Counters): void {
  map.set(id, add(map.get(id) ?? ZERO, counters));
}

/**
 * What the counters read now, across both days and every breakdown: the breakdowns read day by day, or over three
 * weeks around them (whole blocks of seven days and days at either end), which must come to the same.
 */
async function stored(store: Store, teamId: string, sliceDays: Day[]): Promise<Totals> {
  const days = ['2026-11-23', '2026-11-24'];
  const { byDay, slices } = await readCounters(store, teamId, days, sliceDays);
  return { total: days.reduce((sum, d) => add(sum, byDay.get(d) ?? ZERO), ZERO), ...slices };
}

const BOTH_DAYS = ['2026-11-23', '2026-11-24'];
const AROUND = daysBack('2026-12-03', 20);

function minus(a: Totals, b: Totals): Totals {
  const each = (x: Map<string, Counters>, y: Map<string, Counters>) =>
    new Map(
      [...new Set([...x.keys(), ...y.keys()])]
        .map((id): [string, Counters] => [id, subtract(x.get(id) ?? ZERO, y.get(id) ?? ZERO)])
        .filter(([, c]) => !isZero(c)),
    );
  return { total: subtract(a.total, b.total), agent: each(a.agent, b.agent), question: each(a.question, b.question) };
}

/** The answers' own place in each breakdown, worked out here again from the answer alone. */
function recount(answers: Answer[], sent: number): Totals {
  const totals: Totals = { total: ZERO, agent: new Map(), question: new Map() };
  for (let i = 0; i < sent; i++) {
    totals.total = add(totals.total, ONE_SENT);
    addInto(totals.agent, 'U0AGENT001', ONE_SENT);
    addInto(totals.question, 'csat:3', ONE_SENT);
  }
  for (const answer of answers) {
    const { counters } = contribution(answer);
    totals.total = add(totals.total, counters);
    if (answer.agent) addInto(totals.agent, answer.agent, counters);
    addInto(totals.question, `${answer.type}:${answer.question_variant_id ?? ''}`, counters);
  }
  for (const map of [totals.agent, totals.question]) for (const [id, c] of map) if (isZero(c)) map.delete(id);
  return totals;
}

/** The newest commented answers, worked out from every stored answer: what the index must hold. */
function newestComments(answers: Iterable<Answer>): string[] {
  const commented = [...answers].filter((answer) => answer.text?.value.trim() && !answer.test);
  const at = (a: Answer) => parseTwitterTime(a.text!.created_at)!;
  return commented
    .sort((a, b) => at(b) - at(a) || (a.feedback_id < b.feedback_id ? 1 : -1))
    .slice(0, LATEST_COMMENTS)
    .map((a) => a.feedback_id);
}

eachBackend((backend, test) => {
  test('answer book: for any events, repeated, reordered or changed, the counters, their breakdowns by agent and question, and the newest comments equal those recomputed from the stored answers', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    const { sends, book } = parts(store);
    await connect(store, 'T0ACME0001', ACME);
    await connect(store, 'T0ACME0002', ACME);
    let run = 0;
    // Every stored answer of every run, by workspace: each run's cards are its own, so earlier ones stay as they were.
    const everyAnswer = new Map<string, Map<string, Answer>>();
    const cards = ['1', '2', '3'];
    const days = ['Mon Nov 23 09:00:00 +0000 2026', 'Tue Nov 24 23:59:59 +0000 2026'];
    const anEvent = fc.record({
      card: fc.constantFrom(...cards),
      sentOn: fc.constantFrom(...days),
      minute: fc.integer({ min: 0, max: 5 }),
      score: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      text: fc.option(fc.constantFrom('', '  ', 'fine', 'bad'), { nil: undefined }),
      // Twitter naming the question moves the answer from the one the send record gave to the one it names.
      question: fc.option(fc.constantFrom('3', '5'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(anEvent, { maxLength: 25 }), fc.boolean(), fc.boolean(), async (raw, atOnce, erase) => {
        // Cards of their own in each run: the store is shared by all runs.
        const prefix = `${++run}0`;
        const teams = ['T0ACME0001', 'T0ACME0002'];
        const before = await Promise.all(teams.map((team) => stored(store, team, BOTH_DAYS)));
        await sendThroughApp(sends, 'T0ACME0001', `${prefix}1`);
        await sendThroughApp(sends, 'T0ACME0001', `${prefix}3`, true);
        const events = raw.map(({ card, sentOn, minute, score, text, question }): AnswerEvent => {
          const at = `Wed Nov 25 10:0${minute}:00 +0000 2026`;
          const nps = card === '2';
          return {
            ...event(`${prefix}${card}`, at, {
              ...(score !== undefined ? { score: { value: nps ? score : 1 + (score % 5), created_at: at } } : {}),
              ...(text !== undefined ? { text: { value: text, created_at: at } } : {}),
            }),
            type: nps ? 'nps' : 'csat',
            test: card === '3',
            created_at: sentOn,
            ...(question ? { question_variant_id: question } : {}),
          };
        });
        if (atOnce) await Promise.all(events.map((e) => book.record(e)));
        else for (const e of events) await book.record(e);
        for (const [i, teamId] of teams.entries()) {
          const answers: Answer[] = [];
          for (const card of cards) {
            const answer = await store.records('answers').get<Answer>({ teamId }, `${prefix}${card}`);
            if (answer) answers.push(answer);
          }
          const all = everyAnswer.get(teamId) ?? new Map<string, Answer>();
          for (const answer of answers) all.set(answer.feedback_id, answer);
          everyAnswer.set(teamId, all);
          const now = await stored(store, teamId, BOTH_DAYS);
          const gained = minus(now, before[i]);
          t.deepEqual(sorted(gained), sorted(recount(answers, teamId === 'T0ACME0001' ? 1 : 0)), teamId);
          t.deepEqual(sorted(await stored(store, teamId, AROUND)), sorted(now), `${teamId}: read by weeks`);
          t.deepEqual(
            (await book.latestComments(teamId)).map((a) => a.feedback_id),
            newestComments(all.values()),
            `${teamId}: newest comments`,
          );
          if (!erase) continue;
          // Deleting (retention, a forgotten customer) takes back all an answer added, breakdowns and comments too.
          for (const answer of answers) {
            await book.erase(teamId, answer.feedback_id);
            all.delete(answer.feedback_id);
          }
          const left = minus(await stored(store, teamId, BOTH_DAYS), before[i]);
          t.deepEqual(sorted(left), sorted(recount([], teamId === 'T0ACME0001' ? 1 : 0)), `${teamId}: erased`);
          t.deepEqual(
            (await book.latestComments(teamId)).map((a) => a.feedback_id),
            newestComments(all.values()),
            `${teamId}: newest comments once erased`,
          );
        }
      }),
      { numRuns: 40 },
    );
  });
});

eachBackend((backend, test) => {
  test('answers are read for every workspace with an account connected, and no longer once its last one goes', async (t) => {
    const store = await openTestStore({ storeUrl: await backend.single(), encryptionKey: KEY });
    t.deepEqual(await store.accounts.workspaces(), []);
    await connect(store, 'T0ACME0001', ACME);
    await connect(store, 'T0ACME0001', OTHER);
    await connect(store, 'T0OTHER001', OTHER);
    t.deepEqual((await store.accounts.workspaces()).sort(), ['T0ACME0001', 'T0OTHER001']);
    await store.accounts.remove({ teamId: 'T0ACME0001' }, ACME);
    t.deepEqual((await store.accounts.workspaces()).sort(), ['T0ACME0001', 'T0OTHER001'], 'one account is left there');
    await store.accounts.remove({ teamId: 'T0ACME0001' }, OTHER);
    t.deepEqual(await store.accounts.workspaces(), ['T0OTHER001']);
  });
});

/** A card the app sent for an agent, as Twitter's id `feedbackId`. */
async function sendAs(
  sends: SendLog,
  card: { id: string; agent: string; type: 'csat' | 'nps'; question: number; test?: boolean },
): Promise<void> {
  const test = card.test ?? false;
  const prepared = {
    request: {
      type: card.type,
      question_variant_id: card.question,
      to_user_id: '9000001',
      message: 'Hi',
      privacy_url: 'https://x.example',
      external_id: `T-${card.id}`,
      test,
    },
    recipient: { id: '9000001', label: '@jack', handle: 'jack' },
  } as Prepared;
  const record = await sends.begin('T0ACME0001', card.agent, ACME, prepared, { id: `r-${card.id}`, keys: [] });
  await sends.settle(record, {
    status: 'sent',
    feedback: { id: card.id, type: card.type, test, dm_id: 'd', from_user_id: ACME, to_user_id: '9000001', created_at: SENT_AT },
  } as never);
}

function answered(card: { id: string; type: 'csat' | 'nps'; test?: boolean }, score: number, minute: number, text?: string) {
  const at = `Mon Nov 23 11:${String(minute).padStart(2, '0')}:00 +0000 2026`;
  return {
    ...event(card.id, at, {
      score: { value: score, created_at: at },
      ...(text ? { text: { value: text, created_at: at } } : {}),
    }),
    type: card.type,
    test: card.test ?? false,
  };
}

test('Results of a worked example: the figures, each agent’s and each question’s, and the comments, newest first', async (t) => {
  const store = await openTestStore({ storeUrl: 'sqlite://:memory:', encryptionKey: KEY });
  await connect(store, 'T0ACME0001', ACME);
  const { sends, book } = parts(store);
  const [ann, bob] = ['U0ANN00001', 'U0BOB00001'];
  const c1 = { id: '901', agent: ann, type: 'csat', question: 3 } as const;
  const c2 = { id: '902', agent: ann, type: 'csat', question: 3 } as const;
  const c3 = { id: '903', agent: ann, type: 'csat', question: 3 } as const;
  const c4 = { id: '904', agent: bob, type: 'nps', question: 1 } as const;
  const c5 = { id: '905', agent: bob, type: 'nps', question: 1 } as const;
  const c6 = { id: '906', agent: bob, type: 'csat', question: 3 } as const;
  const c7 = { id: '907', agent: bob, type: 'nps', question: 1, test: true } as const;
  for (const card of [c1, c2, c3, c4, c5, c6, c7]) await sendAs(sends, card);
  // c3 is never answered; c8 was sent by another tool and names no question.
  for (const e of [
    answered(c1, 5, 1, 'Great'),
    answered(c2, 2, 2, 'slow'),
    answered(c4, 10, 3),
    answered(c5, 6, 4, 'meh'),
    answered(c6, 4, 5),
    answered(c7, 9, 6, 'test run'),
    answered({ id: '908', type: 'nps' }, 8, 7),
  ])
    await book.record(e);

  const { report, comments } = await book.results('T0ACME0001', 7, '2026-11-25');
  // Sent 6 (c7 is a test); answered 5 of them. CSAT 5, 2, 4: two of three satisfied, mean 11/3.
  // NPS 10, 6 and the outside card's 8: one promoter, one passive, one detractor, so 0.
  t.deepEqual(report.total, {
    sent: 6,
    sent_answered: 5,
    response_rate: 5 / 6,
    csat: { answered: 3, satisfied_share: 2 / 3, mean: 11 / 3 },
    nps: { answered: 3, score: 0, promoters_share: 1 / 3, passives_share: 1 / 3, detractors_share: 1 / 3 },
    comments: 3,
    test_answered: 1,
  });
  t.deepEqual(
    report.agents.map(({ id, figures: f }) => [
      id,
      f.sent,
      f.sent_answered,
      f.response_rate,
      f.csat,
      f.nps.score,
      f.nps.answered,
    ]),
    [
      // As many sent each: the one with more answers first.
      [bob, 3, 3, 1, { answered: 1, satisfied_share: 1, mean: 4 }, 0, 2],
      [ann, 3, 2, 2 / 3, { answered: 2, satisfied_share: 1 / 2, mean: 7 / 2 }, undefined, 0],
    ],
  );
  t.deepEqual(
    report.questions.map(({ id, figures: f }) => [id, f.sent, f.sent_answered, f.csat.answered, f.nps.answered, f.nps.score]),
    [
      ['csat:3', 4, 3, 3, 0, undefined],
      ['nps:1', 2, 2, 0, 2, 0],
      ['nps:', 0, 0, 0, 1, 0],
    ],
  );
  t.deepEqual(
    report.trend.at(-1),
    { from: '2026-11-19', figures: report.total },
    'the last week of the trend ends on the last day',
  );
  t.deepEqual(
    comments.map((a) => [a.feedback_id, a.score?.value, a.external_id, a.agent]),
    [
      ['905', 6, 'T-905', bob],
      ['902', 2, 'T-902', ann],
      ['901', 5, 'T-901', ann],
    ],
  );
});

test('a window is read as its whole weeks and the days at either end, each day once', (t) => {
  // Blocks of seven days count from 1970-01-01, a Thursday: 2026-11-19, day 20,776, starts block 2,968.
  t.deepEqual(bucketsOf(daysBack('2026-11-25', 7)), ['w2968']);
  t.deepEqual(bucketsOf(daysBack('2026-11-24', 7)).sort(), [
    '2026-11-18',
    '2026-11-19',
    '2026-11-20',
    '2026-11-21',
    '2026-11-22',
    '2026-11-23',
    '2026-11-24',
  ]);
  t.deepEqual(bucketsOf(daysBack('2026-11-25', 10)).sort(), ['2026-11-16', '2026-11-17', '2026-11-18', 'w2968']);
  t.deepEqual(bucketsOf(daysBack('2026-12-02', 21)).sort(), ['w2967', 'w2968', 'w2969']);
  t.is(bucketsOf(daysBack('2026-11-25', 90)).length, 12 + 6);
});
