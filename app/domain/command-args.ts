import { parseRecipient, type RawDraft, type RecipientInput } from './feedback-request.js';
import { PERIOD_USAGE } from './export-period.js';
import { FEEDBACK_TYPES, oneOf } from './survey-types.js';
import { decodeSlack, recipientAt, ticketAt } from './ticket-context.js';

/**
 * What `/feedback …` asks for. The command only fills in the form: the agent still sees
 * and sends it, so anything the command cannot read starts the message instead of
 * being dropped.
 */
export type CommandArgs =
  | { kind: 'open' }
  | { kind: 'help' }
  | { kind: 'prefill'; draft: RawDraft }
  /** `period` as typed, possibly empty: checked against the calendar where the day is known. */
  | { kind: 'export'; period: string }
  | { kind: 'forget'; customer: RecipientInput }
  /** `problem` is ready to post: what is wrong, then USAGE. */
  | { kind: 'usage'; problem: string };

export const USAGE = [
  '*Ask a customer on X for feedback*',
  '`/feedback` opens the form; words after it fill it in, in any order, before the message:',
  `• *type*: ${oneOf(FEEDBACK_TYPES.map((type) => `\`${type}\``))}`,
  '• *customer*: `@jack`, a user id such as `12345`, or a profile link such as `https://x.com/jack`',
  '• *ticket*: `ticket 5555`, `#5555`, `case 00012345`, `SUP-123` or a link to the ticket',
  '• *question*: `q3` or `variant 3` for question variant 3',
  '• *test*: `test` or `--test` keeps the feedback out of the reports',
  '• *message*: everything after the customer and these words is the Direct Message',
  'Examples:',
  '`/feedback csat @jack Thanks for reaching out!`',
  '`/feedback nps 12345 ticket 5555 q2 --test`',
  '*For supervisors*',
  `• \`/feedback export [period]\` sends you the answers as a CSV file, in your DM with the app. Period: ${PERIOD_USAGE}`,
  '*For admins*',
  '• `/feedback forget @handle` (or their user id) deletes everything the app keeps about that customer in this workspace',
  '`/feedback help` shows this.',
].join('\n');

type Field = 'type' | 'test' | 'question_variant_id' | 'external_id' | 'to_user_id';

interface Word {
  field: Field;
  value: string;
  end: number;
}

// A bare "test" is the flag only in lower case: "Test our new app" is a message.
const OWN_WORDS: Array<[Field, RegExp, (m: RegExpExecArray) => string]> = [
  ['type', new RegExp(`(${FEEDBACK_TYPES.join('|')})`, 'iy'), (m) => m[1].toLowerCase()],
  ['test', /--test/iy, () => 'true'],
  ['test', /test/y, () => 'true'],
  ['question_variant_id', /(?:q|v|variant\s+#?)(\d{1,3})/iy, (m) => String(Number(m[1]))],
];

function wordAt(input: string, at: number, ticketPattern: string | undefined): Word | undefined {
  const ends = (end: number) => end === input.length || /\s/.test(input[end]);
  for (const [field, re, value] of OWN_WORDS) {
    re.lastIndex = at;
    const m = re.exec(input);
    if (m && ends(re.lastIndex)) return { field, value: value(m), end: re.lastIndex };
  }
  const ticket = ticketAt(input, at, ticketPattern);
  if (ticket && ends(ticket.end)) return { field: 'external_id', ...ticket };
  const recipient = recipientAt(input, at);
  if (recipient && ends(recipient.end)) return { field: 'to_user_id', ...recipient };
  return undefined;
}

/** The command as the agent typed it: links as their text, a Slack member as @name. */
function asTyped(text: string): string {
  return decodeSlack(text, (target, label) => {
    if (/^[@#]/.test(target)) return label ? `${target[0]}${label.replace(/^[@#]/, '')}` : `<${target}>`;
    if (target.startsWith('!')) return label ?? `@${target.slice(1)}`;
    return label ?? target;
  });
}

function shown(word: string): string {
  const short = [...word].length > 40 ? `${[...word].slice(0, 39).join('')}…` : word;
  return `\`${short.replace(/`/g, "'").replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}\``;
}

const TWICE: Record<Exclude<Field, 'test'>, string> = {
  type: 'Choose one type',
  to_user_id: 'Ask one customer at a time',
  external_id: 'Give one ticket',
  question_variant_id: 'Give one question variant',
};

function usage(problem: string): CommandArgs {
  return { kind: 'usage', problem: `${problem}\n\n${USAGE}` };
}

/** Why the first word that is not a command word cannot start a message there. */
function strayWord(word: string, draft: RawDraft): string {
  if (word.startsWith('<@')) {
    return `${shown(word)} is a Slack member, not a customer on X: give their X @handle or user id.`;
  }
  if (Object.keys(draft).length === 0) return `${shown(word)} is not a type, a customer or a ticket.`;
  return `The message needs a customer first: give their @handle, user id or profile link before ${shown(word)}.`;
}

function forget(words: string): CommandArgs {
  if (words === '') return usage('Name the customer to forget: `/feedback forget @handle` or their numeric user id.');
  const customer = parseRecipient(words);
  if (!customer) {
    return usage(
      `${shown(words)} is not one customer on X: give one @handle or numeric user id, such as \`@jack\` or \`12345\`.`,
    );
  }
  return { kind: 'forget', customer };
}

export function parseCommand(text: string, options: { ticketPattern?: string } = {}): CommandArgs {
  const input = asTyped(text).trim();
  if (input === '') return { kind: 'open' };
  if (/^(?:help|\?|--help|-h)$/i.test(input)) return { kind: 'help' };
  const command = /^(export|forget)(?:\s+|$)/i.exec(input);
  if (command?.[1].toLowerCase() === 'export') return { kind: 'export', period: input.slice(command[0].length).trim() };
  if (command) return forget(input.slice(command[0].length).trim());

  const draft: RawDraft = {};
  let at = 0;
  for (let word = wordAt(input, at, options.ticketPattern); word; word = wordAt(input, at, options.ticketPattern)) {
    if (word.field === 'test') draft.test = true;
    else {
      const before = draft[word.field];
      if (before === undefined) draft[word.field] = word.value;
      else if (before.toLowerCase() !== word.value.toLowerCase()) {
        return usage(`${TWICE[word.field]}: ${shown(before)} and ${shown(word.value)} were both given.`);
      }
    }
    at = word.end;
    while (/\s/.test(input.charAt(at))) at++;
  }

  const message = input.slice(at).trim();
  if (message) {
    if (draft.to_user_id === undefined) return usage(strayWord(message.split(/\s/, 1)[0], draft));
    draft.message = message;
  }
  return { kind: 'prefill', draft };
}
