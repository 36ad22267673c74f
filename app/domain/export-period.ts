import type { Answer } from './answers.js';
import { answerDay, dayOf, type Day } from './results.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC days whose cards an export holds, both ends included: the days the counters file them under. */
export interface Period {
  from: Day;
  to: Day;
}

export const EXPORT_PERIODS = ['7d', '30d', '90d'] as const;
export type ExportPeriodName = (typeof EXPORT_PERIODS)[number];
/** What `/feedback export` alone exports. */
export const DEFAULT_EXPORT_PERIOD: ExportPeriodName = '30d';
/** A typed range spans at most this many days: a year and a day either side, which catches a mistyped year. */
export const MAX_EXPORT_DAYS = 731;

export const PERIOD_USAGE = `\`7d\`, \`30d\`, \`90d\` (the last 7, 30 or 90 days, today included; \`${DEFAULT_EXPORT_PERIOD}\` when none is given) or a range of UTC days such as \`2025-01-01..2025-03-31\``;

export type ParsedPeriod = { ok: true; period: Period } | { ok: false; problem: string };

function shown(text: string): string {
  const short = [...text].length > 40 ? `${[...text].slice(0, 39).join('')}…` : text;
  return `\`${short.replace(/`/g, "'").replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}\``;
}

/** A day that exists on the calendar: 2025-02-30 does not. */
function realDay(text: string): Day | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || dayOf(ms) !== text ? undefined : text;
}

function daysBetween(from: Day, to: Day): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The period of `/feedback export …` or the Export button's value; `now` decides which days "the last 30" are. */
export function parsePeriod(text: string, now: number): ParsedPeriod {
  const input = text.trim() || DEFAULT_EXPORT_PERIOD;
  const today = dayOf(now);
  const named = /^(\d+)d$/i.exec(input);
  if (named && (EXPORT_PERIODS as readonly string[]).includes(input.toLowerCase())) {
    return { ok: true, period: { from: dayOf(now - (Number(named[1]) - 1) * DAY_MS), to: today } };
  }
  const range = /^(\S+?)\s*(?:\.\.|–|—)\s*(\S+)$/.exec(input);
  if (!range) return { ok: false, problem: `${shown(input)} is not a period. Give ${PERIOD_USAGE}.` };
  const [from, to] = [realDay(range[1]), realDay(range[2])];
  for (const [typed, day] of [
    [range[1], from],
    [range[2], to],
  ] as const) {
    if (!day) return { ok: false, problem: `${shown(typed)} is not a day: write it as YYYY-MM-DD, such as 2025-03-31.` };
  }
  if (from! > to!) return { ok: false, problem: `The range starts after it ends: ${from} is later than ${to}.` };
  const days = daysBetween(from!, to!);
  if (days > MAX_EXPORT_DAYS) {
    return {
      ok: false,
      problem: `${from}..${to} spans ${days.toLocaleString('en-US')} days; one export covers at most ${MAX_EXPORT_DAYS}. Export it in parts.`,
    };
  }
  return { ok: true, period: { from: from!, to: to! } };
}

/** Whether the card was sent on a day of the period. */
export function inPeriod(answer: Pick<Answer, 'created_at'>, period: Period): boolean {
  const day = answerDay(answer);
  return day >= period.from && day <= period.to;
}

export function describePeriod(period: Period): string {
  return period.from === period.to ? period.from : `${period.from} to ${period.to}`;
}
