import test from 'ava';
import type { Answer } from '../../../app/domain/answers.js';
import { add, type Counters, ONE_SENT, report, ZERO } from '../../../app/domain/results.js';
import { resultsHomeView } from '../../../app/slack/user-interface/results-home.js';
import { validateView } from '../../simulators/block-kit.js';

const hostile = '<!channel> & <@U0ADMIN001> '.repeat(200);

function counters(n: number): Counters {
  return { ...add(ZERO, ONE_SENT), sent: n, sent_answered: n, csat_answered: n, csat_satisfied: n, csat_sum: 5 * n };
}

test('Results at its largest stays within Slack’s 100 blocks and limits, with every customer’s word escaped', (t) => {
  const byDay = new Map([['2026-11-25', counters(3)]]);
  const agents = new Map(Array.from({ length: 300 }, (_, i) => [`U${String(i).padStart(9, '0')}`, counters(i + 1)]));
  const questions = new Map(Array.from({ length: 60 }, (_, i) => [`csat:${i}`, counters(i + 1)]));
  questions.set(`nps:${hostile}`, counters(1));
  const comments: Answer[] = Array.from({ length: 40 }, (_, i) => ({
    feedback_id: String(i),
    type: 'nps',
    test: false,
    created_at: '2026-11-25T09:00:00Z',
    updated_at: '2026-11-25T10:00:00Z',
    score: { value: 3, created_at: '2026-11-25T10:00:00Z', updated_at: '2026-11-25T10:00:00Z' },
    text: { value: hostile, created_at: '2026-11-25T10:00:00Z', updated_at: '2026-11-25T10:00:00Z' },
    external_id: hostile,
    agent: hostile,
  }));
  const view = resultsHomeView({
    report: report(byDay, { agent: agents, question: questions }, '2026-11-25', 90),
    comments,
    displayName: hostile,
  });
  t.deepEqual(validateView(view), []);
  t.true(view.blocks.length <= 100, `${view.blocks.length} blocks`);
  const json = JSON.stringify(view);
  t.false(json.includes('<!channel>'));
  t.false(json.includes('<@U0ADMIN001>'));
  t.regex(json, /and 285 more, in the export/);
});
