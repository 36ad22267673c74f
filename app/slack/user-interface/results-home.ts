import type { Button, HomeView, KnownBlock } from '@slack/types';
import type { Answer } from '../../domain/answers.js';
import { dayOf, type Figures, type Report, type SliceFigures, WINDOWS, windowName } from '../../domain/results.js';
import { isFeedbackType, SURVEY_TYPES } from '../../domain/survey-types.js';
import { parseTwitterTime } from '../../domain/twitter-time.js';
import { findVariant, questionText } from '../../domain/variants.js';
import { homeShowActionId, RESULTS_EXPORT } from '../ids.js';
import { homeTop } from './app-home.js';
import { section } from './blocks.js';
import { escapeMrkdwn, truncate, truncateMrkdwn } from './text.js';

export interface ResultsModel {
  report: Report;
  /** Newest first; each shown with its score, ticket and agent. */
  comments: Answer[];
  /** How questions name the business, for their text. */
  displayName: string;
}

/** Rows of each breakdown shown; the rest are counted, and are all in the export. */
const MAX_ROWS = 15;
/** Comments shown, each in a block of its own. */
const MAX_COMMENTS = 20;
const COMMENT_CHARS = 500;

const dash = '–';

function percent(share: number | undefined): string {
  return share === undefined ? dash : `${Math.round(share * 100)}%`;
}

function decimal(value: number | undefined): string {
  return value === undefined ? dash : value.toFixed(2);
}

