import { type Counters, type Day, dayOf, figures, type Figures, weeklyTrend, windowTotal } from './results.js';
import type { WeeklyDigest } from './workspace-settings.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** Weeks the digest's chart shows, the digest's own week last. */
export const TREND_WEEKS = 8;

/** A moment as a clock on the wall of `timeZone` shows it. */
export interface WallClock {
  date: Day;
  /** 0 is Sunday. */
  weekday: number;
  hour: number;
}

/** The wall clock in an IANA time zone; undefined when the zone is not one. */
export function wallClock(at: Date, timeZone: string): WallClock | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    return undefined;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    weekday: WEEKDAYS.indexOf(part('weekday')),
    hour: Number(part('hour')),
  };
}

/**
 * The day whose digest is due at `at`, if one is: on the chosen weekday, from the chosen
 * hour on the wall clock of its time zone to the end of that day. An hour that a clock
 * change skips is reached at the next hour that exists; an hour that it repeats is the
 * same day, so the digest is still due only once. A digest no instance was running for
 * is posted later the same day, never on another.
 */
export function digestDue(at: Date, digest: WeeklyDigest): Day | undefined {
  const clock = wallClock(at, digest.time_zone);
  if (!clock || clock.weekday !== digest.weekday || clock.hour < digest.hour) return undefined;
  return clock.date;
}

function daysBefore(day: Day, days: number): Day {
  return dayOf(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS);
}

/** The days a digest's counters are read for: its trend's weeks. */
export function digestDays(day: Day): Day[] {
  return Array.from({ length: 7 * TREND_WEEKS }, (_, i) => daysBefore(day, i + 1));
}

/** What a digest says. */
export interface DigestNumbers {
  /** The first and last day of its week. */
  from: Day;
  to: Day;
  week: Figures;
  /** The week before, to compare with. */
  previous: Figures;
  /** Week by week, oldest first, the digest's own week last. */
  trend: { from: Day; figures: Figures }[];
}

/**
 * The numbers of the seven days before the digest's day (days as the counters count
 * them: UTC, the day each card was sent), and of the week before.
 */
export function digestNumbers(byDay: ReadonlyMap<Day, Counters>, day: Day): DigestNumbers {
  const last = daysBefore(day, 1);
  return {
    from: daysBefore(day, 7),
    to: last,
    week: figures(windowTotal(byDay, last, 7)),
    previous: figures(windowTotal(byDay, daysBefore(day, 8), 7)),
    trend: weeklyTrend(byDay, last, TREND_WEEKS).map(({ from, counters }) => ({ from, figures: figures(counters) })),
  };
}
