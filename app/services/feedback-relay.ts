import { toRequest, formParams, type CheckedDraft, type Checked, type FeedbackRequest } from '../domain/feedback-request.js';
import { setTimeout as delay } from 'node:timers/promises';
import { questionText } from '../domain/variants.js';
import type { TwitterClient } from '../twitter/client.js';
import { isRateLimited, notReceived, type FeedbackCreated, type TwitterFailure, type TwitterTokens } from '../twitter/wire.js';
import type { DmCheck } from './dm-check.js';
import type { SendLimits } from './send-limits.js';
import { dmsClosed, explain, type Explanation } from './twitter-outcome.js';

/**
 * What prepare asks Twitter (the handle lookup, then the DM check) is over within this
 * time, leaving the rest of Slack's 3 seconds for the store and the answer's way back.
 */
const PREPARE_DEADLINE_MS = 2000;
/** The lookup's share: a slow lookup still leaves the DM check at least 500 ms. */
const LOOKUP_TIMEOUT_MS = 1500;
/** The DM check only spares a request, so it gives up sooner than the lookup must. */
const DM_CHECK_TIMEOUT_MS = 1000;
/** Waits before trying again a request that certainly did not reach Twitter. */
const RETRY_DELAYS_MS = [250, 1000];
/** When Twitter rate-limits without saying until when, the account rests this long. */
const DEFAULT_PAUSE_MS = 15 * 60 * 1000;

/** A business's Twitter account as the sending path needs it. */
export interface BusinessAccount {
  user_id: string;
  screen_name: string;
  name: string;
  tokens: TwitterTokens;
}

export interface Recipient {
  id: string;
  /** How the agent named the customer: "@jack" reads better than a 64-bit id. */
  label: string;
  /** The screen name, when the agent gave one: the allowlist may name it. */
  handle?: string;
}

export interface Prepared {
  request: FeedbackRequest;
  recipient: Recipient;
}

export type SendResult =
  | { status: 'sent'; request: FeedbackRequest; recipient: Recipient; question: string; feedback: FeedbackCreated }
  | {
      status: 'not_sent' | 'unknown';
      request: FeedbackRequest;
      recipient: Recipient;
      question: string;
      explanation: Explanation;
    };

/**
 * Turns a checked draft into a feedback/create call on the business's behalf, within
 * Twitter's limits: the Twitter side of a send, for FeedbackRequests. It holds no
 * Slack knowledge.
 */
export class FeedbackRelay {
  constructor(
    private readonly twitter: TwitterClient,
    private readonly limits: Pick<SendLimits, 'pauseAccount'>,
    private readonly dms: DmCheck,
  ) {}

  /**
   * A handle becomes the numeric id Twitter wants, and a customer Twitter says does not
   * accept the business's DMs is turned away before any limit is spent; problems come
   * back on to_user_id.
   */
  async prepare(teamId: string, account: BusinessAccount, draft: CheckedDraft): Promise<Checked<Prepared>> {
    const deadline = Date.now() + PREPARE_DEADLINE_MS;
    let recipient: Recipient;
    if (draft.recipient.kind === 'id') {
      recipient = { id: draft.recipient.id, label: draft.recipient.id };
    } else {
      const handle = `@${draft.recipient.screen_name}`;
      const found = await this.twitter.showUser(account.tokens, draft.recipient.screen_name, LOOKUP_TIMEOUT_MS);
      if (!found.ok) {
        return { ok: false, errors: { to_user_id: lookupFailed(handle, found.failure) } };
      }
      recipient = { id: found.data.id_str, label: handle, handle: draft.recipient.screen_name };
    }
    const checked = toRequest(draft, recipient.id);
    if (!checked.ok) return checked;
    const timeoutMs = Math.min(DM_CHECK_TIMEOUT_MS, deadline - Date.now());
    if ((await this.dms.check({ teamId }, account, recipient.id, timeoutMs)) === 'closed') {
      return { ok: false, errors: { to_user_id: dmsClosed(recipient.label, account.screen_name) } };
    }
    return { ok: true, value: { request: checked.value, recipient } };
  }

  /**
   * One feedback request, tried again only where Twitter certainly did not act on it:
   * nothing reached it, or it was over capacity before processing (the client itself
   * corrects a clock Twitter found off). Anything that may have arrived is never sent
   * again here.
   */
  private async createOnce(account: BusinessAccount, request: FeedbackRequest) {
    const params = formParams(request);
    let answer = await this.twitter.createFeedback(account.tokens, params);
    for (let attempt = 0; !answer.ok && notReceived(answer.failure) && attempt < RETRY_DELAYS_MS.length; attempt++) {
      await delay(RETRY_DELAYS_MS[attempt]);
      answer = await this.twitter.createFeedback(account.tokens, params);
    }
    return answer;
  }

  /** Pauses the account when Twitter says its rate limit is spent; places held are the caller's to give back. */
  async send(teamId: string, account: BusinessAccount, prepared: Prepared): Promise<SendResult> {
    const { request, recipient } = prepared;
    const question = questionText(request.type, request.question_variant_id, request.display_name ?? account.name);
    const answer = await this.createOnce(account, request);
    // Twitter's own count: when it says none are left, nothing more is tried until its reset.
    if (answer.rateLimit?.remaining === 0) await this.limits.pauseAccount({ teamId }, account.user_id, answer.rateLimit.resetAt);
    if (answer.ok) return { status: 'sent', request, recipient, question, feedback: answer.data };
    const { failure } = answer;
    if (failure.kind === 'refused' && isRateLimited(failure)) {
      const until = failure.resetAt ?? new Date(Date.now() + DEFAULT_PAUSE_MS);
      await this.limits.pauseAccount({ teamId }, account.user_id, until);
    }
    return {
      status: failure.kind === 'uncertain' ? 'unknown' : 'not_sent',
      request,
      recipient,
      question,
      explanation: explain(failure),
    };
  }
}

/**
 * Only Twitter's "no such user" (50) or "suspended" (63) is about the handle; anything
 * else (tokens refused, a rate limit, no answer) is about the lookup, and says so.
 */
function lookupFailed(handle: string, failure: TwitterFailure): string {
  if (failure.kind === 'refused' && failure.errors.some((e) => e.code === 50 || e.code === 63)) {
    return `Twitter has no active user ${handle}. Check the handle, or enter the numeric user id.`;
  }
  const { reason, action, reconnect } = explain(failure);
  // A numeric id needs no lookup, but it does not help an account that must be reconnected.
  return `Could not look up ${handle}: ${reason} ${action}${reconnect ? '' : ' Or enter the numeric user id instead.'}`;
}
