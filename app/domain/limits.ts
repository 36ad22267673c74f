import { parseRecipient } from './feedback-request.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Twitter's limit per business account, over any rolling 24 hours. */
export const ACCOUNT_DAILY_LIMIT = 1_000;

/** Twitter advises at most one request a week from a business to a customer. */
export const DEFAULT_RECIPIENT_DAYS = 7;

/** Twitter itself refuses a second request to a customer within a day, whatever the workspace chose. */
export const MIN_RECIPIENT_DAYS = 1;

export type LimitRule = 'account_daily' | 'recipient_daily' | 'recipient_weekly' | 'account_paused';

/** Why a request may not go out now, and the first moment it may. */
export interface Refusal {
  rule: LimitRule;
  retryAt: Date;
  /** For the agent, in plain words. */
  message: string;
}

/** A workspace's choices about how often a customer may be asked. */
export interface LimitSettings {
  recipientDays: number;
  /** Handles (with or without '@') and numeric user ids exempt from the per-customer rules. */
  allowlist: readonly string[];
}

export interface LimitRecipient {
  id: string;
  /** Known when the agent named the customer by handle: it reads better than an id. */
  handle?: string;
}

/** How long one request to a customer keeps every other one away. */
export function recipientWindowMs(settings: Pick<LimitSettings, 'recipientDays'>): number {
  const days = settings.recipientDays;
  if (!Number.isFinite(days)) throw new RangeError(`Not a number of days: ${days}`);
  return Math.max(MIN_RECIPIENT_DAYS, days) * DAY_MS;
}

function withoutAt(handle: string): string {
  return handle.trim().replace(/^@/, '');
}

/** Twitter compares handles without regard to case; ids are compared exactly. */
export function isAllowlisted(allowlist: readonly string[], recipient: LimitRecipient): boolean {
  const handle = recipient.handle === undefined ? undefined : withoutAt(recipient.handle).toLowerCase();
  return allowlist.some((entry) => {
    const listed = parseRecipient(entry);
    if (listed?.kind === 'id') return listed.id === recipient.id;
    return listed?.kind === 'handle' && handle !== undefined && listed.screen_name.toLowerCase() === handle;
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MINUTE_MS = 60_000;

function stamp(date: Date, withYear: boolean): { day: string; time: string } {
  const pad = (n: number) => String(n).padStart(2, '0');
  const year = withYear ? ` ${date.getUTCFullYear()}` : '';
  return {
    day: `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}${year}`,
    time: `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`,
  };
}

// Rounded up: an agent who tries again at the minute shown must not be refused again.
function nextPossible(retryAt: Date, withYear = false): string {
  const { day, time } = stamp(new Date(Math.ceil(retryAt.getTime() / MINUTE_MS) * MINUTE_MS), withYear);
  return `Next possible: ${day} ${time}.`;
}

export function accountDailyRefusal(limit: number, retryAt: Date): Refusal {
  return {
    rule: 'account_daily',
    retryAt,
    message:
      `The business account has sent ${limit.toLocaleString('en-US')} feedback requests in the last 24 hours, ` +
      `as many as Twitter allows. ${nextPossible(retryAt)}`,
  };
}

/** `windowMs` as `recipientWindowMs` gave it; the rule named is the one that sets the retry time. */
export function recipientRefusal(recipient: LimitRecipient, askedAt: Date, windowMs: number): Refusal {
  const retryAt = new Date(askedAt.getTime() + windowMs);
  const daily = windowMs <= DAY_MS;
  const who = recipient.handle === undefined ? `The customer with user id ${recipient.id}` : `@${withoutAt(recipient.handle)}`;
  const withYear = askedAt.getUTCFullYear() !== retryAt.getUTCFullYear();
  const asked = stamp(askedAt, withYear);
  const rule = daily
    ? 'Twitter allows one request per customer per day'
    : `this workspace allows one request per customer every ${windowMs / DAY_MS} days`;
  return {
    rule: daily ? 'recipient_daily' : 'recipient_weekly',
    retryAt,
    message: `${who} was already asked for feedback on ${asked.day} at ${asked.time}; ${rule}. ${nextPossible(retryAt, withYear)}`,
  };
}

export function pausedRefusal(until: Date): Refusal {
  return {
    rule: 'account_paused',
    retryAt: until,
    message: `Twitter asked the business account to pause after it reached a rate limit. ${nextPossible(until)}`,
  };
}
