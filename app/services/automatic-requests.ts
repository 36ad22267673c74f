import { randomUUID } from 'node:crypto';
import { readAutomatic, type AutomaticErrors, type AutomaticInput } from '../domain/automatic-request.js';
import { parseRecipient, type RawDraft } from '../domain/feedback-request.js';
import { isExcluded, sampledIn } from '../domain/sending-policy.js';
import { claimLock, type Lock } from '../store/lock.js';
import type { Records, Store } from '../store/store.js';
import type { AccountSource } from './account-source.js';
import type { SendResult } from './feedback-relay.js';
import type { Admission, FeedbackRequests } from './feedback-requests.js';
import type { Directory } from './permissions.js';
import type { SendLimits } from './send-limits.js';
import type { SendLog, SendRecord } from './send-log.js';
import type { SettingsSource } from './settings.js';
import { saysDmsClosed } from './twitter-outcome.js';

export type { AutomaticInput } from '../domain/automatic-request.js';

export type AutomaticStatus = 'scheduled' | 'sending' | 'sent' | 'not_sent' | 'unknown' | 'cancelled';

/** What GET returns: JSON-safe, and never a score. */
export interface AutomaticRequest {
  id: string;
  status: AutomaticStatus;
  /** Plain words, for not_sent, unknown and cancelled. */
  reason?: { code: string; message: string };
  source: 'api' | 'workflow';
  created_at: string;
  send_after: string;
  sent_at?: string;
  feedback_id?: string;
  customer: string;
  external_id?: string;
  test: boolean;
}

/** Where an automatic request came from; a workflow step's run is completed with its outcome. */
export interface Origin {
  source: 'api' | 'workflow';
  /** The Workflow Builder step's function_execution_id. */
  execution?: string;
}

/** A request whose outcome is final (or, for a workflow, decided), for whoever must hear of it. */
export interface AutomaticOutcome {
  teamId: string;
  request: AutomaticRequest;
  notify?: { channel: string; thread_ts?: string };
  execution?: string;
  /** The Slack user it is attributed to, if a Slack user id was given. */
  agentId?: string;
}

/** As kept in the store: the public view, plus what sending and telling need. */
interface AutomaticRecord extends AutomaticRequest {
  team_id: string;
  draft: RawDraft;
  /** The Slack user the send is attributed to, or AUTOMATIC_AGENT. */
  agent_id: string;
  /** As given: a Slack user id or an email address. */
  agent?: string;
  account_id?: string;
  notify?: AutomaticOutcome['notify'];
  execution?: string;
  /** When this request was taken to be sent: a taker that died is recognised by it. */
  sending_since?: number;
}

/** Sends nobody in Slack asked for: the admins who made the API key or built the workflow allowed them. */
export const AUTOMATIC_AGENT = 'automatic';

/**
 * Automatic requests are let through by the admins who set them up (an API key, a workflow);
 * the `agent` they name is attribution, never a permission to check.
 */
const AUTHORISED: Directory = { isWorkspaceAdmin: async () => true, usergroupMembers: async () => [] };

/** Every instance takes due requests from this one time-ordered set; members are `team/id`. */
const DUE = 'automatic-due';
/** Requests sent side by side in one step of a run. */
const BATCH = 25;
/** App Home lists this many of a workspace's latest automatic requests. */
const LATEST_KEPT = 20;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function latestSet(teamId: string): string {
  return `automatic-latest:${teamId}`;
}

function view(record: AutomaticRecord): AutomaticRequest {
  const { id, status, reason, source, created_at, send_after, sent_at, feedback_id, customer, external_id, test } = record;
  return {
    id,
    status,
    ...(reason ? { reason } : {}),
    source,
    created_at,
    send_after,
    ...(sent_at ? { sent_at } : {}),
    ...(feedback_id ? { feedback_id } : {}),
    customer,
    ...(external_id !== undefined ? { external_id } : {}),
    test,
  };
}

