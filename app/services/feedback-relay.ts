import {
  toRequest,
  formParams,
  type CheckedDraft,
  type Checked,
  type FeedbackRequest,
} from '../domain/feedback-request.js';
import { explain, type Explanation, type FeedbackCreated } from '../domain/outcome.js';
import { questionText } from '../domain/variants.js';
import type { TwitterClient, TwitterTokens } from '../twitter/client.js';

/** A handle is looked up before Slack's 3-second window for the submission closes. */
const LOOKUP_TIMEOUT_MS = 2000;

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
 * Turns a checked draft into a feedback/create call on the business's behalf. It holds
 * no Slack knowledge: the listeners give it parameters and show what it answers.
 */
export class FeedbackRelay {
  constructor(private readonly twitter: TwitterClient) {}

  /** A handle becomes the numeric id Twitter wants; problems come back on to_user_id. */
  async prepare(account: BusinessAccount, draft: CheckedDraft): Promise<Checked<{ request: FeedbackRequest; recipient: Recipient }>> {
    let recipient: Recipient;
    if (draft.recipient.kind === 'id') {
      recipient = { id: draft.recipient.id, label: draft.recipient.id };
    } else {
      const handle = `@${draft.recipient.screen_name}`;
      const found = await this.twitter.showUser(account.tokens, draft.recipient.screen_name, LOOKUP_TIMEOUT_MS);
      if (!found.ok) {
        const explanation = explain(found.failure);
        const notFound = found.failure.kind === 'refused' && found.failure.errors.some((e) => e.code === 50 || e.code === 63);
        return {
          ok: false,
          errors: {
            to_user_id: notFound
              ? `Twitter has no active user ${handle}. Check the handle, or enter the numeric user id.`
              : `Could not look up ${handle}: ${explanation.reason} Enter the numeric user id instead, or try again.`,
          },
        };
      }
      recipient = { id: found.data.id_str, label: `${handle}` };
    }
    const checked = toRequest(draft, recipient.id);
    return checked.ok ? { ok: true, value: { request: checked.value, recipient } } : checked;
  }

  async send(account: BusinessAccount, request: FeedbackRequest, recipient: Recipient): Promise<SendResult> {
    const question = questionText(request.type, request.question_variant_id, request.display_name ?? account.name);
    const answer = await this.twitter.createFeedback(account.tokens, formParams(request));
    if (answer.ok) return { status: 'sent', request, recipient, question, feedback: answer.data };
    return {
      status: answer.failure.kind === 'uncertain' ? 'unknown' : 'not_sent',
      request,
      recipient,
      question,
      explanation: explain(answer.failure),
    };
  }
}
