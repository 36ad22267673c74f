import { LIMITS, isUserId, length } from './feedback-request.js';
import { clip, compileTicketPattern, TICKET_PATTERN_LIMITS } from './ticket-pattern.js';

/**
 * What a ticket thread says about a feedback request: which ticket it belongs to and
 * which Twitter customer it is about. The message arrives as plain data, so this reads
 * a Slack message without knowing anything about Slack's client.
 *
 * external_id takes one stable form per ticket, whichever way the ticket was written:
 * - a helpdesk ticket number (link, "ticket 5555", "#5555") → `ticket_5555`, the form
 *   Twitter's own documentation shows;
 * - a Salesforce case number → `case_00012345`, leading zeros kept (they are part of it);
 * - a Jira key → `SUP-123`, in upper case as Jira shows it;
 * - an admin's own pattern, or the ticket bot's metadata → the value as given;
 * - no ticket at all → `slack:{team}/{channel}/{thread ts}`, the same for every message
 *   of the thread.
 */

/** A Slack message, as far as finding a ticket and a customer needs it. */
export interface TicketMessage {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  team_id: string;
  channel_id: string;
  ts: string;
  thread_ts?: string;
}

export interface ContextOptions {
  /**
   * The team's own ticket format, as a regular expression (matched ignoring case). The
   * named group `ticket`, else the first group, else the whole match is the ticket.
   */
  ticketPattern?: string;
  /** The business's own Twitter accounts (handles or ids): never the customer. */
  exclude?: readonly string[];
}

export type TicketSource =
  | 'metadata'
  | 'pattern'
  | 'ticket_link'
  | 'jira_link'
  | 'jira_key'
  | 'ticket_label'
  | 'case_label'
  | 'hash'
  | 'thread';

export type RecipientSource =
  | 'metadata'
  | 'dm_link'
  | 'labelled_id'
  | 'labelled_handle'
  | 'profile_link'
  | 'status_link'
  | 'handle';

export type ContextField = 'external_id' | 'to_user_id';

export interface TicketContext {
  external_id?: string;
  /** `@handle` or a numeric id, as parseRecipient reads them. */
  to_user_id?: string;
  /** For the agent, on each field left empty, ambiguous or filled by a fallback. */
  hints: Partial<Record<ContextField, string>>;
  sources: { external_id?: TicketSource; to_user_id?: RecipientSource };
}

/** A form found at a given place in a text, and where it ends. */
export interface Found {
  value: string;
  end: number;
}

interface Candidate<S> {
  value: string;
  source: S;
}

interface Form<S> {
  /** Anywhere in a message; when false, only where a command's word starts. */
  inText: boolean;
  anywhere: RegExp;
  at: RegExp;
  read: (match: RegExpExecArray) => Candidate<S> | undefined;
  /** How far it reads: in a message, and from where a command's word starts. */
  reach?: { message: number; word: number };
}

function form<S>(
  pattern: string,
  read: (match: RegExpExecArray) => Candidate<S> | undefined,
  options: { inText?: boolean; caseSensitive?: boolean } = {},
): Form<S> {
  const flags = options.caseSensitive ? '' : 'i';
  return {
    inText: options.inText ?? true,
    anywhere: new RegExp(pattern, `${flags}g`),
    at: new RegExp(pattern, `${flags}y`),
    read,
  };
}

function from<S>(source: S, value: (match: RegExpExecArray) => string | undefined) {
  return (m: RegExpExecArray): Candidate<S> | undefined => {
    const v = value(m);
    return v === undefined ? undefined : { value: v, source };
  };
}

// A link starts a word and ends at a space, bracket or quote: "notx.com/jack" is not
// x.com, and each character is scanned for a link once, not once per place a link
// could have started.
const START = String.raw`(?<![^\s(\["'])`;
const HOST = String.raw`(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?`;
const TWITTER = String.raw`(?:https?://)?(?:(?:www|mobile)\.)?(?:twitter|x)\.com`;
const REST_OF_URL = String.raw`[^\s<>|()\[\]"']*`;
const JIRA_KEY = String.raw`[A-Z][A-Z0-9_]{1,49}-\d{1,10}`;
// Between a label and its value: spaces, mrkdwn emphasis, quotes, one line break.
const GAP = String.raw`["'*_ \t]*`;
const LINE_BREAK = String.raw`(?:\n${GAP})?`;
// A gap never holds what may follow it, so a long run of spaces is scanned once, not
// once per way of splitting it.
const LABEL_END = String.raw`${GAP}(?:[:=#]${GAP})?${LINE_BREAK}`;
const SCREEN_NAME = String.raw`[A-Za-z0-9_]{1,15}`;
const SCREEN_NAME_ONLY = new RegExp(`^${SCREEN_NAME}$`);
// A handle ends where Twitter would end it; "@jack.smith" or "@jack@host" is something else.
const HANDLE_END = String.raw`(?![A-Za-z0-9_@]|[.-][A-Za-z0-9])`;
const NUMBER_END = String.raw`(?![\w-]|[.,]\d)`;