type Final = Pick<AutomaticRequest, 'status' | 'reason' | 'feedback_id' | 'sent_at'>;

const INTERRUPTED: Final = {
  status: 'unknown',
  reason: {
    code: 'interrupted',
    message:
      "The app stopped while sending this request, so it is not known whether the customer got it. Check the business account's Direct Messages before asking again.",
  },
};

const LISTED: Final = {
  status: 'not_sent',
  reason: {
    code: 'excluded',
    message: 'Skipped: this customer is on the workspace’s list of customers never asked automatically.',
  },
};

/** A send's outcome, as an automatic request reports it. */
function fromResult(result: SendResult, at: string): Final {
  if (result.status === 'sent') return { status: 'sent', feedback_id: result.feedback.id, sent_at: at };
  const { reason, action, field } = result.explanation;
  const code = result.status === 'unknown' ? 'unconfirmed' : field === 'to_user_id' ? 'dms_closed' : 'twitter';
  return { status: result.status, reason: { code, message: `${reason} ${action}` } };
}

/** A send record settled by another path (a stopped process's, settled on restart). */
function fromRecord(record: SendRecord): Final {
  if (record.status === 'sent') return { status: 'sent', feedback_id: record.feedback_id, sent_at: record.updated_at };
  if (record.status === 'unknown')
    return { ...INTERRUPTED, reason: { code: 'unconfirmed', message: record.reason ?? INTERRUPTED.reason!.message } };
  return { status: 'not_sent', reason: { code: 'twitter', message: record.reason ?? 'Twitter did not take the request.' } };
}

function refusedBy(admission: Exclude<Admission, { kind: 'ready' } | { kind: 'duplicate' }>): Final {
  switch (admission.kind) {
    case 'refused':
      return { status: 'not_sent', reason: { code: 'limit', message: admission.refusal.message } };
    case 'no_account':
      return {
        status: 'not_sent',
        reason: { code: 'no_account', message: 'No Twitter account is connected to send as: an admin connects one in App Home.' },
      };
    case 'forbidden':
      return { status: 'not_sent', reason: { code: 'forbidden', message: 'Sending is not allowed for this request.' } };
    case 'invalid': {
      const [field, problem] = Object.entries(admission.errors)[0] ?? ['customer', 'The request was refused.'];
      const code = field === 'to_user_id' ? (saysDmsClosed(problem) ? 'dms_closed' : 'customer') : 'invalid';
      return { status: 'not_sent', reason: { code, message: problem } };
    }
  }
}

export interface AutomaticRequestsParts {
  requests: Pick<FeedbackRequests, 'admit' | 'send'>;
  settings: Pick<SettingsSource, 'forWorkspace'>;
  accounts: Pick<AccountSource, 'list'>;
  log: Pick<SendLog, 'get' | 'recent'>;
  limits: Pick<SendLimits, 'release'>;
  store: Pick<Store, 'records' | 'schedule' | 'takeDue' | 'unschedule' | 'claim' | 'unclaim' | 'mark' | 'unmark' | 'members'>;
  /**
   * How long a taken request is left to its taker before another instance looks at it: a
   * taker that died is taken over after this, and never sends it again.
   */
  holdMs: number;
  /** Told of every final outcome, and of a workflow's decided one; failures there are its own to report. */
  tell?: (outcome: AutomaticOutcome) => Promise<void>;
  /** Work that goes on after the caller was answered; shutdown waits for it. */
  background?: (work: Promise<unknown>) => void;
  now?: () => number;
}

/**
 * Requests that helpdesks (the HTTP API) and workflows make, under the workspace's policy:
 * recorded, scheduled in the store, taken when due by one instance, and sent through the
 * same gate, limits, DM check and sending path as an agent's. None is dropped silently:
 * a skipped one is recorded as not sent, with the reason.
 */
