import test from 'ava';
import fc from 'fast-check';
import { type Answer, type AnswerEvent, merge, withSendFacts } from '../../../app/domain/answers.js';
import {
  add,
  type Counters,
  contribution,
  type Day,
  delta,
  figures,
  isZero,
  ONE_SENT,
  questionKey,
  sliceDelta,
  subtract,
  WINDOWS,
  weeklyTrend,
  windowTotal,
  ZERO,
} from '../../../app/domain/results.js';

const SENT = '2026-03-02T09:00:00Z';

let cardsMade = 0;

function answer(type: 'csat' | 'nps', score: number | undefined, extra: Partial<Answer> = {}): Answer {
  return {
    feedback_id: String(++cardsMade),
    type,
    test: false,
    created_at: SENT,
    updated_at: '2026-03-02T10:00:00Z',
    source: 'app',
    ...(score === undefined
      ? {}
      : { score: { value: score, created_at: '2026-03-02T10:00:00Z', updated_at: '2026-03-02T10:00:00Z' } }),
    ...extra,
  };
}

const comment = (value: string) => ({ text: { value, created_at: '2026-03-02T10:00:00Z', updated_at: '2026-03-02T10:00:00Z' } });

const example: Answer[] = [
  answer('csat', 5, comment('Great')),
  answer('csat', 4),
  answer('csat', 2, comment('slow')),
  answer('csat', 1, { source: 'outside' }),
  answer('nps', 10),
  answer('nps', 9, comment('Thanks')),
  answer('nps', 8),
  answer('nps', 3, comment('   ')),
  answer('nps', undefined, comment('hi')),
  answer('csat', 5, { test: true, ...comment('test run') }),
];

function total(answers: Answer[], sent: number): Counters {
  let counters = ZERO;
  for (let i = 0; i < sent; i++) counters = add(counters, ONE_SENT);
  for (const a of answers) counters = add(counters, contribution(a).counters);
  return counters;
}

test('the counters and figures of a worked example', (t) => {
  const counters = total(example, 10);
  t.deepEqual(counters, {
    sent: 10,
    sent_answered: 7,
    csat_answered: 4,
    csat_satisfied: 2,
    csat_sum: 12,
    nps_answered: 4,
    nps_promoters: 2,
    nps_passives: 1,
    nps_detractors: 1,
    nps_sum: 30,
    comments: 4,
    test_answered: 1,
  });
  t.deepEqual(figures(counters), {
    sent: 10,
    sent_answered: 7,
    response_rate: 0.7,
    csat: { answered: 4, satisfied_share: 0.5, mean: 3 },
    nps: { answered: 4, score: 25, promoters_share: 0.5, passives_share: 0.25, detractors_share: 0.25 },
    comments: 4,
    test_answered: 1,
  });
});

test('with nothing counted, no share or mean is made up', (t) => {
  t.deepEqual(figures(ZERO), {
    sent: 0,
    sent_answered: 0,
    response_rate: undefined,
    csat: { answered: 0, satisfied_share: undefined, mean: undefined },
    nps: { answered: 0, score: undefined, promoters_share: undefined, passives_share: undefined, detractors_share: undefined },
    comments: 0,
    test_answered: 0,
  });
});

const scoreBands: [string, 'csat' | 'nps', number, Partial<Counters>][] = [
  ['CSAT 3 is not satisfied', 'csat', 3, { csat_answered: 1, csat_sum: 3, sent_answered: 1 }],
  ['CSAT 4 is satisfied', 'csat', 4, { csat_answered: 1, csat_satisfied: 1, csat_sum: 4, sent_answered: 1 }],
  ['NPS 0 is a detractor', 'nps', 0, { nps_answered: 1, nps_detractors: 1, sent_answered: 1 }],
  ['NPS 6 is a detractor', 'nps', 6, { nps_answered: 1, nps_detractors: 1, nps_sum: 6, sent_answered: 1 }],
  ['NPS 7 is a passive', 'nps', 7, { nps_answered: 1, nps_passives: 1, nps_sum: 7, sent_answered: 1 }],
  ['NPS 8 is a passive', 'nps', 8, { nps_answered: 1, nps_passives: 1, nps_sum: 8, sent_answered: 1 }],
  ['NPS 9 is a promoter', 'nps', 9, { nps_answered: 1, nps_promoters: 1, nps_sum: 9, sent_answered: 1 }],
];

test('each score lands in its band', (t) => {
  for (const [what, type, score, counters] of scoreBands)
    t.deepEqual(contribution(answer(type, score)), { day: '2026-03-02', counters: { ...ZERO, ...counters } }, what);
});

test('a changed score moves from one band to the other, on the day the card was sent', (t) => {
  const before = answer('nps', 6);
  const after = { ...before, score: { value: 9, created_at: '2026-03-05T08:00:00Z', updated_at: '2026-03-05T08:00:00Z' } };
  t.deepEqual(delta(before, after), [
    { day: '2026-03-02', counters: { ...ZERO, nps_detractors: -1, nps_promoters: 1, nps_sum: 3 } },
  ]);
  t.deepEqual(delta(after, after), []);
});