const prefixed = (prefix: string) => (m: RegExpExecArray) => `${prefix}${m[1]}`;
const upper = (m: RegExpExecArray) => m[1].toUpperCase();

const TICKET_FORMS: Form<TicketSource>[] = [
  form(
    String.raw`${START}${HOST}/(?:${REST_OF_URL}?/)?tickets/(\d{1,20})(?![\w-])${REST_OF_URL}`,
    from('ticket_link', prefixed('ticket_')),
  ),
  form(
    String.raw`${START}${HOST}/(?:(?:${REST_OF_URL}?/)?(?:browse|portal/\d+)/|${REST_OF_URL}?[?&]selectedIssue=)` +
      String.raw`(${JIRA_KEY})(?![\w-])${REST_OF_URL}`,
    from('jira_link', upper),
  ),
  form(
    String.raw`\b(?:jira(?:\s+(?:issue|ticket|key))?|issue(?:\s+key)?)${LABEL_END}(${JIRA_KEY})(?![\w-])`,
    from('jira_key', upper),
  ),
  // A bare key is only trusted where an agent typed it as one: in a message, "COVID-19"
  // would be a ticket.
  form(
    String.raw`(${JIRA_KEY})(?![\w-])`,
    from('jira_key', (m) => m[1]),
    { inText: false, caseSensitive: true },
  ),
  form(
    String.raw`\bticket(?:\s+(?:id|no\.?|number))?(?:[_-]|${LABEL_END})#?(\d{1,20})${NUMBER_END}`,
    from('ticket_label', prefixed('ticket_')),
  ),
  // "in case 2024…" is not a case: without "#", a case number is taken from five digits.
  form(
    String.raw`\bcase(?:\s+(?:id|no\.?|number))?${GAP}(?::${GAP})?${LINE_BREAK}(?:#[ \t]?|(?=\d{5}))(\d{1,20})${NUMBER_END}`,
    from('case_label', prefixed('case_')),
  ),
  // Three digits at least: "our #1 customer" is no ticket. Never a URL fragment.
  form(String.raw`(?<![^\s(\[{,;:*_])#(\d{3,20})${NUMBER_END}`, from('hash', prefixed('ticket_'))),
];

const RESERVED_PATHS = new Set([
  'about',
  'account',
  'bookmarks',
  'communities',
  'compose',
  'download',
  'explore',
  'followers',
  'following',
  'hashtag',
  'help',
  'home',
  'i',
  'intent',
  'jobs',
  'lists',
  'login',
  'logout',
  'messages',
  'notifications',
  'oauth',
  'privacy',
  'rules',
  'search',
  'settings',
  'share',
  'signin',
  'signup',
  'statuses',
  'tos',
  'topics',
  'who_to_follow',
]);
const SLACK_BROADCASTS = new Set(['here', 'channel', 'everyone']);

const userId = (digits: string | undefined) => (digits && isUserId(digits) ? digits : undefined);

// Profile and status links are one level: a status link names its author, never the
// tweet's id.
function twitterLink(m: RegExpExecArray): Candidate<RecipientSource> | undefined {
  if (RESERVED_PATHS.has(m[1].toLowerCase())) return undefined;
  return { value: `@${m[1]}`, source: m[2] ? 'status_link' : 'profile_link' };
}

const SEP = String.raw`[ \t_-]*`;
const ID_LABEL = [
  String.raw`(?:twitter|x)${SEP}(?:user${SEP})?id(?:${SEP}str)?`,
  // "user id" alone only when no other system's name comes before it ("Zendesk user id").
  String.raw`(?<!\w${SEP})user${SEP}id(?:${SEP}str)?(?:[ \t]*\((?:twitter|x)\))?`,
  String.raw`customer${SEP}id[ \t]*\((?:twitter|x)\)`,
].join('|');
// Who a person is to the ticket: followed by an @handle, never by a bare name ("From: Jack").
const PERSON_LABEL = String.raw`(?:${[
  'customer',
  'requester',
  'requested[ \t]+by',
  'reporter',
  'reported[ \t]+by',
  'end[ \t-]?user',
  'user',
  'from',
  'author',
  'contact',
  'submitter',
  'twitter',
  'x',
].join('|')})(?:[ \t]+(?:handle|account|username))?`;
// Labels that can only mean a Twitter name, so the "@" may be left out.
const NAME_LABEL = String.raw`(?:twitter|x)${SEP}(?:handle|user${SEP}name|screen${SEP}name|account)|screen${SEP}name`;
const ASSIGN = String.raw`${GAP}[:=]${GAP}${LINE_BREAK}`;