export class AutomaticRequests {
  private readonly records: Records;
  private readonly lock: Lock;
  private readonly now: () => number;
  /** Members this process is sending now. */
  private readonly working = new Set<string>();

  constructor(private readonly parts: AutomaticRequestsParts) {
    this.records = parts.store.records('automatic');
    this.lock = claimLock(parts.store);
    this.now = parts.now ?? Date.now;
  }

  async submit(
    teamId: string,
    input: AutomaticInput,
    origin: Origin,
  ): Promise<{ ok: true; request: AutomaticRequest } | { ok: false; errors: Record<string, string> }> {
    const settings = await this.parts.settings.forWorkspace(teamId);
    const now = this.now();
    const read = readAutomatic(input, settings, now);
    const errors: AutomaticErrors = read.ok ? {} : read.errors;
    let accountId: string | undefined;
    // Checked even when other fields are wrong, so that every mistake is told at once.
    const account = typeof (input as { account?: unknown })?.account === 'string' ? input.account!.trim() : '';
    if (account) {
      const named = account.replace(/^@/, '').toLowerCase();
      const accounts = await this.parts.accounts.list(teamId);
      accountId = accounts.find((a) => a.user_id === named || a.screen_name.toLowerCase() === named)?.user_id;
      if (!accountId) {
        const connected = accounts.map((a) => `@${a.screen_name}`).join(', ');
        errors.account = `No connected Twitter account is ${account}. ${connected ? `Connected: ${connected}.` : 'None is connected.'}`;
      }
    }
    if (!read.ok || Object.keys(errors).length) return { ok: false, errors: errors as Record<string, string> };

    const asked = read.value;
    const { policy } = settings;
    const at = new Date(now).toISOString();
    const given = parseRecipient(asked.customer);
    const record: AutomaticRecord = {
      id: randomUUID(),
      status: 'scheduled',
      source: origin.source,
      created_at: at,
      send_after: new Date(asked.dueAt).toISOString(),
      customer: asked.customer,
      ...(asked.external_id !== undefined ? { external_id: asked.external_id } : {}),
      test: asked.draft.test === true,
      team_id: teamId,
      draft: asked.draft,
      agent_id: asked.agent && !asked.agent.includes('@') ? asked.agent : AUTOMATIC_AGENT,
      ...(asked.agent ? { agent: asked.agent } : {}),
      ...(accountId ? { account_id: accountId } : {}),
      ...(asked.notify ? { notify: asked.notify } : {}),
      ...(origin.execution ? { execution: origin.execution } : {}),
    };
    let skipped: Final | undefined;
    if (asked.exclude) {
      skipped = {
        status: 'not_sent',
        reason: { code: 'excluded', message: 'Skipped: the request asked for it (exclude: true).' },
      };
    } else if (isExcluded(policy.excluded, given?.kind === 'id' ? { id: given.id } : { handle: given?.screen_name })) {
      skipped = LISTED;
    } else if (!sampledIn(policy.sampling_percent, teamId, asked.customer, asked.external_id)) {
      skipped = {
        status: 'not_sent',
        reason: {
          code: 'sampled_out',
          message: `Skipped by sampling: the workspace asks ${policy.sampling_percent} % of customers, and this customer and ticket fall outside that share.`,
        },
      };
    }
    const kept = skipped ? { ...record, ...skipped } : record;
    await this.records.set({ teamId }, this.key(record.id), kept);
    await this.parts.store.mark(latestSet(teamId), `${at}/${record.id}`);
    if (skipped) this.later(this.tell(kept));
    else await this.parts.store.schedule(DUE, `${teamId}/${record.id}`, asked.dueAt);
    return { ok: true, request: view(kept) };
  }

  async get(teamId: string, id: string): Promise<AutomaticRequest | undefined> {
    const record = await this.load(teamId, id);
    return record && view(record);
  }

