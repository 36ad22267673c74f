import test from 'ava';
import fc from 'fast-check';
import { LIMITS, length, parseRecipient, type RawDraft } from '../../../app/domain/feedback-request.js';
import { parseCommand, USAGE } from '../../../app/domain/command-args.js';

function draftOf(text: string, options?: { ticketPattern?: string }): RawDraft {
  const args = parseCommand(text, options);
  if (args.kind !== 'prefill') throw new Error(`${JSON.stringify(text)} gave ${JSON.stringify(args)}`);
  return args.draft;
}

function problemOf(text: string): string {
  const args = parseCommand(text);
  if (args.kind !== 'usage') throw new Error(`${JSON.stringify(text)} gave ${JSON.stringify(args)}`);
  return args.problem;
}

test('no words open the form empty; help and ? show the usage', (t) => {
  t.deepEqual(parseCommand(''), { kind: 'open' });
  t.deepEqual(parseCommand('   '), { kind: 'open' });
  for (const text of ['help', 'HELP', 'Help', '?', ' help ', '--help']) {
    t.deepEqual(parseCommand(text), { kind: 'help' }, text);
  }
});

test('type, customer and message', (t) => {
  t.deepEqual(draftOf('csat @jack Thanks for reaching out!'), {
    type: 'csat',
    to_user_id: '@jack',
    message: 'Thanks for reaching out!',
  });
});

test('type, numeric id and ticket, no message', (t) => {
  t.deepEqual(draftOf('CSAT 12345 ticket 5555'), { type: 'csat', to_user_id: '12345', external_id: 'ticket_5555' });
});

test('every word at once, in any order', (t) => {
  const expected = {
    type: 'nps',
    to_user_id: '@jack',
    external_id: 'ticket_5555',
    question_variant_id: '3',
    test: true,
    message: 'Hi there',
  };
  t.deepEqual(draftOf('nps <https://x.com/jack|x.com/jack> #5555 q3 --test Hi there'), expected);
  t.deepEqual(draftOf('--test q3 #5555 @jack NPS Hi there'), expected);
});

test('the ticket words of a message are the ticket words of a command', (t) => {
  const cases: Array<[string, string]> = [
    ['ticket 5555', 'ticket_5555'],
    ['ticket_5555', 'ticket_5555'],
    ['ticket #5555', 'ticket_5555'],
    ['Ticket: 5555', 'ticket_5555'],
    ['#5555', 'ticket_5555'],
    ['case 00012345', 'case_00012345'],
    ['case #00012345', 'case_00012345'],
    ['https://acme.zendesk.com/agent/tickets/5555', 'ticket_5555'],
    ['<https://acme.freshdesk.com/a/tickets/5555|acme.freshdesk.com/a/tickets/5555>', 'ticket_5555'],
    ['https://acme.atlassian.net/browse/SUP-123', 'SUP-123'],
    ['SUP-123', 'SUP-123'],
    ['Jira sup-123', 'SUP-123'],
  ];
  for (const [words, externalId] of cases) {
    t.deepEqual(draftOf(`${words} @jack`), { external_id: externalId, to_user_id: '@jack' }, words);
  }
});

test('the customer as @handle, id, profile link, status link or DM link', (t) => {
  const cases: Array<[string, string]> = [
    ['@Jack_99', '@Jack_99'],
    ['1234567890123456789', '1234567890123456789'],
    ['https://x.com/jack', '@jack'],
    ['x.com/jack', '@jack'],
    ['<https://twitter.com/jack>', '@jack'],
    ['https://twitter.com/jack/status/1780000000000000001', '@jack'],
    ['https://twitter.com/messages/compose?recipient_id=783214', '783214'],
    ['<@U0SLACK|jack>', '@jack'],
  ];
  for (const [words, recipient] of cases) {
    t.deepEqual(draftOf(`csat ${words}`), { type: 'csat', to_user_id: recipient }, words);
  }
});

test('a question variant as q3, v3 or variant 3', (t) => {
  for (const words of ['q3', 'Q3', 'v3', 'variant 3', 'q03']) {
    t.is(draftOf(`nps ${words}`).question_variant_id, '3', words);
  }
});

