import test from 'ava';
import { digestDays, digestDue, digestNumbers, wallClock } from '../../../app/domain/digest.js';
import { type Counters, type Day, ZERO } from '../../../app/domain/results.js';
import type { WeeklyDigest } from '../../../app/domain/workspace-settings.js';

const at = (iso: string) => new Date(iso);
const digest = (weekday: number, hour: number, time_zone: string): WeeklyDigest => ({ channel: 'C1', weekday, hour, time_zone });

test('the wall clock of a time zone gives its date, weekday and hour', (t) => {
  t.deepEqual(wallClock(at('2026-11-30T08:30:00Z'), 'Europe/Paris'), { date: '2026-11-30', weekday: 1, hour: 9 });
  // Auckland is a day ahead: Monday 9:00 there is Sunday evening in UTC.
  t.deepEqual(wallClock(at('2026-11-29T20:00:00Z'), 'Pacific/Auckland'), { date: '2026-11-30', weekday: 1, hour: 9 });
  t.deepEqual(wallClock(at('2026-11-30T00:00:00Z'), 'UTC'), { date: '2026-11-30', weekday: 1, hour: 0 });
  t.is(wallClock(at('2026-11-30T00:00:00Z'), 'Mars/Olympus'), undefined);
});

test('a digest is due from its hour on its weekday, in its own time zone, until that day ends', (t) => {
  const monday9 = digest(1, 9, 'America/New_York');
  t.is(digestDue(at('2026-11-30T13:59:00Z'), monday9), undefined, '8:59 in New York');
  t.is(digestDue(at('2026-11-30T14:00:00Z'), monday9), '2026-11-30', '9:00 in New York');
  t.is(digestDue(at('2026-12-01T04:59:00Z'), monday9), '2026-11-30', '23:59 the same day');
  t.is(digestDue(at('2026-12-01T05:00:00Z'), monday9), undefined, 'Tuesday in New York');
  t.is(digestDue(at('2026-11-30T14:00:00Z'), digest(1, 9, 'Nowhere/Nothing')), undefined);
});

test('an hour that the clock change skips is reached at the next hour; a repeated hour stays one day', (t) => {
  // Europe/Paris skips 2:00–3:00 on Sunday 29 March 2026 and repeats 2:00–3:00 on Sunday 25 October.
  const sunday2 = digest(0, 2, 'Europe/Paris');
  t.is(digestDue(at('2026-03-29T00:59:00Z'), sunday2), undefined, '1:59 CET');
  t.is(digestDue(at('2026-03-29T01:00:00Z'), sunday2), '2026-03-29', '3:00 CEST, the first hour after 2:00');
  t.is(digestDue(at('2026-10-25T00:00:00Z'), sunday2), '2026-10-25', '2:00 CEST');
  t.is(digestDue(at('2026-10-25T01:00:00Z'), sunday2), '2026-10-25', '2:00 CET, the same day');
  // New York's spring change: 2:00 becomes 3:00 on 8 March 2026.
  t.is(digestDue(at('2026-03-08T07:00:00Z'), digest(0, 2, 'America/New_York')), '2026-03-08');
});

test("the digest's week is the seven days before its day, compared with the seven before", (t) => {
  const byDay = new Map<Day, Counters>([
    ['2026-11-23', { ...ZERO, sent: 4, sent_answered: 2, csat_answered: 2, csat_satisfied: 1, csat_sum: 6 }],
    ['2026-11-29', { ...ZERO, sent: 1, nps_answered: 1, nps_promoters: 1, nps_sum: 10 }],
    // The digest's own day is not in its week.
    ['2026-11-30', { ...ZERO, sent: 50 }],
    ['2026-11-16', { ...ZERO, sent: 2, sent_answered: 2, csat_answered: 2, csat_satisfied: 2, csat_sum: 10 }],
  ]);
  const numbers = digestNumbers(byDay, '2026-11-30');
  t.is(numbers.from, '2026-11-23');
  t.is(numbers.to, '2026-11-29');
  t.like(numbers.week, {
    sent: 5,
    response_rate: 0.4,
    csat: { answered: 2, satisfied_share: 0.5, mean: 3 },
    nps: { score: 100 },
  });
  t.like(numbers.previous, { sent: 2, response_rate: 1, csat: { satisfied_share: 1 } });
  t.is(numbers.trend.length, 8);
  t.deepEqual(numbers.trend.at(-1)?.from, '2026-11-23');
  t.is(numbers.trend.at(-2)?.figures.sent, 2);
  const days = digestDays('2026-11-30');
  t.is(days.length, 56);
  t.true(days.includes('2026-11-29') && days.includes('2026-10-05') && !days.includes('2026-11-30'));
});
