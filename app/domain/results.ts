import type { Answer } from './answers.js';
import { DAY_MS } from './limits.js';
import type { FeedbackType } from './survey-types.js';
import { parseTwitterTime } from './twitter-time.js';

export const COUNTERS = [
  /** Cards the app sent (not test ones); the send path adds these, answers never do. */
  'sent',
  /** Scored answers to cards the app sent, for the response rate. */
  'sent_answered',
  'csat_answered',
  /** CSAT scores of 4 or 5. */
  'csat_satisfied',
  'csat_sum',
  'nps_answered',
  /** NPS scores of 9 or 10. */
  'nps_promoters',
  /** NPS scores of 7 or 8. */
  'nps_passives',
  /** NPS scores of 0 to 6. */
  'nps_detractors',
  'nps_sum',
  /** Answers with a comment that is not blank. */
  'comments',
  /** Test cards with a score: counted, but never in the figures. */
  'test_answered',
] as const;

export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

/** A day in UTC, as YYYY-MM-DD. */
export type Day = string;

/** Counter changes for one day bucket. */
export interface DayDelta {
  day: Day;
  counters: Counters;
}

export const ZERO: Counters = Object.freeze(Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Counters);

/** What one sent (not test) card adds, on the day it was sent. */
export const ONE_SENT: Counters = Object.freeze({ ...ZERO, sent: 1 });

export function add(a: Counters, b: Counters): Counters {
  return Object.fromEntries(COUNTERS.map((name) => [name, a[name] + b[name]])) as Counters;
}

export function subtract(a: Counters, b: Counters): Counters {
  return Object.fromEntries(COUNTERS.map((name) => [name, a[name] - b[name]])) as Counters;
}

export function isZero(c: Counters): boolean {
  return COUNTERS.every((name) => c[name] === 0);
}