  /** Only a request still waiting for its time can be cancelled: one being sent is no longer the caller's to stop. */
  async cancel(
    teamId: string,
    id: string,
  ): Promise<
    { ok: true; request: AutomaticRequest } | { ok: false; reason: 'not_found' | 'not_scheduled'; request?: AutomaticRequest }
  > {
    if (!(await this.load(teamId, id))) return { ok: false, reason: 'not_found' };
    const answer = await this.lock(this.lockKey(teamId, id), async () => {
      const record = await this.load(teamId, id);
      if (!record) return { ok: false as const, reason: 'not_found' as const };
      if (record.status !== 'scheduled') return { ok: false as const, reason: 'not_scheduled' as const, request: view(record) };
      const cancelled: AutomaticRecord = {
        ...record,
        status: 'cancelled',
        reason: { code: 'cancelled', message: 'Cancelled before it was sent.' },
      };
      await this.records.set({ teamId }, this.key(id), cancelled);
      return { ok: true as const, record: cancelled };
    });
    if (!answer.ok) return answer;
    await this.parts.store.unschedule(DUE, `${teamId}/${id}`);
    this.later(this.tell(answer.record));
    return { ok: true, request: view(answer.record) };
  }

  /** A workspace's latest automatic requests, newest first, for supervisors. */
  async latest(teamId: string, limit = 10): Promise<AutomaticRequest[]> {
    const set = latestSet(teamId);
    const newestFirst = (await this.parts.store.members(set)).sort().reverse();
    // Only the newest are ever shown: older ones leave the set as they are passed over.
    await Promise.all(newestFirst.slice(LATEST_KEPT).map((member) => this.parts.store.unmark(set, member)));
    const ids = newestFirst.slice(0, Math.min(limit, LATEST_KEPT)).map((member) => member.slice(member.lastIndexOf('/') + 1));
    const found = await Promise.all(ids.map((id) => this.get(teamId, id)));
    return found.filter((request): request is AutomaticRequest => request !== undefined);
  }

  /**
   * Sends what is due, batch after batch, until nothing is: any number of instances may run
   * this at once, as each request is taken by one. A request that fails here comes due again
   * once its hold is over; the run goes on with the others and reports the first failure.
   */
  async runDue(): Promise<number> {
    let done = 0;
    let failure: unknown;
    const teams = new Set<string>();
    for (;;) {
      const taken = await this.parts.store.takeDue(DUE, this.now(), BATCH, this.parts.holdMs);
      if (!taken.length) break;
      const settled = await Promise.allSettled(taken.map((member) => this.sendDue(member, teams)));
      for (const one of settled) if (one.status === 'rejected') failure ??= one.reason;
      done += taken.length;
    }
    // The agent-less sends' list in the send log is never shown; it is kept short here.
    await Promise.all([...teams].map((teamId) => this.parts.log.recent(teamId, AUTOMATIC_AGENT, 0)));
    if (failure) throw failure;
    return done;
  }

  private async sendDue(member: string, teams: Set<string>): Promise<void> {
    const now = this.now();
    // Still being sent by this very process, past its hold: held again rather than taken for a dead taker's.
    if (this.working.has(member)) return this.parts.store.schedule(DUE, member, now + this.parts.holdMs);
    this.working.add(member);
    try {
      await this.sendTaken(member, teams, now);
    } finally {
      this.working.delete(member);
    }
  }

  private async sendTaken(member: string, teams: Set<string>, now: number): Promise<void> {
    const [teamId, id] = member.split('/');
    const step = await this.lock(this.lockKey(teamId, id), async () => {
      const record = await this.load(teamId, id);
      if (record?.status === 'scheduled') {
        const sending: AutomaticRecord = { ...record, status: 'sending', sending_since: now };
        await this.records.set({ teamId }, this.key(id), sending);
        return { send: true as const, record: sending };
      }
      return { send: false as const, record };
    });
    if (step.send) {
      teams.add(teamId);
      await this.send(step.record);
      return;
    }
    const { record } = step;
    if (record?.status === 'sending') await this.takeOver(record, member);
    else await this.parts.store.unschedule(DUE, member);
  }

