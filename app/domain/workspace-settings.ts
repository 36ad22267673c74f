import { isHttpUrl, length, LIMITS, parseRecipient, type FieldErrors } from './feedback-request.js';
import { DEFAULT_RECIPIENT_DAYS, MIN_RECIPIENT_DAYS } from './limits.js';
import { compileTicketPattern, groupCount } from './ticket-pattern.js';
import { findVariant, isFeedbackType, type FeedbackType } from './variants.js';

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
}

export const SETTINGS_DEFAULTS: Omit<WorkspaceSettings, 'message'> = {
  type: 'csat',
  question_variant_id: 0,
  allowlist: [],
  recipient_days: DEFAULT_RECIPIENT_DAYS,
  senders: { mode: 'everyone', users: [], usergroups: [] },
  admins: [],
};

const MAX_RECIPIENT_DAYS = 365;

/** The form's fields, as text, keyed by the setting they feed. */
export type RawSettings = Partial<Record<Exclude<keyof WorkspaceSettings, 'senders' | 'admins'>, string>> & {
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
export function checkSettings(
  raw: RawSettings,
): { ok: true; value: Omit<WorkspaceSettings, 'message'> & { message: string } } | { ok: false; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const privacyUrl = trimmed(raw.privacy_url);
  if (privacyUrl && !isHttpUrl(privacyUrl)) errors.privacy_url = 'A full web address starting with https:// or http://.';
  const displayName = trimmed(raw.display_name);
  if (displayName && length(displayName) > LIMITS.display_name) errors.display_name = 'At most 20 characters.';
  const type = raw.type ?? SETTINGS_DEFAULTS.type;
  if (!isFeedbackType(type)) errors.type = 'Choose CSAT or NPS.';
  const variant = Number(raw.question_variant_id ?? 0);
  if (isFeedbackType(type) && !findVariant(type, variant))
    errors.question_variant_id = `${type.toUpperCase()} has no question ${raw.question_variant_id}.`;
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
