import { findVariant, isFeedbackType, variantsOf, type FeedbackType } from './variants.js';

/** feedback/create's parameters, named as Twitter names them. */
export const PARAMS = [
  'type',
  'to_user_id',
  'message',
  'privacy_url',
  'external_id',
  'question_variant_id',
  'display_name',
  'test',
] as const;
export type Param = (typeof PARAMS)[number];

export const LIMITS = { message: 10_000, external_id: 256, display_name: 20 } as const;

export interface FeedbackRequest {
  type: FeedbackType;
  /** Numeric, and kept as a string: 64-bit ids lose digits as JS numbers. */
  to_user_id: string;
  message: string;
  privacy_url: string;
  external_id?: string;
  question_variant_id: number;
  display_name?: string;
  test: boolean;
}

/** Who the agent asked for: an id is final, a handle still needs a lookup. */
export type Recipient = { kind: 'id'; id: string } | { kind: 'handle'; screen_name: string };

/** What a form, a command or a shortcut gathered, before any check. */
export type RawDraft = Partial<Record<Exclude<Param, 'test'>, string | undefined>> & {
  test?: boolean;
};

export type FieldErrors = Partial<Record<Param, string>>;

export type CheckedDraft = Omit<FeedbackRequest, 'to_user_id'> & { recipient: Recipient };

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const USER_ID = /^[0-9]{1,20}$/;
const SCREEN_NAME = /^[A-Za-z0-9_]{1,15}$/;
const MAX_USER_ID = 18446744073709551615n;

/** Characters as a person counts them: an emoji is one, not two UTF-16 units. */
export function length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function isUserId(value: string): boolean {
  return USER_ID.test(value) && BigInt(value) > 0n && BigInt(value) <= MAX_USER_ID;
}

export function parseRecipient(input: string): Recipient | undefined {
  const text = input.trim();
  if (isUserId(text)) return { kind: 'id', id: text };
  const handle = text.startsWith('@') ? text.slice(1) : text;
  if (SCREEN_NAME.test(handle) && (text.startsWith('@') || !USER_ID.test(handle))) {
    return { kind: 'handle', screen_name: handle };
  }
  return undefined;
}

export function isHttpUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
}

// A lone UTF-16 surrogate is half an emoji: it cannot be encoded for Twitter at all.
const BROKEN = /\p{Cs}/u;
// Control characters never belong in a name or an id; a message may keep its lines.
const CONTROL = /[\p{Cc}]/u;
const CONTROL_IN_MESSAGE = /[^\P{Cc}\n\t]/u;

function unreadable(text: string | undefined, control: RegExp): string | undefined {
  if (!text) return undefined;
  if (BROKEN.test(text)) return 'Contains a broken character (half of an emoji?): retype it.';
  if (control.test(text)) return 'Contains an invisible control character: retype it.';
  return undefined;
}

function optional(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

/**
 * Every rule of feedback/create, checked on what the agent gave. The errors are keyed
 * by parameter so that each lands on the field that feeds it.
 */
export function checkDraft(raw: RawDraft): Checked<CheckedDraft> {
  const errors: FieldErrors = {};

  const type = raw.type;
  if (!type) errors.type = 'Choose CSAT or NPS.';
  else if (!isFeedbackType(type)) errors.type = 'Type must be exactly "csat" or "nps", in lower case.';

  const recipientText = optional(raw.to_user_id);
  const recipient = recipientText ? parseRecipient(recipientText) : undefined;
  if (!recipientText) errors.to_user_id = 'Enter the customer: a numeric Twitter user id or an @handle.';
  else if (!recipient) {
    errors.to_user_id = 'Not a Twitter user id (digits only) or @handle (up to 15 letters, digits or _).';
  }

  const message = raw.message ?? '';
  if (!message.trim()) errors.message = 'Write the message the customer will read with the question.';
  else if (length(message) > LIMITS.message) {
    errors.message = `The message is ${length(message).toLocaleString('en-US')} characters; Twitter allows at most 10,000.`;
  }

  const privacyUrl = optional(raw.privacy_url);
  if (!privacyUrl) errors.privacy_url = 'Give the URL of your privacy policy.';
  else if (!isHttpUrl(privacyUrl)) {
    errors.privacy_url = 'The privacy policy must be a full web address starting with https:// or http://.';
  }

  const externalId = optional(raw.external_id);
  if (externalId && length(externalId) > LIMITS.external_id) {
    errors.external_id = `At most 256 characters (this one has ${length(externalId)}).`;
  }

  const displayName = optional(raw.display_name);
  if (displayName && length(displayName) > LIMITS.display_name) {
    errors.display_name = `At most 20 characters (this one has ${length(displayName)}).`;
  }

  const textChecks: Array<[Param, string | undefined, RegExp]> = [
    ['to_user_id', recipientText, CONTROL],
    ['message', message, CONTROL_IN_MESSAGE],
    ['privacy_url', privacyUrl, CONTROL],
    ['external_id', externalId, CONTROL],
    ['display_name', displayName, CONTROL],
  ];
  for (const [param, text, control] of textChecks) {
    const problem = unreadable(text, control);
    if (problem && !errors[param]) errors[param] = problem;
  }

  const variantText = optional(raw.question_variant_id) ?? '0';
  const variantId = /^[0-9]{1,3}$/.test(variantText) ? Number(variantText) : NaN;
  if (isFeedbackType(type) && findVariant(type, variantId) === undefined) {
    const last = variantsOf(type).length - 1;
    errors.question_variant_id = `${type.toUpperCase()} questions are numbered 0 to ${last}.`;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      type: type as FeedbackType,
      recipient: recipient!,
      message,
      privacy_url: privacyUrl!,
      external_id: externalId,
      question_variant_id: variantId,
      display_name: displayName,
      test: raw.test === true,
    },
  };
}

/** The request once the recipient is a user id; checked again as the last gate. */
export function toRequest(draft: CheckedDraft, toUserId: string): Checked<FeedbackRequest> {
  const { recipient: _recipient, ...rest } = draft;
  const request: FeedbackRequest = { ...rest, to_user_id: toUserId };
  if (!isUserId(toUserId)) {
    return { ok: false, errors: { to_user_id: 'Twitter did not give a numeric user id for this customer.' } };
  }
  const checked = checkDraft(toRawDraft(request));
  return checked.ok ? { ok: true, value: request } : checked;
}

export function toRawDraft(request: FeedbackRequest): RawDraft {
  return { ...formParams(request), test: request.test };
}

/** The form body of feedback/create: only what was given, every value a string. */
export function formParams(request: FeedbackRequest): Record<string, string> {
  const params: Record<string, string> = {
    type: request.type,
    to_user_id: request.to_user_id,
    message: request.message,
    privacy_url: request.privacy_url,
    question_variant_id: String(request.question_variant_id),
    test: String(request.test),
  };
  if (request.external_id !== undefined) params.external_id = request.external_id;
  if (request.display_name !== undefined) params.display_name = request.display_name;
  return params;
}