test('test is a flag before the message and a word inside it', (t) => {
  t.is(draftOf('csat @jack test').test, true);
  t.is(draftOf('csat @jack --TEST').test, true);
  t.deepEqual(draftOf('csat @jack test Thanks!'), { type: 'csat', to_user_id: '@jack', test: true, message: 'Thanks!' });
  t.deepEqual(draftOf('csat @jack Test our new app'), { type: 'csat', to_user_id: '@jack', message: 'Test our new app' });
  t.deepEqual(draftOf('csat @jack Thanks, the test passed'), {
    type: 'csat',
    to_user_id: '@jack',
    message: 'Thanks, the test passed',
  });
  t.is(draftOf('csat @jack testing 1 2 3').message, 'testing 1 2 3');
});

test('the message starts at the first word that is not a command word, and keeps the rest as typed', (t) => {
  t.deepEqual(draftOf('@jack csat How did ticket 5555 go?'), {
    to_user_id: '@jack',
    type: 'csat',
    message: 'How did ticket 5555 go?',
  });
  t.is(draftOf('@jack Thanks #5555 is closed').message, 'Thanks #5555 is closed');
  t.is(draftOf('@jack Thanks &amp; welcome &lt;3').message, 'Thanks & welcome <3');
  t.is(
    draftOf('@jack See <https://acme.com/help|acme.com/help> or <https://acme.com/faq>').message,
    'See acme.com/help or https://acme.com/faq',
  );
  t.is(draftOf('@jack Line one\nLine two  ').message, 'Line one\nLine two');
});

test('an unknown word with nothing before it is a usage problem naming the word', (t) => {
  const problem = problemOf('frobnicate');
  t.true(problem.includes('`frobnicate`'));
  t.true(problem.endsWith(USAGE));
});

test('a message before any customer is a usage problem', (t) => {
  const problem = problemOf('csat Thanks for your patience');
  t.regex(problem, /customer first/);
  t.true(problem.includes('`Thanks`'));
  t.true(problem.endsWith(USAGE));
  t.regex(problemOf('ticket 5555 hello'), /customer first/);
});

test('a Slack member is not a customer on X', (t) => {
  t.regex(problemOf('csat <@U123ABC> hi'), /`&lt;@U123ABC&gt;` is a Slack member/);
});

test('two customers, two types, two tickets or two variants are refused; a repeat is not', (t) => {
  t.regex(problemOf('csat @jack @mary hi'), /one customer at a time: `@jack` and `@mary`/);
  t.regex(problemOf('csat 12345 @jack'), /one customer at a time/);
  t.regex(problemOf('csat nps @jack'), /one type: `csat` and `nps`/);
  t.regex(problemOf('@jack ticket 1 ticket 2'), /one ticket: `ticket_1` and `ticket_2`/);
  t.regex(problemOf('@jack q1 v2'), /one question variant/);
  t.deepEqual(draftOf('csat @jack @JACK CSAT hi'), { type: 'csat', to_user_id: '@jack', message: 'hi' });
});

test("an admin's ticket pattern is understood by the command too", (t) => {
  t.is(draftOf('@jack INC0012345', { ticketPattern: '(?<ticket>INC\\d+)' }).external_id, 'INC0012345');
  t.is(draftOf('@jack INC0012345').message, 'INC0012345');
});

test('the usage lists every form with an example', (t) => {
  const forms = ['/feedback', 'csat', 'nps', '@jack', '12345', 'https://x.com/jack', 'ticket 5555', '#5555'];
  forms.push('case 00012345', 'SUP-123', 'q3', 'variant 3', '--test', '/feedback csat @jack Thanks for reaching out!');
  for (const form of forms) {
    t.true(USAGE.includes(form), form);
  }
});

const HANDLES = fc.stringMatching(/^[A-Za-z0-9_]{1,15}$/).map((h) => `@${h}`);
const IDS = fc.bigInt({ min: 1n, max: 18446744073709551615n }).map(String);

