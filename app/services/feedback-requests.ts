import { checkDraft, toRawDraft, type FieldErrors, type RawDraft } from '../domain/feedback-request.js';
import { DAY_MS, type Refusal } from '../domain/limits.js';
import { questionText } from '../domain/variants.js';
import type { Store } from '../store/store.js';
import type { AccountSource } from './account-source.js';
import type { BusinessAccount, FeedbackRelay, Prepared, SendResult } from './feedback-relay.js';
import { maySend, type Directory } from './permissions.js';
import type { SendLimits, Reservation } from './send-limits.js';
import type { SendLog, SendRecord, SlackThread } from './send-log.js';
import type { SettingsSource, WorkspaceSettings } from './settings.js';

/** Who asks, and where: the same for every entry point. */
export interface Agent {
  teamId: string;
  /** The person asking (a Slack user id), never the business's account. */
  agentId: string;
  /** Answers who belongs to the groups allowed to send. */
  directory: Directory;
}

export interface Submission extends Agent {
  draft: RawDraft;
  /** Names this submission, so that a second delivery of it is recognised. */
  key: string;
  /** The business account the agent chose to send as, if any. */
  accountId?: string;
}

/** Everything a send needs once it has been let through. */
export interface Sending {
  teamId: string;
  agentId: string;
  account: BusinessAccount;
  prepared: Prepared;
  reservation: Reservation;
  /** The send record's id, for a caller that looks for its outcome after a crash; else a new one. */
  recordId?: string;
}

/** Why a request was not let through; `duplicate` means it is already being sent. */
export type Refused =
  | { kind: 'forbidden' }
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'no_account' }
  | { kind: 'refused'; refusal: Refusal };

export type Admission = Refused | { kind: 'duplicate' } | { kind: 'ready'; sending: Sending };

/** Send again may be asked only for the agent's own record whose outcome nobody could confirm. */
export type Resending = Admission | { kind: 'not_again' };

export interface Sent {
  result: SendResult;
  /** The record an outcome nobody can confirm may be sent again from, by the agent's own click. */
  resendId?: string;
}

export interface Interrupted {
  record: SendRecord;
  result: SendResult;
}

export interface FeedbackRequestsParts {
  accounts: Pick<AccountSource, 'forWorkspace' | 'needsReconnect'>;
  settings: Pick<SettingsSource, 'forWorkspace'>;
  log: Pick<SendLog, 'begin' | 'settle' | 'get' | 'pending'>;
  limits: Pick<SendLimits, 'reserve' | 'release'>;
  relay: Pick<FeedbackRelay, 'prepare' | 'send'>;
  /** First caller wins, across every instance sharing the store. */
  claims: Pick<Store, 'claim' | 'unclaim'>;
  /** Told of every card Twitter created, so that its answer is asked for. */
  answers?: { cardSent(teamId: string, accountId: string, feedbackId: string): Promise<void> };
}

/** Submissions are remembered this long, so retries and double clicks send once. */
const SUBMISSION_MEMORY_MS = DAY_MS;

/**
 * A feedback request from start to finish, whichever entry point it comes from: the gate
 * it passes, its one send, Send again, and the settling of sends a stopped process left.
 * It answers in plain data; telling the agent is the entry point's part.
 */
export class FeedbackRequests {
  constructor(private readonly parts: FeedbackRequestsParts) {}

  /**
   * Whether the agent may start a request here at all (`read`: the workspace's settings,
   * when the entry point has them already): before a form or a confirmation
   * is shown, so that nobody fills one in for nothing.
   */
  async mayStart(
    agent: Agent,
    read?: WorkspaceSettings,
  ): Promise<{ kind: 'forbidden' } | { kind: 'no_account' } | { kind: 'ok'; account: BusinessAccount }> {
    const settings = read ?? (await this.parts.settings.forWorkspace(agent.teamId));
    if (!(await maySend(settings, agent.agentId, agent.directory))) return { kind: 'forbidden' };
    const account = await this.parts.accounts.forWorkspace(agent.teamId);
    return account ? { kind: 'ok', account } : { kind: 'no_account' };
  }

  /**
   * The gate every submission passes, in order: who may send, the parameters' rules, the
   * workspace's account, the recipient's id and whether they take the business's DMs,
   * once only, and within the send limits. Nothing reaches Twitter unless this answers
   * `ready`.
   */
  admit(submission: Submission): Promise<Admission> {
    return this.gate(submission);
  }

