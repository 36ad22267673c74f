import { isHttpUrl, length, LIMITS, parseRecipient, type FieldErrors } from './feedback-request.js';
import { DEFAULT_RECIPIENT_DAYS, MIN_RECIPIENT_DAYS } from './limits.js';
import { compileTicketPattern, groupCount } from './ticket-pattern.js';
import { isFeedbackType, SURVEY_TYPES, TYPE_CHOICE, type FeedbackType } from './survey-types.js';
import { findVariant } from './variants.js';

/** Who may send feedback requests: everyone, or the listed people and user groups (and admins). */
export interface Senders {
  mode: 'everyone' | 'listed';
  users: string[];
  usergroups: string[];
}

/** What a workspace's admins decide; every field has a default. */
export interface WorkspaceSettings {
  privacy_url?: string;
  display_name?: string;
  type: FeedbackType;
  question_variant_id: number;
  /** May hold {ticket} and {agent}, filled in when a form opens. */
  message: string;
  /** A regular expression with one capture group (or a group named `ticket`). */
  ticket_pattern?: string;
  /** Handles or ids that Twitter lets receive more than one request. */
  allowlist: string[];
  /** At most one request per customer in this many days. */
  recipient_days: number;
  senders: Senders;
  /** Users who administer the app besides the workspace's own admins and owners. */
  admins: string[];
  /** Who reads results besides admins: scores and comments are theirs alone. */
  supervisors: { users: string[]; usergroups: string[] };
  /** Low scores posted to a channel; absent: no alerts. */
  alerts?: LowScoreAlerts;
  /** The week's numbers posted to a channel; absent: no digest. */
  digest?: WeeklyDigest;
  /** Answers and send records older than this are deleted. */
  retention_days: number;
  /** How requests that helpdesks and workflows ask for are sent. */
  policy: SendingPolicy;
}

export interface LowScoreAlerts {
  channel: string;
  /** CSAT answers at or below this score (1–5) are posted. */
  csat_at_most: number;
  /** NPS answers at or below this score (0–10) are posted. */
  nps_at_most: number;
}

export interface WeeklyDigest {
  channel: string;
  /** 0 is Sunday, as in Date.getDay. */
  weekday: number;
  /** 0–23, in `time_zone`. */
  hour: number;
  /** An IANA time zone, such as Europe/Paris. */
  time_zone: string;
}

/** Applies to automatic requests only (HTTP API, Workflow Builder); manual sends ignore it. */
export interface SendingPolicy {
  /** Minutes between the trigger and the send, unless the request says otherwise. */
  delay_minutes: number;
  /** The share of customer–ticket pairs asked, 0–100. */
  sampling_percent: number;
  /** Handles or ids never asked automatically. */
  excluded: string[];
  /** Every automatic request goes out with test=true. */
  test_mode: boolean;
}

export const DEFAULT_ALERT_THRESHOLDS = { csat_at_most: 2, nps_at_most: 6 } as const;

/** Prefilled DM text: it must read well on its own, for clients that show no card. */
export const DEFAULT_MESSAGE = 'Thanks for reaching out to us! Would you take a few seconds to tell us how we did?';

export const SETTINGS_DEFAULTS: WorkspaceSettings = {
  message: DEFAULT_MESSAGE,
  type: 'csat',
  question_variant_id: 0,
  allowlist: [],
  recipient_days: DEFAULT_RECIPIENT_DAYS,
  senders: { mode: 'everyone', users: [], usergroups: [] },
  admins: [],
  supervisors: { users: [], usergroups: [] },
  retention_days: 400,
  policy: { delay_minutes: 60, sampling_percent: 100, excluded: [], test_mode: false },
};

/** What the general settings form edits; the other settings have forms of their own. */
export type GeneralSettings = Omit<WorkspaceSettings, 'supervisors' | 'alerts' | 'digest' | 'retention_days' | 'policy'>;

const MAX_RECIPIENT_DAYS = 365;