test('words in any order give the same draft', (t) => {
  const words = fc.record({
    type: fc.constantFrom('csat', 'nps', 'CSAT', 'Nps'),
    recipient: fc.oneof(HANDLES, IDS),
    ticket: fc.integer({ min: 1, max: 10_000_000 }),
    variant: fc.integer({ min: 0, max: 37 }),
    test: fc.boolean(),
    message: fc.constantFrom('Thanks for your patience!', 'Hi there, how did we do?', 'Merci 🙏'),
  });
  t.notThrows(() =>
    fc.assert(
      fc.property(words, fc.func(fc.integer()), (w, order) => {
        const leading = [w.type, w.recipient, `ticket ${w.ticket}`, `q${w.variant}`, ...(w.test ? ['--test'] : [])];
        const shuffled = leading
          .map((word, i) => ({ word, key: order(i) }))
          .sort((a, b) => a.key - b.key)
          .map((x) => x.word);
        const args = parseCommand(`${shuffled.join(' ')} ${w.message}`);
        const expected: RawDraft = {
          type: w.type.toLowerCase(),
          to_user_id: w.recipient,
          external_id: `ticket_${w.ticket}`,
          question_variant_id: String(w.variant),
          message: w.message,
          ...(w.test ? { test: true } : {}),
        };
        return args.kind === 'prefill' && JSON.stringify(sorted(args.draft)) === JSON.stringify(sorted(expected));
      }),
      { numRuns: 500 },
    ),
  );
});

function sorted(draft: RawDraft): Array<[string, unknown]> {
  return Object.entries(draft).sort(([a], [b]) => a.localeCompare(b));
}

test('any text: no exception, and what is prefilled is what the form can take', (t) => {
  const pieces = fc.constantFrom(
    'csat',
    'nps',
    'test',
    '--test',
    'q3',
    'v99',
    'variant 7',
    '@jack',
    '@mary',
    '12345',
    '0',
    '18446744073709551616',
    'x.com/jack',
    '<https://x.com/jack|x.com/jack>',
    '<@U1>',
    '<@U1|jack>',
    '<!here>',
    'ticket 5555',
    '#5555',
    'case 00012345',
    'SUP-1',
    '&amp;',
    '&lt;',
    '<',
    '|',
    '>',
    'help',
    '?',
  );
  const text = fc
    .array(fc.oneof(pieces, fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 10 })
    .map((parts) => parts.join(' '));
  const patterns = fc.constantFrom(undefined, '(.*)', '(', 'x*', '(?<ticket>\\S+)');
  t.notThrows(() =>
    fc.assert(
      fc.property(text, patterns, (input, ticketPattern) => {
        const args = parseCommand(input, { ticketPattern });
        if (args.kind === 'usage') return args.problem.endsWith(USAGE);
        if (args.kind !== 'prefill') return true;
        const { draft } = args;
        if (draft.to_user_id !== undefined && parseRecipient(draft.to_user_id) === undefined) return false;
        const ticket = draft.external_id;
        if (ticket !== undefined && (ticket === '' || length(ticket) > LIMITS.external_id)) return false;
        if (draft.type !== undefined && draft.type !== 'csat' && draft.type !== 'nps') return false;
        if (draft.message !== undefined && (draft.message === '' || draft.message !== draft.message.trim())) return false;
        if (draft.message !== undefined && draft.to_user_id === undefined) return false;
        return true;
      }),
      { numRuns: 2000 },
    ),
  );
});

test('export and forget are commands of their own, not a message', (t) => {
  t.deepEqual(parseCommand('export'), { kind: 'export', period: '' });
  t.deepEqual(parseCommand('EXPORT  2025-01-01..2025-01-31 '), { kind: 'export', period: '2025-01-01..2025-01-31' });
  t.deepEqual(parseCommand('forget @Jack_99'), { kind: 'forget', customer: { kind: 'handle', screen_name: 'Jack_99' } });
  t.deepEqual(parseCommand('forget 12345'), { kind: 'forget', customer: { kind: 'id', id: '12345' } });
  t.regex(problemOf('forget'), /^Name the customer to forget/);
  t.regex(problemOf('forget @jack @jill'), /is not one customer on X/);
  t.deepEqual(draftOf('@jack export the report please'), { to_user_id: '@jack', message: 'export the report please' });
});
