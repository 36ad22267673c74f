import test from 'ava';
import { inPeriod, parsePeriod } from '../../../app/domain/export-period.js';

const NOW = Date.parse('2026-03-10T15:00:00Z');

test('the named periods end today and count today in; none given is the last 30 days', (t) => {
  t.deepEqual(parsePeriod('7d', NOW), { ok: true, period: { from: '2026-03-04', to: '2026-03-10' } });
  t.deepEqual(parsePeriod('', NOW), { ok: true, period: { from: '2026-02-09', to: '2026-03-10' } });
  t.deepEqual(parsePeriod('90D', NOW), { ok: true, period: { from: '2025-12-11', to: '2026-03-10' } });
});

test('a range is of real days, in order, within 731 days', (t) => {
  t.deepEqual(parsePeriod('2024-02-29..2024-03-01', NOW), { ok: true, period: { from: '2024-02-29', to: '2024-03-01' } });
  t.deepEqual(parsePeriod('2024-01-01..2025-12-31', NOW), { ok: true, period: { from: '2024-01-01', to: '2025-12-31' } });
  const problem = (text: string) => {
    const parsed = parsePeriod(text, NOW);
    return parsed.ok ? '' : parsed.problem;
  };
  t.regex(problem('2025-02-29..2025-03-01'), /`2025-02-29` is not a day/);
  t.regex(problem('2025-13-01..2025-12-31'), /`2025-13-01` is not a day/);
  t.regex(problem('2025-03-02..2025-03-01'), /starts after it ends/);
  t.regex(problem('2024-01-01..2026-01-01'), /spans 732 days; one export covers at most 731/);
  t.regex(problem('last week'), /is not a period/);
  t.regex(problem('<!channel>'), /`&lt;!channel&gt;` is not a period/);
});

test('a card is in the period by the UTC day it was sent', (t) => {
  const period = { from: '2026-03-04', to: '2026-03-10' };
  t.true(inPeriod({ created_at: 'Wed Mar 04 00:00:00 +0000 2026' }, period));
  t.false(inPeriod({ created_at: 'Tue Mar 03 23:59:59 +0000 2026' }, period));
  t.true(inPeriod({ created_at: '2026-03-10T23:59:59Z' }, period));
  t.false(inPeriod({ created_at: '2026-03-11T00:00:00Z' }, period));
});