const RECIPIENT_FORMS: Form<RecipientSource>[] = [
  form(
    String.raw`${START}${TWITTER}/messages/compose\?${REST_OF_URL}?\brecipient_id=(\d{1,20})(?!\d)${REST_OF_URL}`,
    from('dm_link', (m) => userId(m[1])),
  ),
  form(
    String.raw`\b(?:${ID_LABEL})${LABEL_END}(\d{1,20})${NUMBER_END}`,
    from('labelled_id', (m) => userId(m[1])),
  ),
  form(
    String.raw`\b(?:(?:${PERSON_LABEL})${ASSIGN}@(${SCREEN_NAME})|(?:${NAME_LABEL})${ASSIGN}@?(${SCREEN_NAME}))${HANDLE_END}`,
    from('labelled_handle', (m) => `@${m[1] ?? m[2]}`),
  ),
  form(String.raw`${START}${TWITTER}/(?:#!/)?(${SCREEN_NAME})(?![\w-])(/status(?:es)?/\d+)?${REST_OF_URL}`, twitterLink),
  form(
    String.raw`(?<![\w@.+/-])@(${SCREEN_NAME})${HANDLE_END}`,
    from('handle', (m) => (SLACK_BROADCASTS.has(m[1].toLowerCase()) ? undefined : `@${m[1]}`)),
  ),
  // A bare number is an id only where an agent typed it as the customer.
  form(
    String.raw`(\d{1,20})${NUMBER_END}`,
    from('labelled_id', (m) => userId(m[1])),
    { inText: false },
  ),
];

// A ticket reference ends up in a form field and in Twitter's records.
const UNFIT = /[\p{Cc}\p{Cs}]/u;
function fitExternalId(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text || UNFIT.test(text) || length(text) > LIMITS.external_id) return undefined;
  return text;
}

/** The admin's pattern: one more ticket form, tried before the usual ones. */
function ownForm(source: string | undefined): Form<TicketSource> | { problem: string } | undefined {
  if (!source?.trim()) return undefined;
  const compiled = compileTicketPattern(source);
  if (!compiled.ok) return { problem: compiled.problem };
  return {
    ...compiled.value,
    inText: true,
    read: from('pattern', (m) => fitExternalId(m.groups?.ticket ?? m[1] ?? m[0])),
    reach: TICKET_PATTERN_LIMITS,
  };
}

const withOwn = (own: ReturnType<typeof ownForm>) => (own && 'read' in own ? [own, ...TICKET_FORMS] : TICKET_FORMS);

function firstAt<S>(forms: Form<S>[], text: string, at: number): Found | undefined {
  for (const f of forms) {
    // A form with a reach sees a window that starts at the word, so its work per word is bounded.
    const [seen, start] = f.reach ? [clip(text.slice(at), f.reach.word), 0] : [text, at];
    f.at.lastIndex = start;
    const m = f.at.exec(seen);
    const found = m && m[0] !== '' ? f.read(m) : undefined;
    if (m && found) return { value: found.value, end: at + m[0].length };
  }
  return undefined;
}

/** The ticket reference that starts exactly at `at`, as a command reads its words. */
export function ticketAt(text: string, at: number, ticketPattern?: string): Found | undefined {
  return firstAt(withOwn(ownForm(ticketPattern)), text, at);
}

/** The customer named exactly at `at`: `@handle`, a numeric id or a Twitter link. */
export function recipientAt(text: string, at: number): Found | undefined {
  return firstAt(RECIPIENT_FORMS, text, at);
}

/**
 * Slack's text format undone: `<target|label>` tokens rendered by `render`, then the
 * three escaped characters restored (`&amp;` last, so "&amp;lt;" stays "&lt;").
 */
