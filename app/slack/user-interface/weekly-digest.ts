import type { KnownBlock } from '@slack/types';
import type { DigestNumbers } from '../../domain/digest.js';
import type { Day, Figures } from '../../domain/results.js';
import { section } from './blocks.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Nov 23": short enough for a chart's category (20 characters at most). */
export function shortDay(day: Day): string {
  const [, month, date] = day.split('-').map(Number);
  return `${MONTHS[month - 1]} ${date}`;
}

const percent = (share: number) => Math.round(share * 100);
const answers = (n: number) => (n === 1 ? '1 answer' : `${n} answers`);
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** A change from the week before, in points; nothing when either week has no figure. */
function change(now: number | undefined, before: number | undefined, unit: string): string {
  if (now === undefined || before === undefined) return '';
  const points = Math.round(now - before);
  const arrow = points > 0 ? ':arrow_up_small:' : points < 0 ? ':arrow_down_small:' : '=';
  return ` ${arrow} ${points === 0 ? 'same as' : `${signed(points)}${unit} from`} the week before`;
}

function rate(f: Figures): number | undefined {
  return f.response_rate === undefined ? undefined : percent(f.response_rate);
}
function satisfied(f: Figures): number | undefined {
  return f.csat.satisfied_share === undefined ? undefined : percent(f.csat.satisfied_share);
}
function nps(f: Figures): number | undefined {
  return f.nps.score === undefined ? undefined : Math.round(f.nps.score);
}

function lines(week: Figures, previous: Figures): string[] {
  const rateNow = rate(week);
  const csatNow = satisfied(week);
  const npsNow = nps(week);
  return [
    `*Requests sent:* ${week.sent} (${previous.sent} the week before)`,
    `*Response rate:* ${rateNow === undefined ? 'no requests sent' : `${rateNow}%`}${change(rateNow, rate(previous), ' pts')}`,
    csatNow === undefined
      ? '*CSAT:* no answers'
      : `*CSAT:* ${csatNow}% satisfied (4–5), mean ${week.csat.mean!.toFixed(1)} of 5, from ${answers(week.csat.answered)}` +
        change(csatNow, satisfied(previous), ' pts'),
    npsNow === undefined
      ? '*NPS:* no answers'
      : `*NPS:* ${signed(npsNow)} from ${answers(week.nps.answered)}: ${percent(week.nps.promoters_share!)}% promoters, ` +
        `${percent(week.nps.passives_share!)}% passives, ${percent(week.nps.detractors_share!)}% detractors` +
        change(npsNow, nps(previous), ''),
    `*Comments:* ${week.comments}`,
  ];
}

const SERIES: Array<{ name: string; value: (f: Figures) => number | undefined }> = [
  { name: 'CSAT % satisfied', value: satisfied },
  { name: 'NPS', value: nps },
  { name: 'Response rate %', value: rate },
];

/** The trend as a native chart; weeks without a figure are left out of its line, a line without any is left out. */
function chart(numbers: DigestNumbers): KnownBlock | undefined {
  const categories = numbers.trend.map((week) => shortDay(week.from));
  const series = SERIES.map(({ name, value }) => ({
    name,
    data: numbers.trend.flatMap((week, i) => {
      const v = value(week.figures);
      return v === undefined ? [] : [{ label: categories[i], value: v }];
    }),
  })).filter((s) => s.data.length > 0);
  if (series.length === 0) return undefined;
  return {
    type: 'data_visualization',
    block_id: 'digest_chart',
    title: `The last ${numbers.trend.length} weeks`,
    chart: { type: 'line', series, axis_config: { categories, x_label: 'Week from', y_label: 'Percent, or NPS' } },
  } as unknown as KnownBlock;
}

/** The chart's numbers, for whoever cannot see the chart. */
function trendText(numbers: DigestNumbers): string {
  return numbers.trend
    .map((week) => {
      const shown = SERIES.map(({ name, value }) => {
        const v = value(week.figures);
        return `${name} ${v === undefined ? '–' : name === 'NPS' ? signed(v) : v}`;
      });
      return `${shortDay(week.from)}: ${shown.join(', ')}`;
    })
    .join('\n');
}

export function digestTitle(numbers: Pick<DigestNumbers, 'from' | 'to'>): string {
  return `Weekly feedback: ${shortDay(numbers.from)} – ${shortDay(numbers.to)}`;
}

/** The week's numbers, the week before's, and the trend as a chart and in text. */
export function digestBlocks(numbers: DigestNumbers): KnownBlock[] {
  const graph = chart(numbers);
  return [
    { type: 'header', block_id: 'digest_title', text: { type: 'plain_text', text: digestTitle(numbers) } },
    section(lines(numbers.week, numbers.previous).join('\n'), 'digest_week'),
    ...(graph ? [graph] : []),
    section(`*Week by week*\n${trendText(numbers)}`, 'digest_trend'),
    {
      type: 'context',
      block_id: 'digest_note',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Each answer counts in the week its request was sent (days in UTC). Test requests are not counted.',
        },
      ],
    },
  ];
}

/** What notifications show. */
export function digestText(numbers: DigestNumbers): string {
  const { week } = numbers;
  const parts = [
    `${week.sent} requests sent`,
    rate(week) !== undefined && `response rate ${rate(week)}%`,
    satisfied(week) !== undefined && `CSAT ${satisfied(week)}% satisfied`,
    nps(week) !== undefined && `NPS ${signed(nps(week)!)}`,
  ].filter(Boolean);
  return `${digestTitle(numbers)}: ${parts.join(', ')}`;
}
