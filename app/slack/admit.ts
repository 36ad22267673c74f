import { checkDraft, type FieldErrors, type RawDraft } from '../domain/feedback-request.js';
import { DAY_MS, type Refusal } from '../domain/limits.js';
import type { BusinessAccount, Prepared } from '../services/feedback-relay.js';
import { maySend, type Directory } from '../services/permissions.js';
import type { Reservation } from '../services/send-limits.js';
import type { Services } from './services.js';

/** Everything a send needs once it has been let through. */
export interface Sending {
  teamId: string;
  userId: string;
  account: BusinessAccount;
  prepared: Prepared;
  reservation: Reservation;
}

export interface Submission {
  teamId: string;
  userId: string;
  raw: RawDraft;
  /** Names this submission, so that a second delivery of it is recognised. */
  key: string;
  /** The business account chosen under "Send as", if any. */
  accountId?: string;
  /** Places an earlier try of the same request still holds: given back only once this one is let through. */
  releasing?: Reservation;
}

export type Admission =
  | { kind: 'forbidden' }
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'no_account' }
  /** This submission is already being sent: a retry or a double click. */
  | { kind: 'duplicate' }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'ready'; sending: Sending };

/** Submissions are remembered this long, so Slack's retries and double clicks send once. */
const SUBMISSION_MEMORY_MS = DAY_MS;

/**
 * The gate every entry point's submission passes, in order: who may send, the
 * parameters' rules, the workspace's account, the recipient's id and whether they take
 * the business's DMs, once only, and within the send limits. Nothing reaches Twitter's
 * feedback/create unless this answers `ready`.
 */
export async function admit(services: Services, directory: Directory, submission: Submission): Promise<Admission> {
  const { teamId, userId } = submission;
  // Read side by side, as the agent waits; the account only counts once the rest passed.
  const reading = services.accounts.forWorkspace(teamId, submission.accountId);
  reading.catch(() => undefined);
  const settings = await services.settings.forWorkspace(teamId);
  if (!(await maySend(settings, userId, directory))) return { kind: 'forbidden' };
  const checked = checkDraft(submission.raw);
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  const account = await reading;
  if (!account) return { kind: 'no_account' };
  const prepared = await services.relay.prepare(teamId, account, checked.value);
  if (!prepared.ok) return { kind: 'invalid', errors: prepared.errors };
  if (submission.releasing) await services.relay.release(submission.releasing);

  const claim = `submission:${teamId}:${submission.key}`;
  if (!(await services.claim(claim, SUBMISSION_MEMORY_MS))) return { kind: 'duplicate' };
  const reserved = await services.relay.reserve(teamId, account, prepared.value, settings);
  if (!reserved.ok) {
    // Nothing goes out, so the same submission may be tried again once the limit allows.
    await services.unclaim(claim);
    return { kind: 'refused', refusal: reserved.refusal };
  }
  return { kind: 'ready', sending: { teamId, userId, account, prepared: prepared.value, reservation: reserved.reservation } };
}
