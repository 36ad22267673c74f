import test from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { type Answer, type AnswerEvent, merge, parseAnswerEvent, withSendFacts } from '../../../app/domain/answers.js';

const card = {
  created_at: 'SatDec1517:58:20+00002015',
  updated_at: 'SatDec1517:59:22+00002015',
  id: '123456789012345678',
  type: 'nps',
  test: false,
  dm_id: '8989898989',
  from_user_id: '1212121212121',
  to_user_id: '343434343434',
  privacy_url: 'https://mybusiness.domain/privacy',
  external_id: 'ticket_5555',
  question_variant_id: '3',
  display_name: 'MyBusinessName',
};

function body(change: Record<string, unknown> = {}, response?: unknown): unknown {
  return { event_type: 'feedback.updated', created_at: 'SatDec1517:59:22+00002015', feedback: { ...card, ...change, response } };
}

function parsed(value: unknown): AnswerEvent {
  const result = parseAnswerEvent(value);
  if (!result.ok) throw new Error(`${result.field}: ${result.problem}`);
  return result.value;
}

test('a pushed event with a score and a comment is read with its ids as strings and its times as Twitter wrote them', (t) => {
  const response = {
    score: { created_at: 'SatDec1517:59:00+00002015', value: 9 },
    text: { created_at: 'SatDec1517:59:22+00002015', value: 'Quick and kind' },
  };
  t.deepEqual(parseAnswerEvent(body({}, response)), {
    ok: true,
    value: {
      event_type: 'feedback.updated',
      feedback_id: '123456789012345678',
      type: 'nps',
      test: false,
      created_at: 'SatDec1517:58:20+00002015',
      updated_at: 'SatDec1517:59:22+00002015',
      external_id: 'ticket_5555',
      question_variant_id: '3',
      from_user_id: '1212121212121',
      to_user_id: '343434343434',
      score: { value: 9, created_at: 'SatDec1517:59:00+00002015' },
      text: { value: 'Quick and kind', created_at: 'SatDec1517:59:22+00002015' },
    },
  });
});

test('a card not answered yet is read without a score or a comment', (t) => {
  const event = parsed({ ...(body() as object), event_type: 'feedback.created' });
  t.is(event.event_type, 'feedback.created');
  t.false('score' in event);
  t.false('text' in event);
});

const refused: [string, unknown, string][] = [
  ['a number for the id', body({ id: 123456789012345680 }), 'feedback.id'],
  ['an empty id', body({ id: '' }), 'feedback.id'],
  ['another type', body({ type: 'CSAT' }), 'feedback.type'],
  ['test as text', body({ test: 'false' }), 'feedback.test'],
  ['an unknown event', { ...(body() as object), event_type: 'feedback.deleted' }, 'event_type'],
  ['no card', { event_type: 'feedback.updated' }, 'feedback'],
  ['no body', null, 'body'],
  ['a card never sent', body({ created_at: undefined }), 'feedback.created_at'],
  ['an updated_at that is not a time', body({ updated_at: 'soon' }), 'feedback.updated_at'],
  ['a score with no time', body({}, { score: { value: 3 } }), 'feedback.response.score.created_at'],
  ['a comment that is not text', body({}, { text: { value: 5, created_at: '1450202300' } }), 'feedback.response.text.value'],
  ['a response that is a list', body({}, []), 'feedback.response'],
];

test('an event Twitter would not send is refused, naming the field at fault', (t) => {
  for (const [what, value, field] of refused) {
    const result = parseAnswerEvent(value);
    t.false(result.ok, what);
    if (!result.ok) {
      t.is(result.field, field, what);
      t.true(result.problem.length > 0, what);
    }
  }
});

