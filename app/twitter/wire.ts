import type { AnswerEvent } from '../domain/answers.js';

/** Twitter's requests and answers as the app reads them; snake_case names are Twitter's own. */

/** feedback/create's answer; every id stays a string. */
export interface FeedbackCreated {
  id: string;
  type: string;
  test: boolean;
  dm_id: string;
  from_user_id: string;
  to_user_id: string;
  privacy_url?: string;
  external_id?: string;
  question_variant_id?: string;
  display_name?: string;
  created_at?: string;
  updated_at?: string;
}

/** events.json's first page of a window (epoch milliseconds, inclusive; count at most 100), or a later one. */
export type EventsQuery = { from_time: number; to_time: number; count: number } | { cursor: string };

/** One page of events.json, each event checked; those that did not read are named, not kept. */
export interface EventsPage {
  events: AnswerEvent[];
  refused: Array<{ field: string; problem: string }>;
  /** Absent on the window's last page. */
  next_cursor?: string;
}

export interface TwitterError {
  code: number;
  message: string;
}

/** What went wrong with a Twitter call, as far as the app can know. */
export type TwitterFailure =
  | { kind: 'refused'; status: number; errors: TwitterError[]; resetAt?: Date }
  /** Nothing reached Twitter (refused connection, unknown host): safe to try again. */
  | { kind: 'unreachable'; detail: string }
  /** The request may have reached Twitter: it must not be sent again blindly. */
  | { kind: 'uncertain'; detail: string };

/** A business's access token and secret (3-legged OAuth). */
export interface TwitterTokens {
  access_token: string;
  access_token_secret: string;
}

/** A request token: what the business's user authorizes on Twitter. */
export interface RequestToken {
  oauth_token: string;
  oauth_token_secret: string;
  oauth_callback_confirmed: boolean;
}

/** The access token a request token is exchanged for, and the account it acts for. */
export interface AccessToken {
  oauth_token: string;
  oauth_token_secret: string;
  user_id: string;
  screen_name: string;
}

export interface TwitterUser {
  /** Kept as a string: 64-bit ids lose digits as JS numbers. */
  id_str: string;
  screen_name: string;
  name: string;
}

export interface RateLimit {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export type TwitterResult<T> =
  | { ok: true; data: T; rateLimit?: RateLimit; serverDate?: Date }
  | { ok: false; failure: TwitterFailure; rateLimit?: RateLimit; serverDate?: Date };

/** Twitter refused the request's timestamp: this server's clock is off (code 135). */
export function isClockSkew(failure: TwitterFailure): boolean {
  return failure.kind === 'refused' && failure.errors.some((e) => e.code === 135);
}

/** Twitter certainly did not act on the request: it never arrived, or was turned away unread. */
export function notReceived(failure: TwitterFailure): boolean {
  if (failure.kind === 'unreachable') return true;
  return failure.kind === 'refused' && failure.status === 503 && failure.errors.some((e) => e.code === 130);
}

/** Twitter asked the account to stop for a while (HTTP 429 or code 88). */
export function isRateLimited(failure: TwitterFailure): boolean {
  return failure.kind === 'refused' && (failure.status === 429 || failure.errors.some((e) => e.code === 88));
}
