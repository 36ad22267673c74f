import type { Param } from '../domain/feedback-request.js';
import { isRateLimited, type TwitterFailure } from '../twitter/wire.js';

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

const DMS_CLOSED = 'does not accept Direct Messages from';

/** Whether a problem with the customer, as dmsClosed words it, is their closed DMs. */
export function saysDmsClosed(problem: string): boolean {
  return problem.includes(DMS_CLOSED);
}

/**
 * Twitter said, before anything was sent, that the customer (`who`: "@jack" or a user id)
 * does not accept Direct Messages from the business account `business` (a screen name).
 */
export function dmsClosed(who: string, business: string): string {
  const customer = who.startsWith('@') ? who : `The customer with user id ${who}`;
  const account = `@${business}`;
  return (
    `${customer} ${DMS_CLOSED} ${account}, so nothing was sent. Ask the customer to follow ` +
    `${account} or to allow messages from everyone (Twitter settings: Privacy and safety, Direct Messages), then send again.`
  );
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