/** The form's fields, as text, keyed by the setting they feed. */
export type RawSettings = Partial<Record<Exclude<keyof GeneralSettings, 'senders' | 'admins'>, string>> & {
  senders_mode?: string;
  sender_users?: string[];
  sender_usergroups?: string;
  admins?: string[];
};

export type SettingsErrors = FieldErrors & Partial<Record<keyof RawSettings, string>>;

function trimmed(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A pattern an admin typed must compile, within its limits, and say which part is the ticket. */
export function ticketPatternProblem(pattern: string): string | undefined {
  const compiled = compileTicketPattern(pattern);
  if (!compiled.ok) return compiled.problem;
  if (groupCount(pattern) < 1) return 'Add a capture group around the ticket id, e.g. INC-(\\d+).';
  return undefined;
}

/** Every rule an admin's settings must keep; errors are keyed by the form field. */
export function checkSettings(raw: RawSettings): { ok: true; value: GeneralSettings } | { ok: false; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const privacyUrl = trimmed(raw.privacy_url);
  if (privacyUrl && !isHttpUrl(privacyUrl)) errors.privacy_url = 'A full web address starting with https:// or http://.';
  const displayName = trimmed(raw.display_name);
  if (displayName && length(displayName) > LIMITS.display_name) errors.display_name = 'At most 20 characters.';
  const type = raw.type ?? SETTINGS_DEFAULTS.type;
  if (!isFeedbackType(type)) errors.type = `Choose ${TYPE_CHOICE}.`;
  const variant = Number(raw.question_variant_id ?? 0);
  if (isFeedbackType(type) && !findVariant(type, variant))
    errors.question_variant_id = `${SURVEY_TYPES[type].label} has no question ${raw.question_variant_id}.`;
  const message = raw.message ?? '';
  if (!message.trim()) errors.message = 'Write the default Direct Message.';
  else if (length(message) > LIMITS.message) errors.message = 'At most 10,000 characters.';
  const pattern = trimmed(raw.ticket_pattern);
  const patternProblem = pattern ? ticketPatternProblem(pattern) : undefined;
  if (patternProblem) errors.ticket_pattern = patternProblem;
  const allowlist = list(raw.allowlist);
  const notRecipients = allowlist.filter((entry) => !parseRecipient(entry));
  if (notRecipients.length) errors.allowlist = `Not a handle or user id: ${notRecipients.slice(0, 3).join(', ')}`;
  const days = Number(raw.recipient_days ?? DEFAULT_RECIPIENT_DAYS);
  if (!Number.isInteger(days) || days < MIN_RECIPIENT_DAYS || days > MAX_RECIPIENT_DAYS) {
    errors.recipient_days = `A whole number of days from ${MIN_RECIPIENT_DAYS} to ${MAX_RECIPIENT_DAYS}.`;
  }
  const mode = raw.senders_mode ?? 'everyone';
  if (mode !== 'everyone' && mode !== 'listed') errors.senders_mode = 'Choose who may send.';
  const usergroups = list(raw.sender_usergroups);
  if (usergroups.some((id) => !/^S[A-Z0-9]+$/.test(id))) errors.sender_usergroups = 'User group ids look like S0123ABCD.';
  if (mode === 'listed' && !raw.sender_users?.length && !usergroups.length) {
    errors.sender_users = 'Name at least one person or user group, or let everyone send.';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      privacy_url: privacyUrl,
      display_name: displayName,
      type: type as FeedbackType,
      question_variant_id: variant,
      message,
      ticket_pattern: pattern,
      allowlist,
      recipient_days: days,
      senders: { mode: mode as Senders['mode'], users: raw.sender_users ?? [], usergroups },
      admins: raw.admins ?? [],
    },
  };
}

/** The default message with its placeholders filled in for one form. */
export function fillMessage(template: string, values: { ticket?: string; agent?: string }): string {
  return template
    .replace(/\{ticket\}/g, values.ticket ?? '')
    .replace(/\{agent\}/g, values.agent ?? '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
