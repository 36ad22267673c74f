import test from 'ava';
import type { AlertContent } from '../../../app/domain/alerts.js';
import { digestNumbers } from '../../../app/domain/digest.js';
import { type Counters, type Day, ZERO } from '../../../app/domain/results.js';
import { alertBlocks, alertText } from '../../../app/slack/user-interface/low-score-alert.js';
import { digestBlocks, digestText } from '../../../app/slack/user-interface/weekly-digest.js';
import { validateMessageBlocks } from '../../simulators/block-kit.js';

const CONTENT: AlertContent = {
  feedback_id: '700',
  type: 'csat',
  score: 1,
  at_most: 2,
  comment: 'Slow <!channel> & <@U0BOSS0001> <https://evil.example|click>\n*second line*',
  ticket: 'ticket_<5555>',
  agent: 'U0AGENT001',
  customer_id: '9000001',
  customer_handle: 'jack',
  account: '@AcmeSupport',
  thread: { channel_id: 'C0TICKETS1', thread_ts: '1700000000.000100' },
};

const texts = (blocks: unknown) => JSON.stringify(blocks);

test('an alert shows score, comment, ticket, agent, customer, account and thread, with foreign text escaped', (t) => {
  const blocks = alertBlocks(CONTENT, 'https://acme.slack.com/archives/C0TICKETS1/p1700000000000100');
  t.deepEqual(validateMessageBlocks(blocks), []);
  const shown = texts(blocks);
  t.regex(shown, /Low CSAT score: 1\/5/);
  t.regex(shown, /Slow &lt;!channel&gt; &amp; &lt;@U0BOSS0001&gt; &lt;https:\/\/evil.example\|click&gt;/);
  t.notRegex(shown, /<!channel>|<@U0BOSS0001>|<https:\/\/evil/);
  t.regex(shown, />\*second line\*/, 'every line of the comment is quoted');
  t.regex(shown, /ticket_&lt;5555&gt;/);
  t.regex(shown, /<@U0AGENT001>/);
  t.regex(shown, /@jack \(9000001\)/);
  t.regex(shown, /@AcmeSupport/);
  t.regex(shown, /<https:\/\/acme.slack.com\/archives\/C0TICKETS1\/p1700000000000100\|The thread it was requested from>/);
  t.regex(shown, /alert_follow_up/);
  t.regex(shown, /alert_resolved/);
  t.notRegex(alertText(CONTENT), /Slow/, 'notifications never carry the comment');
  t.regex(alertText(CONTENT), /ticket_&lt;5555&gt;/);
});

test('an alert without a link names the channel; a risen score says so; marks show who, and resolution takes the buttons away', (t) => {
  const risen = alertBlocks({
    ...CONTENT,
    score: 4,
    first_score: 1,
    follow_up: { user_id: 'U0SUPER001', at: '2026-11-23T12:00:00.000Z' },
    resolved: { user_id: 'not a user <id>', at: '2026-11-23T13:00:00.000Z' },
  });
  t.deepEqual(validateMessageBlocks(risen), []);
  const shown = texts(risen);
  t.regex(shown, /CSAT score now 4\/5\*: above the alert threshold \(alerts at 2 or below; first posted at 1\/5\)/);
  t.regex(shown, /Requested from a thread in <#C0TICKETS1>/);
  t.regex(shown, /<@U0SUPER001> follows up/);
  t.regex(shown, /Resolved by not a user &lt;id&gt;/);
  t.notRegex(shown, /alert_follow_up|alert_resolved/);
});

test('a comment as long as Twitter allows still fits the message', (t) => {
  const blocks = alertBlocks({ ...CONTENT, comment: '&'.repeat(10_000), ticket: 'x'.repeat(256) });
  t.deepEqual(validateMessageBlocks(blocks), []);
});

test('the digest carries the week’s numbers, the week before, and a native chart with the same numbers in text', (t) => {
  const byDay = new Map<Day, Counters>([
    [
      '2026-11-23',
      {
        ...ZERO,
        sent: 10,
        sent_answered: 5,
        csat_answered: 4,
        csat_satisfied: 3,
        csat_sum: 16,
        nps_answered: 1,
        nps_promoters: 1,
        nps_sum: 9,
        comments: 2,
      },
    ],
    ['2026-11-16', { ...ZERO, sent: 4, sent_answered: 4, csat_answered: 4, csat_satisfied: 4, csat_sum: 20 }],
  ]);
  const numbers = digestNumbers(byDay, '2026-11-30');
  const blocks = digestBlocks(numbers);
  t.deepEqual(validateMessageBlocks(blocks), []);
  const chart = blocks.find((b) => b.type === ('data_visualization' as never)) as unknown as {
    chart: { series: { name: string; data: { label: string; value: number }[] }[]; axis_config: { categories: string[] } };
  };
  t.is(chart.chart.axis_config.categories.length, 8);
  t.deepEqual(chart.chart.axis_config.categories.slice(-2), ['Nov 16', 'Nov 23']);
  t.deepEqual(
    chart.chart.series.map((s) => [s.name, s.data]),
    [
      [
        'CSAT % satisfied',
        [
          { label: 'Nov 16', value: 100 },
          { label: 'Nov 23', value: 75 },
        ],
      ],
      ['NPS', [{ label: 'Nov 23', value: 100 }]],
      [
        'Response rate %',
        [
          { label: 'Nov 16', value: 100 },
          { label: 'Nov 23', value: 50 },
        ],
      ],
    ],
  );
  const shown = texts(blocks);
  t.regex(shown, /Weekly feedback: Nov 23 – Nov 29/);
  t.regex(shown, /\*Requests sent:\* 10 \(4 the week before\)/);
  t.regex(shown, /\*Response rate:\* 50%.*-50 pts from the week before/);
  t.regex(shown, /\*CSAT:\* 75% satisfied \(4–5\), mean 4.0 of 5, from 4 answers.*-25 pts/);
  t.regex(shown, /\*NPS:\* \+100 from 1 answer:/);
  t.regex(shown, /Nov 23: CSAT % satisfied 75, NPS \+100, Response rate % 50/);
  t.regex(shown, /Nov 16: CSAT % satisfied 100, NPS –, Response rate % 100/);
  t.is(
    digestText(numbers),
    'Weekly feedback: Nov 23 – Nov 29: 10 requests sent, response rate 50%, CSAT 75% satisfied, NPS +100',
  );
});

test('a week without answers posts no chart and says so in words', (t) => {
  const blocks = digestBlocks(digestNumbers(new Map(), '2026-11-30'));
  t.deepEqual(validateMessageBlocks(blocks), []);
  t.false(blocks.some((b) => b.type === ('data_visualization' as never)));
  t.regex(texts(blocks), /no requests sent.*CSAT:\* no answers.*NPS:\* no answers/);
});
