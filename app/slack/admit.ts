import { checkDraft, type FieldErrors, type RawDraft } from '../domain/feedback-request.js';
import type { Refusal } from '../domain/limits.js';
import type { BusinessAccount, Prepared } from '../services/feedback-relay.js';
import type { Reservation } from '../services/send-limits.js';
import type { Services } from './services.js';

/** Everything a send needs once it has been let through. */
export interface Sending {
  teamId: string;
  account: BusinessAccount;
  prepared: Prepared;
  reservation: Reservation;
}

export type Admission =
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'no_account' }
  /** This submission is already being sent: a retry or a double click. */
  | { kind: 'duplicate' }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'ready'; sending: Sending };

/** Submissions are remembered this long, so Slack's retries and double clicks send once. */
const SUBMISSION_MEMORY_MS = 24 * 60 * 60 * 1000;

/**
 * The gate every entry point's submission passes, in order: the parameters' rules, the
 * workspace's account, the recipient's id, once only, and within the send limits.
 * Nothing reaches Twitter's feedback/create unless this answers `ready`.
 */
export async function admit(services: Services, teamId: string, raw: RawDraft, submissionKey: string): Promise<Admission> {
  const checked = checkDraft(raw);
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  const account = await services.accounts.forWorkspace(teamId);
  if (!account) return { kind: 'no_account' };
  const prepared = await services.relay.prepare(account, checked.value);
  if (!prepared.ok) return { kind: 'invalid', errors: prepared.errors };

  const claim = `submission:${teamId}:${submissionKey}`;
  if (!(await services.claim(claim, SUBMISSION_MEMORY_MS))) return { kind: 'duplicate' };
  const settings = await services.settings.forWorkspace(teamId);
  const reserved = await services.relay.reserve(teamId, account, prepared.value, settings);
  if (!reserved.ok) {
    // Nothing goes out, so the same submission may be tried again once the limit allows.
    await services.unclaim(claim);
    return { kind: 'refused', refusal: reserved.refusal };
  }
  return { kind: 'ready', sending: { teamId, account, prepared: prepared.value, reservation: reserved.reservation } };
}
