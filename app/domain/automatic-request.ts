import { checkDraft, type Param, type RawDraft } from './feedback-request.js';
import { MAX_DELAY_MINUTES } from './sending-policy.js';
import { fillMessage, type WorkspaceSettings } from './workspace-settings.js';

/** A request a helpdesk or a workflow makes, named as the HTTP API takes it. */
export interface AutomaticInput {
  /** A numeric Twitter user id or an @handle. */
  customer: string;
  /** The ticket. */
  external_id?: string;
  type?: string;
  question_variant_id?: number | string;
  message?: string;
  display_name?: string;
  privacy_url?: string;
  test?: boolean;
  /** A Slack user id or an email address, for attribution. */
  agent?: string;
  /** Which connected Twitter account sends it: its user id or @screen_name. */
  account?: string;
  /** Seconds from now, or an ISO 8601 time. */
  send_after?: number | string;
  /** Where the outcome is posted. */
  notify?: { channel: string; thread_ts?: string };
  /** Skip this one: recorded as not sent, excluded. */
  exclude?: boolean;
}

export type AutomaticField = keyof AutomaticInput;
export type AutomaticErrors = Partial<Record<AutomaticField, string>>;

/** What was asked, checked and with the workspace's defaults filled in. */
export interface ReadAutomatic {
  draft: RawDraft;
  customer: string;
  external_id?: string;
  agent?: string;
  account?: string;
  /** Epoch milliseconds. */
  dueAt: number;
  notify?: { channel: string; thread_ts?: string };
  exclude: boolean;
}

/** feedback/create's parameters by the names the API gives them: only the customer differs. */
const API_NAME: Partial<Record<Param, AutomaticField>> = { to_user_id: 'customer' };

const TEXT_FIELDS = ['customer', 'external_id', 'type', 'message', 'display_name', 'privacy_url', 'agent', 'account'] as const;
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CHANNEL = /^[CGD][A-Z0-9]{2,}$/;
const TS = /^[0-9]{1,12}\.[0-9]{1,8}$/;
const MAX_DELAY_SECONDS = MAX_DELAY_MINUTES * 60;
const WITHIN = `0 to ${MAX_DELAY_SECONDS.toLocaleString('en-US')} seconds from now (30 days)`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seconds from now or an ISO time, as epoch milliseconds; a time already past means now. */
function dueAt(value: unknown, now: number, defaultMinutes: number): number | string {
  if (value === undefined || value === null) return now + defaultMinutes * 60_000;
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 && value <= MAX_DELAY_SECONDS
      ? now + Math.round(value * 1000)
      : `Seconds must be from ${WITHIN}.`;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return 'Not a time: write it as ISO 8601, e.g. 2025-05-01T09:30:00Z.';
    if (at > now + MAX_DELAY_SECONDS * 1000) return 'At most 30 days ahead.';
    return Math.max(at, now);
  }
  return `Give seconds (${WITHIN}) or an ISO 8601 time such as 2025-05-01T09:30:00Z.`;
}

/**
 * An automatic request as given (any JSON), checked by the same rules as the feedback form
 * and worded as it words them, with the workspace's defaults under what was given. Whether
 * Twitter knows the customer, and whether they take the business's DMs, is for the send.
 */
export function readAutomatic(
  input: unknown,
  settings: WorkspaceSettings,
  now: number,
): { ok: true; value: ReadAutomatic } | { ok: false; errors: AutomaticErrors } {
  const errors: AutomaticErrors = {};
  const given = isObject(input) ? input : {};
  const text: Partial<Record<(typeof TEXT_FIELDS)[number], string>> = {};
  for (const field of TEXT_FIELDS) {
    const value = given[field];
    // A JSON number is accepted for ids; past 2^53 it has already lost digits, which the check then says.
    if (typeof value === 'string') text[field] = value;
    else if (typeof value === 'number' && (field === 'customer' || field === 'external_id')) text[field] = String(value);
    else if (value !== undefined && value !== null) errors[field] = 'Must be a string.';
  }
  const variant = given.question_variant_id;
  if (variant !== undefined && variant !== null && typeof variant !== 'number' && typeof variant !== 'string') {
    errors.question_variant_id = 'Must be a number.';
  }
  for (const flag of ['test', 'exclude'] as const) {
    if (given[flag] !== undefined && given[flag] !== null && typeof given[flag] !== 'boolean')
      errors[flag] = 'Must be true or false.';
  }

  const type = text.type ?? settings.type;
  // The workspace's default question belongs to its default survey; another survey starts at its first.
  const question =
    variant !== undefined && variant !== null
      ? String(variant)
      : type === settings.type
        ? String(settings.question_variant_id)
        : '0';
  const externalId = text.external_id?.trim() || undefined;
  const draft: RawDraft = {
    type,
    to_user_id: text.customer,
    question_variant_id: question,
    message: text.message ?? fillMessage(settings.message, { ticket: externalId }),
    privacy_url: text.privacy_url ?? settings.privacy_url,
    display_name: text.display_name ?? settings.display_name,
    external_id: externalId,
    test: given.test === true || settings.policy.test_mode,
  };
  const checked = checkDraft(draft);
  if (!checked.ok) {
    for (const [param, problem] of Object.entries(checked.errors) as Array<[Param, string]>) {
      const field = API_NAME[param] ?? (param as AutomaticField);
      errors[field] ??= problem;
    }
  }

  const agent = text.agent?.trim() || undefined;
  if (agent && !SLACK_USER.test(agent) && !EMAIL.test(agent)) {
    errors.agent = 'A Slack user id (such as U0123ABCD) or an email address.';
  }
  const account = text.account?.trim() || undefined;
  const due = dueAt(given.send_after, now, settings.policy.delay_minutes);
  if (typeof due === 'string') errors.send_after = due;

  let notify: ReadAutomatic['notify'];
  if (given.notify !== undefined && given.notify !== null) {
    const { channel, thread_ts } = isObject(given.notify) ? given.notify : {};
    if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
      errors.notify = 'Give notify.channel as a Slack channel id, such as C0123ABCD.';
    } else if (thread_ts !== undefined && (typeof thread_ts !== 'string' || !TS.test(thread_ts))) {
      errors.notify = "notify.thread_ts must be a message's ts, such as 1712345678.123456.";
    } else notify = { channel, ...(thread_ts ? { thread_ts } : {}) };
  }

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      draft,
      customer: text.customer!.trim(),
      external_id: externalId,
      agent,
      account,
      dueAt: due as number,
      notify,
      exclude: given.exclude === true,
    },
  };
}