  /** Through the same gate and sending path as an agent's request; the send record is named after this request. */
  private async send(record: AutomaticRecord): Promise<void> {
    const { team_id: teamId, id } = record;
    const admission = await this.parts.requests.admit({
      teamId,
      agentId: record.agent_id,
      directory: AUTHORISED,
      draft: record.draft,
      key: `automatic:${id}`,
      accountId: record.account_id,
    });
    if (admission.kind === 'duplicate') return this.takeOver(record, `${teamId}/${id}`);
    if (admission.kind !== 'ready') return this.finish(record, refusedBy(admission));
    const { recipient } = admission.sending.prepared;
    // Only now is the id of a customer named by handle known: an exclusion by id applies to it too.
    if (
      isExcluded((await this.parts.settings.forWorkspace(teamId)).policy.excluded, { id: recipient.id, handle: recipient.handle })
    ) {
      await this.parts.limits.release(admission.sending.reservation);
      return this.finish(record, LISTED);
    }
    const { result } = await this.parts.requests.send({ ...admission.sending, recordId: id });
    await this.finish(record, fromResult(result, new Date(this.now()).toISOString()));
  }

  /**
   * A request another taker began: its send record tells what became of it. A taker that died
   * before writing one sent nothing, but its places may be held, so it is reported unknown
   * rather than sent again; one still sending is left to finish, or to be settled as
   * interrupted by the sends' own reconciling.
   */
  private async takeOver(record: AutomaticRecord, member: string): Promise<void> {
    const sent = await this.parts.log.get(record.team_id, record.id);
    if (sent && sent.status !== 'pending') return this.finish(record, fromRecord(sent));
    const now = this.now();
    const since = record.sending_since ?? 0;
    // A send left pending is the sends' reconciling's to settle; one it never lists (its taker died before listing
    // it) is reported unknown here once the reconciling has had its time.
    const waiting = sent ? now - Date.parse(sent.created_at) < 2 * this.parts.holdMs : now - since < this.parts.holdMs;
    if (waiting) {
      await this.parts.store.schedule(DUE, member, Math.max(now, since) + this.parts.holdMs);
      return;
    }
    await this.finish(record, INTERRUPTED);
  }

  private async finish(record: AutomaticRecord, final: Final): Promise<void> {
    const { sending_since: _since, ...rest } = record;
    const settled: AutomaticRecord = { ...rest, ...final };
    await this.records.set({ teamId: record.team_id }, this.key(record.id), settled);
    await this.parts.store.unschedule(DUE, `${record.team_id}/${record.id}`);
    this.later(this.tell(settled));
  }

  private tell(record: AutomaticRecord): Promise<void> {
    if (!this.parts.tell || (!record.notify && !record.execution)) return Promise.resolve();
    return this.parts.tell({
      teamId: record.team_id,
      request: view(record),
      ...(record.notify ? { notify: record.notify } : {}),
      ...(record.execution ? { execution: record.execution } : {}),
      ...(record.agent_id !== AUTOMATIC_AGENT ? { agentId: record.agent_id } : {}),
    });
  }

  private later(work: Promise<unknown>): void {
    const quiet = work.catch(() => undefined);
    if (this.parts.background) this.parts.background(quiet);
  }

  private async load(teamId: string, id: string): Promise<AutomaticRecord | undefined> {
    // Ids come from URLs: anything but one this service made names nothing.
    if (!ID.test(id)) return undefined;
    return this.records.get<AutomaticRecord>({ teamId }, this.key(id));
  }

  private key(id: string): string {
    return `request-${id}`;
  }

  private lockKey(teamId: string, id: string): string {
    return `automatic:${teamId}:${id}`;
  }
}