export function decodeSlack(text: string, render: (target: string, label: string | undefined) => string): string {
  return text
    .replace(/<([^<>|]*)(?:\|([^<>]*))?>/g, (_, target: string, label: string | undefined) => render(target, label))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

// Mentions, channels and broadcasts are Slack's own people and places, never the customer.
const searchable = (text: string) =>
  decodeSlack(text, (target, label) => (/^[@#!]/.test(target) ? ' ' : ` ${target} ${label ?? ''} `));

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? [v] : []);

// Deeper than any real message; a hostile payload cannot exhaust the stack.
const MAX_DEPTH = 12;

/** The words of a text object: mrkdwn is in Slack's format, plain_text is literal. */
function textObject(v: unknown): string[] {
  if (!isObject(v)) return [];
  return str(v.text).map((t) => (v.type === 'mrkdwn' ? searchable(t) : t));
}

function richText(elements: unknown, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  return list(elements).flatMap((e) => {
    if (!isObject(e)) return [];
    if (e.type === 'text') return str(e.text);
    if (e.type === 'link') return [...str(e.url), ...str(e.text)];
    return richText(e.elements, depth + 1);
  });
}

/** Buttons and menus carry the ticket link a helpdesk bot offers to open. */
function element(v: unknown): string[] {
  if (!isObject(v)) return [];
  return [...textObject(v.text), ...str(v.url), ...list(v.options).flatMap(element)];
}

function blockTexts(blocks: unknown): string[] {
  return list(blocks).flatMap((b) => {
    if (!isObject(b)) return [];
    switch (b.type) {
      case 'section':
        return [...textObject(b.text), ...list(b.fields).flatMap(textObject), ...element(b.accessory)];
      case 'header':
        return textObject(b.text);
      case 'context':
        return list(b.elements).flatMap(textObject);
      case 'actions':
        return list(b.elements).flatMap(element);
      case 'rich_text':
        return richText(b.elements, 0);
      case 'markdown':
        return str(b.text).map(searchable);
      default:
        return [];
    }
  });
}

function attachmentTexts(attachments: unknown): string[] {
  return list(attachments).flatMap((a) => {
    if (!isObject(a)) return [];
    // A field's title labels its value, as "Twitter handle: jack" would.
    const fields = list(a.fields).flatMap((f) => (isObject(f) ? [[...str(f.title), ...str(f.value)].join(': ')] : []));
    // A tweet unfurl names its author in author_link and author_subname.
    const own = ['pretext', 'author_name', 'author_subname', 'author_link', 'title', 'title_link', 'text', 'fallback'];
    return [...own.flatMap((key) => str(a[key])), ...fields].map(searchable).concat(blockTexts(a.blocks));
  });
}

/** Everything a person reading the message would see, links with both url and label. */
function messageText(message: TicketMessage): string {
  return [...str(message.text).map(searchable), ...blockTexts(message.blocks), ...attachmentTexts(message.attachments)].join(
    '\n',
  );
}

type Decision<S> = { found: Candidate<S> } | { ambiguous: string[] } | undefined;

/** The first level that holds anything decides; two different values there are no answer. */
function decide<S>(levels: Iterable<Candidate<S>[]>): Decision<S> {
  for (const level of levels) {
    const distinct = new Map<string, Candidate<S>>();
    for (const c of level) if (!distinct.has(c.value.toLowerCase())) distinct.set(c.value.toLowerCase(), c);
    const values = [...distinct.values()];
    if (values.length === 1) return { found: values[0] };
    if (values.length > 1) return { ambiguous: values.map((c) => c.value) };
  }
  return undefined;
}

/** Every match of a global RegExp, on the compiled form itself: nothing is compiled again. */
function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') re.lastIndex++;
    yield m;
  }
}

function* levels<S>(forms: Form<S>[], text: string, keep: (value: string) => boolean): Generator<Candidate<S>[]> {
  for (const f of forms) {
    if (!f.inText) continue;
    const seen = f.reach ? clip(text, f.reach.message) : text;
    yield [...matches(f.anywhere, seen)].flatMap((m) => {
      const found = f.read(m);
      return found && keep(found.value) ? [found] : [];
    });
  }
}

function listed(values: string[]): string {
  const shown = values.slice(0, 3).join(', ');
  return values.length > 3 ? `${shown}, …` : shown;
}

const TICKET_FIELDS: Array<[string, string]> = [
  ['external_id', ''],
  ['ticket_id', 'ticket_'],
  ['ticket', 'ticket_'],
  ['case_id', 'case_'],
  ['issue_key', ''],
];
const ID_FIELDS = ['twitter_user_id', 'to_user_id', 'user_id_str', 'twitter_id'];
const HANDLE_FIELDS = ['twitter_handle', 'twitter_screen_name', 'screen_name', 'handle'];

/** A metadata value as text; a number only while it is still exact. */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return undefined;
}