  /**
   * "Send again" on an outcome nobody could confirm: the agent checked the business's DMs
   * and asks for it explicitly. It passes the same gate as any submission, once; its
   * limit places are given back only once it is let through.
   */
  async sendAgain(agent: Agent, recordId: string): Promise<Resending> {
    const record = await this.parts.log.get(agent.teamId, recordId);
    if (!record || record.agent_id !== agent.agentId || record.status !== 'unknown') return { kind: 'not_again' };
    return this.gate(
      { ...agent, draft: toRawDraft(record.request), key: `resend:${record.id}`, accountId: record.account_id },
      record.reservation,
    );
  }

  /**
   * The one send: written down first, relayed to Twitter, settled. `tellAt` (a
   * response_url) is kept with the record, so the agent can be told even if this process
   * stops before it could. `thread`: the ticket thread it was asked from, kept for whoever reads its answer.
   */
  async send(sending: Sending, tellAt?: string, thread?: SlackThread): Promise<Sent> {
    const { teamId, agentId, account, prepared, reservation, recordId } = sending;
    const record = await this.parts.log.begin(teamId, agentId, account.user_id, prepared, reservation, tellAt, thread, recordId);
    const result = await this.parts.relay.send(teamId, account, prepared);
    // Only a request that certainly sent nothing gives its places back.
    if (result.status === 'not_sent') await this.parts.limits.release(reservation);
    await this.parts.log.settle(record, result);
    // A card left out of the polling schedule is still read with its account's events a day later: the
    // agent is told of a send that went out whatever that schedule could note.
    if (result.status === 'sent')
      await this.parts.answers?.cardSent(teamId, account.user_id, result.feedback.id).catch(() => undefined);
    if (result.status !== 'sent' && result.explanation.reconnect)
      await this.parts.accounts.needsReconnect(teamId, account.user_id);
    return { result, resendId: result.status === 'unknown' ? record.id : undefined };
  }

  /**
   * Sends left pending by a process that stopped mid-way (a crash, a kill) are settled as
   * unknown, never sent again by themselves. A claim per record makes one instance do it
   * when several share the store; it answers those this instance settled, to be told.
   */
  async settleInterrupted(graceMs: number): Promise<Interrupted[]> {
    const settled: Interrupted[] = [];
    for (const record of await this.parts.log.pending(graceMs)) {
      if (!(await this.parts.claims.claim(`reconcile:${record.team_id}:${record.id}`, DAY_MS))) continue;
      const account = await this.parts.accounts.forWorkspace(record.team_id, record.account_id);
      const { request, recipient } = record;
      const result: SendResult = {
        status: 'unknown',
        request,
        recipient,
        question: questionText(request.type, request.question_variant_id, request.display_name ?? account?.name ?? ''),
        explanation: {
          reason: 'The app stopped while sending this request, so it is not known whether the customer got it.',
          action: "Check the business account's Direct Messages; if the request is not there, use Send again.",
        },
      };
      settled.push({ record: await this.parts.log.settle(record, result), result });
    }
    return settled;
  }

  /** `releasing`: places an earlier try of the same request holds, given back once this one may go. */
  private async gate(submission: Submission, releasing?: Reservation): Promise<Admission> {
    const { teamId, agentId } = submission;
    // Read side by side, as the agent waits; the account only counts once the rest passed.
    const reading = this.parts.accounts.forWorkspace(teamId, submission.accountId);
    reading.catch(() => undefined);
    const settings = await this.parts.settings.forWorkspace(teamId);
    if (!(await maySend(settings, agentId, submission.directory))) return { kind: 'forbidden' };
    const checked = checkDraft(submission.draft);
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
    const account = await reading;
    if (!account) return { kind: 'no_account' };
    const prepared = await this.parts.relay.prepare(teamId, account, checked.value);
    if (!prepared.ok) return { kind: 'invalid', errors: prepared.errors };
    if (releasing) await this.parts.limits.release(releasing);

    const claim = `submission:${teamId}:${submission.key}`;
    if (!(await this.parts.claims.claim(claim, SUBMISSION_MEMORY_MS))) return { kind: 'duplicate' };
    const { request, recipient } = prepared.value;
    const reserved = await this.parts.limits.reserve({
      workspace: { teamId },
      accountId: account.user_id,
      recipientId: request.to_user_id,
      recipientHandle: recipient.handle,
      settings: { recipientDays: settings.recipient_days, allowlist: settings.allowlist },
    });
    if (!reserved.ok) {
      // Nothing goes out, so the same submission may be tried again once the limit allows.
      await this.parts.claims.unclaim(claim);
      return { kind: 'refused', refusal: reserved.refusal };
    }
    return { kind: 'ready', sending: { teamId, agentId, account, prepared: prepared.value, reservation: reserved.reservation } };
  }
}
