import type { Param } from './feedback-request.js';

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

/** Plain words for an agent: what happened, and what to do now. */
export interface Explanation {
  reason: string;
  action: string;
  /** The parameter the problem is about, when there is one. */
  field?: Param;
  /** The business's tokens no longer work. */
  reconnect?: boolean;
}

const TOKENS: Explanation = {
  reason: "Twitter did not accept the business account's connection (its tokens are wrong, expired or revoked).",
  action: 'Ask a workspace admin to reconnect the Twitter account, then send again.',
  reconnect: true,
};

const BY_CODE: Record<number, Explanation> = {
  32: TOKENS,
  89: TOKENS,
  135: {
    reason: "Twitter refused the request because this server's clock is off.",
    action: 'Try again in a minute; if it keeps happening, ask an admin to check the server clock.',
  },
  150: {
    reason: 'This customer does not accept Direct Messages from the business account.',
    action: 'Ask the customer to follow the business or open their DMs, then send again.',
    field: 'to_user_id',
  },
  349: {
    reason: 'This customer does not accept Direct Messages from the business account.',
    action: 'Ask the customer to follow the business or open their DMs, then send again.',
    field: 'to_user_id',
  },
  354: {
    reason: 'The message is longer than Twitter allows for a Direct Message.',
    action: 'Shorten the message and send again.',
    field: 'message',
  },
  50: {
    reason: 'Twitter has no user with that id or handle.',
    action: "Check the customer's handle or id and send again.",
    field: 'to_user_id',
  },
  63: {
    reason: 'That Twitter user is suspended.',
    action: 'Feedback cannot be sent to a suspended account.',
    field: 'to_user_id',
  },
  130: {
    reason: 'Twitter is over capacity right now.',
    action: 'Try again in a few minutes.',
  },
  131: {
    reason: 'Twitter had an internal error.',
    action: 'Try again in a few minutes.',
  },
};

function when(resetAt: Date | undefined): string {
  return resetAt ? ` after ${resetAt.toISOString().slice(11, 16)} UTC` : ' later';
}

/**
 * Twitter said, before anything was sent, that the customer (`who`: "@jack" or a user id)
 * does not accept Direct Messages from the business account `business` (a screen name).
 */
export function dmsClosed(who: string, business: string): string {
  const customer = who.startsWith('@') ? who : `The customer with user id ${who}`;
  const account = `@${business}`;
  return (
    `${customer} does not accept Direct Messages from ${account}, so nothing was sent. Ask the customer to follow ` +
    `${account} or to allow messages from everyone (Twitter settings: Privacy and safety, Direct Messages), then send again.`
  );
}

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

export function explain(failure: TwitterFailure): Explanation {
  if (failure.kind === 'unreachable') {
    return {
      reason: 'Twitter could not be reached, so nothing was sent.',
      action: 'Try again in a few minutes.',
    };
  }
  if (failure.kind === 'uncertain') {
    return {
      reason: 'Twitter did not answer in time, so it is not known whether the customer got the request.',
      action: "Check the business account's Direct Messages before sending again, so the customer is not asked twice.",
    };
  }
  const codes = failure.errors.map((e) => e.code);
  if (isRateLimited(failure)) {
    return {
      reason: 'The business account has reached a Twitter rate limit.',
      action: `Try again${when(failure.resetAt)}.`,
    };
  }
  for (const code of codes) {
    const known = BY_CODE[code];
    if (known) return known;
  }
  if (failure.status >= 500) return BY_CODE[131];
  if (failure.status === 401) return TOKENS;
  const said = failure.errors[0]?.message;
  return {
    reason: `Twitter refused the request${said ? `: "${said}"` : ''} (HTTP ${failure.status}${codes.length ? `, code ${codes.join(', ')}` : ''}).`,
    action: 'Check the fields and send again; if it keeps failing, tell an admin.',
  };
}