function metadataTicket(payload: Json): Candidate<TicketSource>[] {
  for (const [field, prefix] of TICKET_FIELDS) {
    const text = scalar(payload[field]);
    const value = fitExternalId(prefix && text && /^#?\d+$/.test(text) ? `${prefix}${text.replace('#', '')}` : text);
    if (value) return [{ value, source: 'metadata' }];
  }
  return [];
}

function metadataRecipient(payload: Json, keep: (value: string) => boolean): Candidate<RecipientSource>[] {
  const ids = ID_FIELDS.map((f) => userId(scalar(payload[f])));
  const handles = HANDLE_FIELDS.map((f) => scalar(payload[f])?.replace(/^@/, '')).map((h) =>
    h && SCREEN_NAME_ONLY.test(h) ? `@${h}` : undefined,
  );
  const value = [...ids, ...handles].find((v): v is string => v !== undefined && keep(v));
  return value ? [{ value, source: 'metadata' }] : [];
}

/** A JSON number past 2^53 has already lost digits by the time it arrives here. */
function hasInexactId(payload: Json): boolean {
  return ID_FIELDS.some((f) => typeof payload[f] === 'number' && !Number.isSafeInteger(payload[f]));
}

function threadReference(message: TicketMessage): string | undefined {
  return fitExternalId(`slack:${message.team_id}/${message.channel_id}/${message.thread_ts || message.ts}`);
}

/**
 * The ticket and the customer a message is about. Sources rank: the ticket bot's
 * metadata, then the admin's pattern, ticket links, Jira links, labelled Jira keys,
 * "ticket 5555", "case 00012345", "#5555"; for the customer: metadata, a DM link's
 * recipient_id, a labelled id, a labelled @handle, a profile or status link, an @handle.
 * The best-ranked source that finds anything decides, and two different values there
 * leave the field empty with a hint rather than a guess.
 */
export function ticketContext(message: TicketMessage, options: ContextOptions = {}): TicketContext {
  const result: TicketContext = { hints: {}, sources: {} };
  const payload = isObject(message.metadata) && isObject(message.metadata.event_payload) ? message.metadata.event_payload : {};
  const text = messageText(message);

  const own = ownForm(options.ticketPattern);
  const ticket = decide(
    (function* () {
      yield metadataTicket(payload);
      yield* levels(withOwn(own), text, () => true);
    })(),
  );
  const notes: string[] = [];
  const source = ticket && 'found' in ticket ? ticket.found.source : undefined;
  if (own && 'problem' in own) notes.push(`The admin's ticket pattern cannot be used: ${own.problem}`);
  else if (own && text.length > TICKET_PATTERN_LIMITS.message && source !== 'metadata' && source !== 'pattern') {
    const reach = TICKET_PATTERN_LIMITS.message.toLocaleString('en-US');
    notes.push(`The admin's ticket pattern read only the first ${reach} characters of this message.`);
  }
  const thread = threadReference(message);
  if (ticket && 'found' in ticket) {
    result.external_id = ticket.found.value;
    result.sources.external_id = ticket.found.source;
  } else if (ticket) {
    notes.push(`Several tickets are mentioned (${listed(ticket.ambiguous)}): enter the right one.`);
  } else if (thread) {
    result.external_id = thread;
    result.sources.external_id = 'thread';
    notes.push('No ticket found; using the thread reference.');
  } else {
    notes.push('No ticket found: enter the ticket or case id.');
  }
  if (notes.length > 0) result.hints.external_id = notes.join(' ');

  const excluded = new Set((options.exclude ?? []).map((h) => h.trim().replace(/^@/, '').toLowerCase()));
  const keep = (value: string) => !excluded.has(value.replace(/^@/, '').toLowerCase());
  const recipient = decide(
    (function* () {
      yield metadataRecipient(payload, keep);
      yield* levels(RECIPIENT_FORMS, text, keep);
    })(),
  );
  if (recipient && 'found' in recipient) {
    result.to_user_id = recipient.found.value;
    result.sources.to_user_id = recipient.found.source;
  } else if (recipient) {
    result.hints.to_user_id = `Several customers are mentioned (${listed(recipient.ambiguous)}): enter the one to ask.`;
  } else if (hasInexactId(payload)) {
    result.hints.to_user_id =
      "The ticket's data gives the Twitter id as a number too long to be exact: enter the customer's @handle or user id.";
  } else {
    result.hints.to_user_id = "No Twitter customer found in this message: enter the customer's @handle or user id.";
  }
  return result;
}