test('a score is accepted exactly when it is a whole number in its type’s range: CSAT 1–5, NPS 0–10', (t) => {
  const ranges = { csat: [1, 5], nps: [0, 10] } as const;
  fc.assert(
    fc.property(
      fc.constantFrom('csat' as const, 'nps' as const),
      fc.oneof(fc.integer({ min: -3, max: 13 }), fc.double({ noNaN: true, min: -3, max: 13 })),
      fc.boolean(),
      (type, value, asText) => {
        const [min, max] = ranges[type];
        const result = parseAnswerEvent(
          body({ type }, { score: { created_at: '1450202300', value: asText ? String(value) : value } }),
        );
        const inRange = Number.isInteger(value) && value >= min && value <= max;
        if (!inRange) return !result.ok && result.field === 'feedback.response.score.value';
        return result.ok && result.value.score?.value === value;
      },
    ),
  );
  t.pass();
});

function event(updated: number, response: { score?: number; text?: string; at?: number } = {}): AnswerEvent {
  const at = String(response.at ?? updated);
  return {
    ...parsed(body({ updated_at: String(updated) })),
    ...(response.score === undefined ? {} : { score: { value: response.score, created_at: at } }),
    ...(response.text === undefined ? {} : { text: { value: response.text, created_at: at } }),
  };
}

test('a score and a comment that arrive apart are both kept, in either order', (t) => {
  const score = event(1450202300, { score: 8 });
  const text = event(1450202400, { text: 'Fine' });
  for (const [first, second] of [
    [score, text],
    [text, score],
  ]) {
    const answer = merge(merge(undefined, first), second);
    t.is(answer.score?.value, 8);
    t.is(answer.text?.value, 'Fine');
    t.is(answer.updated_at, '1450202400');
  }
});

test('a score changed later wins over the first one, even when the first arrives last', (t) => {
  const first = event(1450202300, { score: 3 });
  const changed = event(1450202500, { score: 9 });
  t.is(merge(merge(undefined, first), changed).score?.value, 9);
  t.is(merge(merge(undefined, changed), first).score?.value, 9);
  t.is(merge(merge(undefined, changed), first).updated_at, '1450202500');
});

test('the card’s newer updated_at decides, even when the part’s own time says otherwise', (t) => {
  const first = event(1450202300, { score: 3, at: 1450202300 });
  for (const at of [1450202300, 1450202200]) {
    const changed = event(1450202500, { score: 9, at });
    t.is(merge(merge(undefined, changed), first).score?.value, 9, String(at));
    t.is(merge(merge(undefined, first), changed).score?.value, 9, String(at));
  }
});

test('what the send log joined stays when later events arrive', (t) => {
  const joined = withSendFacts(merge(undefined, event(1450202300, { score: 4 })), {
    source: 'app',
    team: 'T1',
    agent: 'U1',
    customer_handle: 'jack',
  });
  const answer = merge(joined, event(1450202400, { text: 'ok' }));
  t.like(answer, { source: 'app', team: 'T1', agent: 'U1', customer_handle: 'jack', external_id: 'ticket_5555' });
});

test('an event about another card is not merged', (t) => {
  const stored = merge(undefined, event(1450202300, { score: 4 }));
  t.throws(() => merge(stored, { ...event(1450202400), feedback_id: '1' }));
});

const times = fc.constantFrom(1450202300, 1450202360, 1450202420, 1450202480);
const anEvent = fc
  .record({
    updated: times,
    at: fc.option(times, { nil: undefined }),
    score: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    text: fc.option(fc.constantFrom('', 'ok', '-', '=1'), { nil: undefined }),
  })
  .map(({ updated, ...response }) => event(updated, response));

test('the stored answer is the same whatever order its events arrive in, duplicates included', (t) => {
  fc.assert(
    fc.property(
      fc
        .array(anEvent, { minLength: 1, maxLength: 8 })
        .chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length }),
            fc.integer({ min: 0, max: events.length - 1 }),
          ),
        ),
      ([events, shuffled, again]) => {
        const fold = (list: AnswerEvent[]) => list.reduce<Answer | undefined>(merge, undefined);
        return isDeepStrictEqual(fold([...shuffled, events[again]]), fold(events));
      },
    ),
  );
  t.pass();
});