export function dayOf(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The bucket an answer counts in: the day its card was sent, so that updates never move it and rates compare like with like. */
export function answerDay(answer: Pick<Answer, 'created_at'>): Day {
  const ms = parseTwitterTime(answer.created_at);
  if (ms === undefined) throw new Error(`answerDay: created_at is not a time: ${JSON.stringify(answer.created_at)}`);
  return dayOf(ms);
}

/** What an answer adds to its day's counters. */
export function contribution(answer: Answer): DayDelta {
  const counters: Counters = { ...ZERO };
  const score = answer.score?.value;
  if (answer.test) {
    if (score !== undefined) counters.test_answered = 1;
    return { day: answerDay(answer), counters };
  }
  if (answer.text && answer.text.value.trim() !== '') counters.comments = 1;
  if (score !== undefined) {
    if (answer.source === 'app') counters.sent_answered = 1;
    if (answer.type === 'csat') {
      counters.csat_answered = 1;
      counters.csat_sum = score;
      counters.csat_satisfied = score >= 4 ? 1 : 0;
    } else {
      counters.nps_answered = 1;
      counters.nps_sum = score;
      counters[score >= 9 ? 'nps_promoters' : score >= 7 ? 'nps_passives' : 'nps_detractors'] = 1;
    }
  }
  return { day: answerDay(answer), counters };
}

/** What the breakdowns split a workspace's figures by: the agent who sent the card, and the question it asked. */
export const BREAKDOWNS = ['agent', 'question'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** One agent's or one question's counters of one day. */
export interface Slice {
  by: Breakdown;
  /** The agent's Slack id, or the question's key (questionKey). */
  id: string;
}

export interface SliceDelta extends DayDelta, Slice {}

/** A question as the breakdown names it: its type and Twitter's variant id (`csat:3`); `csat:` when the card did not say. */
export function questionKey(type: FeedbackType, variantId: string | number | undefined): string {
  return `${type}:${variantId ?? ''}`;
}

/** The slices an answer counts in beside its workspace's total: its question always, its agent for cards the app sent. */
function slicesOf(answer: Answer): Slice[] {
  return [
    ...(answer.agent ? [{ by: 'agent' as const, id: answer.agent }] : []),
    { by: 'question', id: questionKey(answer.type, answer.question_variant_id) },
  ];
}

/** What one sent (not test) card adds to its agent's and its question's counters, on the day it was sent. */
export function sentSlices(day: Day, agent: string, type: FeedbackType, variantId: number, counters: Counters): SliceDelta[] {
  return [
    { day, by: 'agent', id: agent, counters },
    { day, by: 'question', id: questionKey(type, variantId), counters },
  ];
}

/** The counters `before` loses and `after` gains in each bucket `bucketsOf` names, with the buckets nothing changed in left out. */
function changes<B extends object>(before: Answer | undefined, after: Answer | undefined, bucketsOf: (answer: Answer) => B[]) {
  const byBucket = new Map<string, B & DayDelta>();
  const count = (answer: Answer, sign: 1 | -1) => {
    const { day, counters } = contribution(answer);
    for (const bucket of bucketsOf(answer)) {
      const key = JSON.stringify([day, bucket]);
      const kept = byBucket.get(key)?.counters ?? ZERO;
      byBucket.set(key, { ...bucket, day, counters: sign === 1 ? add(kept, counters) : subtract(kept, counters) });
    }
  };
  if (after) count(after, 1);
  if (before) count(before, -1);
  return [...byBucket.values()].filter(({ counters }) => !isZero(counters));
}

/**
 * The counter changes that replacing `before` with `after` makes (`after` absent: deleting it): one entry per day
 * touched, none when nothing changes. Applying them as each event is merged keeps the counters equal to the stored
 * answers' contributions.
 */
export function delta(before: Answer | undefined, after: Answer | undefined): DayDelta[] {
  return changes(before, after, () => [{}]).map(({ day, counters }) => ({ day, counters }));
}

/** The same for the breakdowns: an answer whose agent or question changes moves from one slice to the other. */
export function sliceDelta(before: Answer | undefined, after: Answer | undefined): SliceDelta[] {
  return changes(before, after, slicesOf).map(({ day, by, id, counters }) => ({ day, by, id, counters }));
}

/** The sum of the day buckets from `end` back `days` days, `end` included. */
export function windowTotal(byDay: ReadonlyMap<Day, Counters>, end: Day, days: number): Counters {
  const endMs = Date.parse(`${end}T00:00:00Z`);
  let total = ZERO;
  for (let i = 0; i < days; i++) total = add(total, byDay.get(dayOf(endMs - i * DAY_MS)) ?? ZERO);
  return total;
}

export const WINDOWS = [7, 30, 90] as const;

/** Seven-day buckets ending on `end`, oldest first; each is named by its first day. */
export function weeklyTrend(byDay: ReadonlyMap<Day, Counters>, end: Day, weeks: number): { from: Day; counters: Counters }[] {
  const endMs = Date.parse(`${end}T00:00:00Z`);
  return Array.from({ length: weeks }, (_, i) => {
    const last = dayOf(endMs - (weeks - 1 - i) * 7 * DAY_MS);
    return { from: dayOf(Date.parse(`${last}T00:00:00Z`) - 6 * DAY_MS), counters: windowTotal(byDay, last, 7) };
  });
}

/** The figures supervisors read; a share is a fraction from 0 to 1, and is absent when nothing was counted. */
export interface Figures {
  sent: number;
  /** Of those sent, how many were answered with a score. */
  sent_answered: number;
  response_rate?: number;
  csat: { answered: number; satisfied_share?: number; mean?: number };
  nps: { answered: number; score?: number; promoters_share?: number; passives_share?: number; detractors_share?: number };
  comments: number;
  test_answered: number;
}

function share(part: number, whole: number): number | undefined {
  return whole === 0 ? undefined : part / whole;
}

export function figures(c: Counters): Figures {
  return {
    sent: c.sent,
    sent_answered: c.sent_answered,
    response_rate: share(c.sent_answered, c.sent),
    csat: {
      answered: c.csat_answered,
      satisfied_share: share(c.csat_satisfied, c.csat_answered),
      mean: share(c.csat_sum, c.csat_answered),
    },
    nps: {
      answered: c.nps_answered,
      // NPS runs from -100 to 100: percent promoters minus percent detractors.
      score: share(100 * (c.nps_promoters - c.nps_detractors), c.nps_answered),
      promoters_share: share(c.nps_promoters, c.nps_answered),
      passives_share: share(c.nps_passives, c.nps_answered),
      detractors_share: share(c.nps_detractors, c.nps_answered),
    },
    comments: c.comments,
    test_answered: c.test_answered,
  };
}

export type WindowDays = (typeof WINDOWS)[number];

/** A window as buttons and `/feedback export` name it: `7d`, `30d`, `90d`. */
export function windowName(days: WindowDays): string {
  return `${days}d`;
}

export function parseWindow(value: unknown): WindowDays | undefined {
  return WINDOWS.find((days) => windowName(days) === value);
}

/** `count` days ending on `end`, `end` first. */
export function daysBack(end: Day, count: number): Day[] {
  const endMs = Date.parse(`${end}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => dayOf(endMs - i * DAY_MS));
}

/** The weekly trend covers a quarter, whatever the window: a week alone shows no trend. */
export const TREND_WEEKS = 13;

export interface SliceFigures {
  id: string;
  figures: Figures;
}

/** What Results shows of a window, all of it from stored counters. */
export interface Report {
  end: Day;
  window: WindowDays;
  total: Figures;
  /** Oldest first. */
  trend: { from: Day; figures: Figures }[];
  /** Busiest first: the most sent, then the most answered. */
  agents: SliceFigures[];
  questions: SliceFigures[];
}

function answeredOf(f: Figures): number {
  return f.csat.answered + f.nps.answered;
}

function busiestFirst(slices: ReadonlyMap<string, Counters>): SliceFigures[] {
  return [...slices]
    .map(([id, counters]) => ({ id, figures: figures(counters) }))
    .filter(({ figures: f }) => f.sent > 0 || answeredOf(f) > 0)
    .sort((a, b) => b.figures.sent - a.figures.sent || answeredOf(b.figures) - answeredOf(a.figures) || (a.id < b.id ? -1 : 1));
}

/**
 * Results for the `window` days ending on `end`: `byDay` holds at least the trend's days (TREND_WEEKS weeks, which
 * cover every window), `slices` each agent's and question's counters summed over the window.
 */
export function report(
  byDay: ReadonlyMap<Day, Counters>,
  slices: Readonly<Record<Breakdown, ReadonlyMap<string, Counters>>>,
  end: Day,
  window: WindowDays,
): Report {
  return {
    end,
    window,
    total: figures(windowTotal(byDay, end, window)),
    trend: weeklyTrend(byDay, end, TREND_WEEKS).map(({ from, counters }) => ({ from, figures: figures(counters) })),
    agents: busiestFirst(slices.agent),
    questions: busiestFirst(slices.question),
  };
}
