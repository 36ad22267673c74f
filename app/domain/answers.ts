import { parseTwitterTime } from './twitter-time.js';
import { FEEDBACK_TYPES, type FeedbackType } from './survey-types.js';

export const SCORE_RANGE: Record<FeedbackType, { min: number; max: number }> = {
  csat: { min: 1, max: 5 },
  nps: { min: 0, max: 10 },
};

/** One part of the customer's response; both timestamps are kept as Twitter wrote them. */
export interface Part<T> {
  value: T;
  created_at: string;
  /** The card's `updated_at` on the event that brought this value. */
  updated_at: string;
}

/** What the card itself says, as Twitter reports it. */
export interface CardFacts {
  /** When the card was sent. */
  created_at: string;
  external_id?: string;
  question_variant_id?: string;
  /** The business's account. */
  from_user_id?: string;
  /** The customer. */
  to_user_id?: string;
}

/** What the app's own send log knows about a card; a card sent by another tool has only `source: 'outside'`. */
export interface SendFacts {
  source: 'app' | 'outside';
  team?: string;
  agent?: string;
  customer_handle?: string;
}

/** The one stored answer per card. */
export interface Answer extends CardFacts, Partial<SendFacts> {
  feedback_id: string;
  type: FeedbackType;
  test: boolean;
  score?: Part<number>;
  text?: Part<string>;
  /** The newest `updated_at` seen for this card. */
  updated_at: string;
}

/** One change to a card, checked. */
export interface AnswerEvent extends CardFacts {
  event_type: 'feedback.created' | 'feedback.updated';
  feedback_id: string;
  type: FeedbackType;
  test: boolean;
  updated_at: string;
  score?: { value: number; created_at: string };
  text?: { value: string; created_at: string };
}

export type ParsedEvent = { ok: true; value: AnswerEvent } | { ok: false; field: string; problem: string };

const EVENT_TYPES = ['feedback.created', 'feedback.updated'] as const;

class Refused extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(problem);
  }
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Refused(field, 'must be an object');
  return value as Record<string, unknown>;
}

function id(value: unknown, field: string): string {
  // A number here has already lost digits of a 64-bit id, so it is refused rather than rounded.
  if (typeof value !== 'string' || !/^\S{1,256}$/.test(value)) throw new Refused(field, 'must be an id in a string');
  return value;
}

function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Refused(field, 'must be a string');
  return value;
}

function time(value: unknown, field: string): string {
  if ((typeof value !== 'string' && typeof value !== 'number') || parseTwitterTime(value) === undefined) {
    throw new Refused(field, 'must be a time (like "Sat Dec 15 17:58:20 +0000 2015", ISO 8601 or epoch)');
  }
  return String(value);
}

function score(raw: unknown, type: FeedbackType): AnswerEvent['score'] {
  if (raw === undefined || raw === null) return undefined;
  const part = record(raw, 'feedback.response.score');
  const { min, max } = SCORE_RANGE[type];
  // Scores may come as "4" as well as 4; anything but a whole number in range is refused.
  const value = typeof part.value === 'string' && /^\d{1,2}$/.test(part.value) ? Number(part.value) : part.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Refused('feedback.response.score.value', `must be a whole number from ${min} to ${max} for ${type}`);
  }
  return { value, created_at: time(part.created_at, 'feedback.response.score.created_at') };
}

function text(raw: unknown): AnswerEvent['text'] {
  if (raw === undefined || raw === null) return undefined;
  const part = record(raw, 'feedback.response.text');
  if (typeof part.value !== 'string') throw new Refused('feedback.response.text.value', 'must be a string');
  return { value: part.value, created_at: time(part.created_at, 'feedback.response.text.created_at') };
}

function parse(body: unknown): AnswerEvent {
  const event = record(body, 'body');
  const eventType = event.event_type;
  if (!EVENT_TYPES.includes(eventType as AnswerEvent['event_type'])) {
    throw new Refused('event_type', `must be one of ${EVENT_TYPES.join(', ')}`);
  }
  const card = record(event.feedback, 'feedback');
  const type = card.type;
  if (!FEEDBACK_TYPES.includes(type as FeedbackType)) throw new Refused('feedback.type', 'must be csat or nps');
  if (card.test !== undefined && typeof card.test !== 'boolean') throw new Refused('feedback.test', 'must be true or false');
  const response = card.response === undefined || card.response === null ? {} : record(card.response, 'feedback.response');
  const parsed: AnswerEvent = {
    event_type: eventType as AnswerEvent['event_type'],
    feedback_id: id(card.id, 'feedback.id'),
    type: type as FeedbackType,
    test: card.test === true,
    created_at: time(card.created_at, 'feedback.created_at'),
    updated_at: time(card.updated_at ?? card.created_at, 'feedback.updated_at'),
    external_id: optionalText(card.external_id, 'feedback.external_id'),
    question_variant_id:
      card.question_variant_id === undefined ? undefined : id(card.question_variant_id, 'feedback.question_variant_id'),
    from_user_id: card.from_user_id === undefined ? undefined : id(card.from_user_id, 'feedback.from_user_id'),
    to_user_id: card.to_user_id === undefined ? undefined : id(card.to_user_id, 'feedback.to_user_id'),
    score: score(response.score, type as FeedbackType),
    text: text(response.text),
  };
  return withoutUndefined(parsed);
}

/** Checks one event Twitter sent (pushed or read from events.json); a refusal names the field at fault. */
export function parseAnswerEvent(body: unknown): ParsedEvent {
  try {
    return { ok: true, value: parse(body) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, field: error.field, problem: error.message };
    throw error;
  }
}

function compareKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

function ms(raw: string): number {
  return parseTwitterTime(raw) ?? Number.NEGATIVE_INFINITY;
}

/** Orders two readings of the same part: the card's `updated_at` first, then the part's own time, then the value. */
function key(part: Part<number | string>): (number | string)[] {
  return [ms(part.updated_at), ms(part.created_at), typeof part.value, String(part.value), part.updated_at, part.created_at];
}

function newer<T extends number | string>(stored: Part<T> | undefined, incoming: Part<T> | undefined): Part<T> | undefined {
  if (!stored || !incoming) return stored ?? incoming;
  return compareKeys(key(incoming), key(stored)) > 0 ? incoming : stored;
}

/**
 * Folds one event into the stored answer. Score and text are kept apart: each keeps the reading with the newest
 * `updated_at` (then the newest part `created_at`), so the result is the same whatever order the events arrive in,
 * and an event that says nothing of a part leaves it alone. Each fact about the card comes from the newest event
 * that states it; what the app's send log added stays.
 */
export function merge(stored: Answer | undefined, event: AnswerEvent): Answer {
  if (stored && stored.feedback_id !== event.feedback_id) throw new Error('merge: the event is about another card');
  const { event_type: _kind, score, text, ...stated } = event;
  const card = withoutUndefined(stated);
  const cardKey = (a: { updated_at: string }) => [ms(a.updated_at), a.updated_at];
  const older = stored !== undefined && compareKeys(cardKey(event), cardKey(stored)) <= 0;
  return withoutUndefined({
    ...(older ? { ...card, ...stored } : { ...stored, ...card }),
    score: newer(stored?.score, score && { ...score, updated_at: event.updated_at }),
    text: newer(stored?.text, text && { ...text, updated_at: event.updated_at }),
  });
}

/** The object without its undefined fields, as a stored record keeps it. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Joins what the app's send log knows to an answer; Twitter's facts about the card stay as they are. */
export function withSendFacts(answer: Answer, facts: SendFacts): Answer {
  return withoutUndefined({ ...answer, ...facts });
}