const byDay = new Map<Day, Counters>([
  ['2026-03-31', { ...ZERO, sent: 1 }],
  ['2026-03-25', { ...ZERO, sent: 2 }],
  ['2026-03-24', { ...ZERO, sent: 4 }],
  ['2026-03-02', { ...ZERO, sent: 8 }],
  ['2026-03-01', { ...ZERO, sent: 16 }],
  ['2026-01-01', { ...ZERO, sent: 32 }],
  ['2025-12-31', { ...ZERO, sent: 64 }],
  ['2026-04-01', { ...ZERO, sent: 128 }],
]);

test('the 7, 30 and 90 day windows end on the day asked for and include it', (t) => {
  t.deepEqual(
    WINDOWS.map((days) => windowTotal(byDay, '2026-03-31', days).sent),
    [3, 15, 63],
  );
});

test('weekly trend buckets are seven days each, oldest first, the last ending on the day asked for', (t) => {
  t.deepEqual(
    weeklyTrend(byDay, '2026-03-31', 3).map(({ from, counters }) => [from, counters.sent]),
    [
      ['2026-03-11', 0],
      ['2026-03-18', 4],
      ['2026-03-25', 3],
    ],
  );
});

const cards = ['1', '2', '3'].map((id, i) => ({ id, type: i === 1 ? ('csat' as const) : ('nps' as const), test: i === 2 }));
const stamps = ['2026-03-01T10:00:00Z', '2026-03-01T23:59:59Z', 'SunMar0200:00:01+00002026', '1772445600'];

const anEvent = fc
  .record({
    card: fc.constantFrom(...cards),
    sent: fc.constantFrom(...stamps),
    updated: fc.constantFrom(...stamps),
    score: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    text: fc.option(fc.constantFrom('', 'ok', 'slow'), { nil: undefined }),
    question: fc.option(fc.constantFrom('0', '4'), { nil: undefined }),
  })
  .map(
    ({ card, sent, updated, score, text, question }): AnswerEvent => ({
      event_type: 'feedback.updated',
      feedback_id: card.id,
      type: card.type,
      test: card.test,
      created_at: sent,
      updated_at: updated,
      ...(score === undefined ? {} : { score: { value: card.type === 'csat' ? 1 + (score % 5) : score, created_at: updated } }),
      ...(text === undefined ? {} : { text: { value: text, created_at: updated } }),
      ...(question === undefined ? {} : { question_variant_id: question }),
    }),
  );

function addTo(days: Map<Day, Counters>, day: Day, counters: Counters): void {
  days.set(day, add(days.get(day) ?? ZERO, counters));
}

test('the deltas applied as events are merged sum to the counters of the final answers, and to each agent’s and question’s, whatever the events', (t) => {
  fc.assert(
    fc.property(fc.array(anEvent, { maxLength: 30 }), (events) => {
      const stored = new Map<string, Answer>();
      const kept = new Map<Day, Counters>();
      for (const event of events) {
        const before = stored.get(event.feedback_id);
        // Card 1 was sent from the app, by an agent.
        const merged = merge(before, event);
        const after = event.feedback_id === '1' ? withSendFacts(merged, { source: 'app', agent: 'U1' }) : merged;
        stored.set(event.feedback_id, after);
        for (const change of delta(before, after)) addTo(kept, change.day, change.counters);
        for (const change of sliceDelta(before, after)) addTo(kept, `${change.day}/${change.by}/${change.id}`, change.counters);
      }
      const recomputed = new Map<Day, Counters>();
      for (const a of stored.values()) {
        const { day, counters } = contribution(a);
        addTo(recomputed, day, counters);
        if (a.agent) addTo(recomputed, `${day}/agent/${a.agent}`, counters);
        addTo(recomputed, `${day}/question/${a.type}:${a.question_variant_id ?? ''}`, counters);
      }
      const buckets = new Set([...kept.keys(), ...recomputed.keys()]);
      return [...buckets].every((key) => isZero(subtract(kept.get(key) ?? ZERO, recomputed.get(key) ?? ZERO)));
    }),
  );
  t.pass();
});

test('an answer whose question Twitter names anew moves from one question to the other; its agent keeps it', (t) => {
  const before = answer('csat', 4, { agent: 'U1', question_variant_id: '3' });
  const after = { ...before, question_variant_id: '5' };
  const moved = { ...ZERO, sent_answered: 1, csat_answered: 1, csat_satisfied: 1, csat_sum: 4 };
  t.deepEqual(sliceDelta(before, after), [
    { day: '2026-03-02', by: 'question', id: questionKey('csat', '5'), counters: moved },
    { day: '2026-03-02', by: 'question', id: 'csat:3', counters: subtract(ZERO, moved) },
  ]);
  t.deepEqual(delta(before, after), []);
});