function nps(score: number | undefined): string {
  if (score === undefined) return dash;
  const rounded = Math.round(score);
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function headline(f: Figures): string[] {
  return [
    `*Response rate*\n${percent(f.response_rate)}: ${f.sent_answered.toLocaleString('en-US')} of ${plural(f.sent, 'request')} sent answered`,
    `*CSAT*\n${percent(f.csat.satisfied_share)} satisfied (4–5), mean ${decimal(f.csat.mean)}: ${plural(f.csat.answered, 'answer')}`,
    `*NPS*\n${nps(f.nps.score)}: promoters ${percent(f.nps.promoters_share)}, passives ${percent(f.nps.passives_share)}, detractors ${percent(f.nps.detractors_share)}: ${plural(f.nps.answered, 'answer')}`,
    `*Comments*\n${f.comments.toLocaleString('en-US')}`,
  ];
}

/** The trend as text: Home tabs take no chart or table block, and a fixed-width table reads well in Slack. */
function trendTable(trend: Report['trend']): string {
  const rows = [
    ['Week of', 'Sent', 'Answered', 'Rate', 'CSAT', 'Mean', 'NPS'],
    ...trend.map(({ from, figures: f }) => [
      from,
      String(f.sent),
      String(f.sent_answered),
      percent(f.response_rate),
      percent(f.csat.satisfied_share),
      decimal(f.csat.mean),
      nps(f.nps.score),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return `\`\`\`\n${rows.map(line).join('\n')}\n\`\`\``;
}

function sliceLine(label: string, f: Figures): string {
  const parts = [
    f.sent ? `${f.sent_answered} of ${f.sent} answered (${percent(f.response_rate)})` : undefined,
    f.csat.answered ? `CSAT ${percent(f.csat.satisfied_share)}, mean ${decimal(f.csat.mean)} (${f.csat.answered})` : undefined,
    f.nps.answered ? `NPS ${nps(f.nps.score)} (${f.nps.answered})` : undefined,
  ].filter(Boolean);
  return `${label}: ${parts.join(' · ')}`;
}

/** Agent ids come from Slack through the app's own send records; anything else is shown as text. */
function agentLabel(id: string | undefined): string {
  if (!id) return 'sent outside the app';
  return /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeMrkdwn(id);
}

function questionLabel(key: string, displayName: string): string {
  const at = key.indexOf(':');
  const type = key.slice(0, at);
  const variant = key.slice(at + 1);
  if (!isFeedbackType(type)) return escapeMrkdwn(truncate(key, 40));
  const label = SURVEY_TYPES[type].label;
  if (variant === '') return `${label}, question not stated`;
  const id = Number(variant);
  if (!/^\d{1,3}$/.test(variant) || !findVariant(type, id)) return `${label} question ${escapeMrkdwn(truncate(variant, 20))}`;
  return `${label} ${id}, “${escapeMrkdwn(questionText(type, id, displayName))}”`;
}

function breakdown(title: string, blockId: string, rows: SliceFigures[], label: (id: string) => string): KnownBlock[] {
  const shown = rows.slice(0, MAX_ROWS).map(({ id, figures: f }) => `• ${sliceLine(label(id), f)}`);
  const more = rows.length - shown.length;
  return [
    { type: 'header', block_id: `${blockId}_header`, text: { type: 'plain_text', text: title } },
    section(
      (shown.length ? shown.join('\n') : '_Nothing in this period._') + (more > 0 ? `\n_…and ${more} more, in the export._` : ''),
      blockId,
    ),
  ];
}

function commentBlock(answer: Answer, i: number): KnownBlock {
  const type = SURVEY_TYPES[answer.type];
  const score = answer.score ? `${type.label} ${answer.score.value}/${type.scale.max}` : `${type.label}, no score`;
  const ticket = answer.external_id ? ` · ${escapeMrkdwn(truncate(answer.external_id, 100))}` : '';
  const written = answer.text && parseTwitterTime(answer.text.created_at);
  const when = written ? ` · ${dayOf(written)}` : '';
  const quote = truncateMrkdwn(escapeMrkdwn(answer.text?.value ?? '').replace(/\n/g, '\n>'), COMMENT_CHARS);
  return section(`*${score}*${ticket} · ${agentLabel(answer.agent)}${when}\n>${quote}`, `comment_${i}`);
}

function windowButtons(report: Report): KnownBlock {
  const choices: Button[] = WINDOWS.map((days) => ({
    type: 'button',
    action_id: homeShowActionId(windowName(days)),
    text: { type: 'plain_text', text: `${days} days` },
    value: windowName(days),
    ...(days === report.window ? { style: 'primary' as const } : {}),
  }));
  const exportCsv: Button = {
    type: 'button',
    action_id: RESULTS_EXPORT,
    text: { type: 'plain_text', text: 'Export CSV' },
    value: windowName(report.window),
  };
  return { type: 'actions', block_id: 'results_window', elements: [...choices, exportCsv] };
}

/** Supervisors' Results page: never built for anyone else. */
export function resultsHomeView({ report, comments, displayName }: ResultsModel): HomeView {
  const { total } = report;
  const tests = total.test_answered
    ? `Test answers, counted apart and in no figure: ${total.test_answered.toLocaleString('en-US')}.`
    : 'No test answers in this period.';
  const shownComments = comments.slice(0, MAX_COMMENTS);
  return {
    type: 'home',
    blocks: [
      ...homeTop('results', true),
      {
        type: 'header',
        block_id: 'results_header',
        text: { type: 'plain_text', text: `Results: the last ${report.window} days` },
      },
      windowButtons(report),
      {
        type: 'section',
        block_id: 'results_total',
        fields: headline(total).map((text) => ({ type: 'mrkdwn' as const, text })),
      },
      {
        type: 'context',
        block_id: 'results_note',
        elements: [
          {
            type: 'mrkdwn',
            text: `Up to ${report.end} (UTC), by the day each request was sent. ${tests}`,
          },
        ],
      },
      { type: 'header', block_id: 'trend_header', text: { type: 'plain_text', text: 'Week by week' } },
      section(trendTable(report.trend), 'trend'),
      ...breakdown('By agent', 'by_agent', report.agents, agentLabel),
      ...breakdown('By question', 'by_question', report.questions, (key) => questionLabel(key, displayName)),
      { type: 'header', block_id: 'comments_header', text: { type: 'plain_text', text: 'Latest comments' } },
      ...(shownComments.length ? shownComments.map(commentBlock) : [section('_No comments yet._', 'no_comments')]),
    ],
  };
}
