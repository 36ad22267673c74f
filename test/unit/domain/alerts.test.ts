import test from 'ava';
import { alertContent, isLow } from '../../../app/domain/alerts.js';
import type { Answer } from '../../../app/domain/answers.js';

const THRESHOLDS = { channel: 'C1', csat_at_most: 2, nps_at_most: 6 };

function answer(type: 'csat' | 'nps', score: number | undefined, extra: Partial<Answer> = {}): Answer {
  const at = '2026-11-23T10:00:00Z';
  return {
    feedback_id: '700',
    type,
    test: false,
    created_at: at,
    updated_at: at,
    ...(score === undefined ? {} : { score: { value: score, created_at: at, updated_at: at } }),
    ...extra,
  };
}

test('a score at or below its type’s threshold is low; test cards, unscored answers and no alerts never are', (t) => {
  t.true(isLow(answer('csat', 2), THRESHOLDS));
  t.false(isLow(answer('csat', 3), THRESHOLDS));
  t.true(isLow(answer('nps', 6), THRESHOLDS));
  t.false(isLow(answer('nps', 7), THRESHOLDS));
  t.false(isLow(answer('csat', 1, { test: true }), THRESHOLDS));
  t.false(isLow(answer('csat', undefined), THRESHOLDS));
  t.false(isLow(answer('csat', 1), undefined));
});

test('the content names the first score only once the score changed, and leaves a blank comment out', (t) => {
  const record = { first_score: 2, at_most: 2 };
  const at = '2026-11-23T10:00:00Z';
  const first = alertContent(answer('csat', 2, { text: { value: '  ', created_at: at, updated_at: at } }), record, {});
  t.is(first?.first_score, undefined);
  t.is(first?.comment, undefined);
  t.is(alertContent(answer('csat', 4), record, {})?.first_score, 2);
  t.is(alertContent(answer('csat', undefined), record, {}), undefined);
});
