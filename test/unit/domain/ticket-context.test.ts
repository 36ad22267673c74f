import test from 'ava';
import fc from 'fast-check';
import { LIMITS, length, parseRecipient } from '../../../app/domain/feedback-request.js';
import { parseCommand } from '../../../app/domain/command-args.js';
import { ticketContext, type TicketMessage } from '../../../app/domain/ticket-context.js';
import { compileTicketPattern } from '../../../app/domain/ticket-pattern.js';
import { ticketPatternProblem } from '../../../app/domain/workspace-settings.js';
import { HOSTILE_TICKET_PATTERN, LONG_HOSTILE_TEXTS } from '../../support/hostile-messages.js';

const THREAD = { team_id: 'T0ACME', channel_id: 'C0SUPPORT', ts: '1712345678.000100' };
const OWN = ['AcmeSupport'];

function read(message: Partial<TicketMessage>, options: { exclude?: string[]; ticketPattern?: string } = {}) {
  return ticketContext({ ...THREAD, ...message }, options);
}

const zendesk: Partial<TicketMessage> = {
  text: 'New Twitter ticket assigned to you',
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: 'Refund not received' } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Status:* Open · *Priority:* High' },
      fields: [
        { type: 'mrkdwn', text: '*Requester*\n@jack_customer' },
        { type: 'mrkdwn', text: '*Via*\nTwitter DM to @AcmeSupport' },
      ],
    },
    {
      type: 'context',
      elements: [
        { type: 'image', image_url: 'https://acme.zendesk.com/logo.png', alt_text: 'Zendesk' },
        { type: 'mrkdwn', text: 'Zendesk · assigned to Maria' },
      ],
    },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'open_ticket',
          text: { type: 'plain_text', text: 'Open in Zendesk' },
          url: 'https://acme.zendesk.com/agent/tickets/5555',
        },
      ],
    },
  ],
};

test('a Zendesk bot message: the ticket from its button, the requester from its fields', (t) => {
  const found = read(zendesk, { exclude: OWN });
  t.is(found.external_id, 'ticket_5555');
  t.is(found.sources.external_id, 'ticket_link');
  t.is(found.to_user_id, '@jack_customer');
  t.is(found.sources.to_user_id, 'handle');
  t.deepEqual(found.hints, {});
});

test("without the business's own handle excluded, the Zendesk message names two people", (t) => {
  const found = read(zendesk);
  t.is(found.to_user_id, undefined);
  t.regex(found.hints.to_user_id ?? '', /@jack_customer, @AcmeSupport/);
});

test('a ticket link in a section accessory button is read too', (t) => {
  const found = read({
    blocks: [
      {
        type: 'section',
        text: { type: 'plain_text', text: 'A customer is waiting' },
        accessory: {
          type: 'button',
          text: { type: 'plain_text', text: 'Open' },
          url: 'https://help.acme.com/agent/#/tickets/9012',
        },
      },
    ],
  });
  t.is(found.external_id, 'ticket_9012');
});

test('links in mrkdwn fields and context elements are decoded like the message text', (t) => {
  const found = read({
    blocks: [
      {
        type: 'section',
        fields: [{ type: 'mrkdwn', text: '*Ticket*\n<https://acme.zendesk.com/agent/tickets/5555|&lt;Refund&gt;>' }],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'From <https://x.com/jack|Jack Smith> via <@U0BOT>' }] },
    ],
  });
  t.is(found.external_id, 'ticket_5555');
  t.is(found.sources.external_id, 'ticket_link');
  t.is(found.to_user_id, '@jack');
  t.is(found.sources.to_user_id, 'profile_link');
});

test('a Freshdesk message: Slack links decoded, url and label both read', (t) => {
  const found = read({
    text:
      'New reply on <https://acme.freshdesk.com/a/tickets/8812|Ticket 8812: Order late> from ' +
      '<https://twitter.com/maria_b|maria_b> &amp; cc &lt;support&gt;',
  });
  t.is(found.external_id, 'ticket_8812');
  t.is(found.sources.external_id, 'ticket_link');
  t.is(found.to_user_id, '@maria_b');
  t.is(found.sources.to_user_id, 'profile_link');
});

test('a Jira Service Management message in rich text, nested sections, lists and quotes included', (t) => {
  const found = read({
    blocks: [
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'New request ' },
              { type: 'link', url: 'https://acme.atlassian.net/browse/SUP-123', text: "Can't log in" },
              { type: 'user', user_id: 'U0AGENT' },
            ],
          },
          {
            type: 'rich_text_list',
            style: 'bullet',
            elements: [
              { type: 'rich_text_section', elements: [{ type: 'text', text: 'Priority: medium' }] },
              { type: 'rich_text_section', elements: [{ type: 'text', text: 'Reporter: @kim_88' }] },
            ],
          },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'I cannot log in since Monday' }] },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'error 500' }] },
        ],
      },
    ],
  });
  t.is(found.external_id, 'SUP-123');
  t.is(found.sources.external_id, 'jira_link');
  t.is(found.to_user_id, '@kim_88');
  t.is(found.sources.to_user_id, 'labelled_handle');
});

test('text deep inside a quote inside a list is found', (t) => {
  const found = read({
    blocks: [
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_list',
            elements: [
              {
                type: 'rich_text_quote',
                elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'case #00012345' }] }],
              },
            ],
          },
        ],
      },
    ],
  });
  t.is(found.external_id, 'case_00012345');
});

test('a pasted tweet: the author of the status, never the tweet id; the unfurl does not confuse', (t) => {
  const found = read(
    {
      text: 'can someone ask this one for feedback? <https://x.com/jack/status/1780000000000000001>',
      thread_ts: '1712340000.000050',
      attachments: [
        {
          author_name: 'jack',
          author_subname: '@jack',
          author_link: 'https://x.com/jack',
          text: 'thanks @AcmeSupport and @mary for nothing',
          footer: 'X',
        },
      ],
    },
    { exclude: OWN },
  );
  t.is(found.to_user_id, '@jack');
  t.is(found.sources.to_user_id, 'status_link');
  t.is(found.external_id, 'slack:T0ACME/C0SUPPORT/1712340000.000050');
  t.is(found.sources.external_id, 'thread');
});

test('a legacy attachment from a helpdesk integration is read: title link, fields, pretext', (t) => {
  const found = read({
    attachments: [
      {
        pretext: 'Ticket updated',
        title: 'Where is my order?',
        title_link: 'https://acme.zendesk.com/agent/tickets/4321',
        fields: [{ title: 'Twitter handle', value: 'olga_k', short: true }],
        fallback: 'Ticket updated: Where is my order?',
      },
    ],
  });
  t.is(found.external_id, 'ticket_4321');
  t.is(found.to_user_id, '@olga_k');
});

test('metadata wins over what the text says, and a 64-bit id kept as a string stays exact', (t) => {
  const found = read({
    text: 'Ticket #7777 from @someone_else',
    metadata: { event_type: 'ticket_created', event_payload: { ticket_id: 5555, twitter_user_id: '1234567890123456789' } },
  });
  t.is(found.external_id, 'ticket_5555');
  t.is(found.sources.external_id, 'metadata');
  t.is(found.to_user_id, '1234567890123456789');
  t.is(found.sources.to_user_id, 'metadata');
});

test('a metadata id sent as a JSON number past 2^53 is refused with a hint, not rounded', (t) => {
  const lost = Number('1234567890123456789');
  const found = read({ metadata: { event_type: 'ticket_created', event_payload: { twitter_user_id: lost } } });
  t.is(found.to_user_id, undefined);
  t.regex(found.hints.to_user_id ?? '', /number too long/);
  const exact = read({ metadata: { event_payload: { twitter_user_id: 783214 } } });
  t.is(exact.to_user_id, '783214');
});

test('metadata fields: handles with or without @, cases, issue keys and external ids', (t) => {
  t.is(read({ metadata: { event_payload: { twitter_screen_name: '@Jack' } } }).to_user_id, '@Jack');
  t.is(read({ metadata: { event_payload: { handle: 'jack' } } }).to_user_id, '@jack');
  const ownFirst = read({ metadata: { event_payload: { handle: 'AcmeSupport', screen_name: 'jack' } } }, { exclude: OWN });
  t.is(ownFirst.to_user_id, '@jack');
  t.is(read({ metadata: { event_payload: { case_id: '00012345' } } }).external_id, 'case_00012345');
  t.is(read({ metadata: { event_payload: { issue_key: 'SUP-9' } } }).external_id, 'SUP-9');
  t.is(read({ metadata: { event_payload: { external_id: 'ZD-5555', ticket_id: 1 } } }).external_id, 'ZD-5555');
  const tooLong = read({ text: 'ticket 42', metadata: { event_payload: { external_id: 'x'.repeat(257) } } });
  t.is(tooLong.external_id, 'ticket_42');
});

test('a DM link gives the id itself, ahead of any handle', (t) => {
  for (const link of [
    'https://twitter.com/messages/compose?recipient_id=783214&text=hi',
    '<https://x.com/messages/compose?recipient_id=783214|Reply in DM>',
  ]) {
    const found = read({ text: `@mary wrote about it, ${link}` });
    t.is(found.to_user_id, '783214', link);
    t.is(found.sources.to_user_id, 'dm_link');
  }
});

test('an email address is not a handle and a Slack mention is not a customer', (t) => {
  const mail = read({ text: 'Customer wrote from help@acme.com and jack@example.org' });
  t.is(mail.to_user_id, undefined);
  t.regex(mail.hints.to_user_id ?? '', /No Twitter customer/);
  const mention = read({ text: '<@U123ABC> can you send feedback to @jack? <@U456|maria> <!here> @here' });
  t.is(mention.to_user_id, '@jack');
});

test("the business's own handle is skipped, whatever its case or @", (t) => {
  t.is(read({ text: '@AcmeSupport replied to @jack' }, { exclude: ['@acmesupport'] }).to_user_id, '@jack');
  t.is(read({ text: 'https://x.com/ACMESUPPORT/status/1 to @jack' }, { exclude: OWN }).to_user_id, '@jack');
  t.is(read({ text: 'twitter user id 999 asked' }, { exclude: ['999'] }).to_user_id, undefined);
});

test('two different customers: nothing chosen, the hint lists up to three', (t) => {
  const two = read({ text: '@jack and @mary both complained' });
  t.is(two.to_user_id, undefined);
  t.is(two.hints.to_user_id, 'Several customers are mentioned (@jack, @mary): enter the one to ask.');
  const many = read({ text: '@a1 @b2 @c3 @d4' });
  t.is(many.hints.to_user_id, 'Several customers are mentioned (@a1, @b2, @c3, …): enter the one to ask.');
  t.is(read({ text: '@jack, again @JACK' }).to_user_id, '@jack');
});

test('nothing found: the thread reference, said so in sources and hints', (t) => {
  const found = read({ text: 'Can someone look at this?' });
  t.is(found.external_id, 'slack:T0ACME/C0SUPPORT/1712345678.000100');
  t.is(found.sources.external_id, 'thread');
  t.regex(found.hints.external_id ?? '', /thread reference/);
  t.is(found.to_user_id, undefined);
  t.is(found.sources.to_user_id, undefined);
});

test('a thread reference that would pass 256 characters is not offered', (t) => {
  const found = ticketContext({ team_id: 'T'.repeat(200), channel_id: 'C'.repeat(60), ts: '1.2' });
  t.is(found.external_id, undefined);
  t.regex(found.hints.external_id ?? '', /enter the ticket/);
});

const TICKETS: Array<[string, string, string]> = [
  ['https://acme.zendesk.com/agent/tickets/5555', 'ticket_5555', 'ticket_link'],
  ['<https://acme.zendesk.com/agent/tickets/5555/events|events>', 'ticket_5555', 'ticket_link'],
  ['https://acme.freshdesk.com/a/tickets/5555', 'ticket_5555', 'ticket_link'],
  ['https://acme.freshdesk.com/helpdesk/tickets/5555', 'ticket_5555', 'ticket_link'],
  ['https://help.acme.com/agent/#/tickets/5555', 'ticket_5555', 'ticket_link'],
  ['https://acme.atlassian.net/browse/SUP-123', 'SUP-123', 'jira_link'],
  ['https://acme.atlassian.net/servicedesk/customer/portal/2/SUP-123', 'SUP-123', 'jira_link'],
  ['https://acme.atlassian.net/jira/servicedesk/projects/SUP/queues?selectedIssue=SUP-123', 'SUP-123', 'jira_link'],
  ['Jira SUP-123', 'SUP-123', 'jira_key'],
  ['issue: sup-123', 'SUP-123', 'jira_key'],
  ['ticket 5555', 'ticket_5555', 'ticket_label'],
  ['ticket_5555', 'ticket_5555', 'ticket_label'],
  ['ticket #5555', 'ticket_5555', 'ticket_label'],
  ['Ticket: 5555', 'ticket_5555', 'ticket_label'],
  ['*Ticket:* #5555', 'ticket_5555', 'ticket_label'],
  ['*Ticket*\n5555', 'ticket_5555', 'ticket_label'],
  ['Ticket ID: 5555.', 'ticket_5555', 'ticket_label'],
  ['see #5555 for details', 'ticket_5555', 'hash'],
  ['(#5555)', 'ticket_5555', 'hash'],
  ['Case 00012345', 'case_00012345', 'case_label'],
  ['case #00012345', 'case_00012345', 'case_label'],
  ['Case Number: 00012345', 'case_00012345', 'case_label'],
  ['case #42', 'case_42', 'case_label'],
];

test('every default ticket form, in the form a support team knows it', (t) => {
  for (const [text, externalId, source] of TICKETS) {
    const found = read({ text });
    t.is(found.external_id, externalId, text);
    t.is(found.sources.external_id, source as never, text);
  }
});

test('what only looks like a ticket is not one', (t) => {
  for (const text of [
    'SUP-123 is mentioned without a label',
    'COVID-19 delayed the parcel',
    'you are our #1 customer',
    'https://acme.com/faq#5555',
    'see <#C0123ABC|5555-alerts>',
    'just in case 2024 is busy',
    'order 5555 shipped',
    'https://acme.zendesk.com/agent/tickets/new',
  ]) {
    t.is(read({ text }).sources.external_id, 'thread', text);
  }
});

test('the ticket forms rank: link, Jira link, Jira key, ticket label, case label, #number', (t) => {
  t.is(read({ text: '#1111 ticket 2222 https://acme.zendesk.com/agent/tickets/3333' }).external_id, 'ticket_3333');
  t.is(read({ text: 'ticket 2222 Jira SUP-1' }).external_id, 'SUP-1');
  t.is(read({ text: '#1111 case 00012345' }).external_id, 'case_00012345');
  t.is(read({ text: '#1111 ticket 2222 case 00012345' }).external_id, 'ticket_2222');
  t.is(read({ text: 'ticket #5555 (see #5555)' }).external_id, 'ticket_5555');
});

test('two different tickets of the same rank: nothing chosen, the hint lists them', (t) => {
  const found = read({ text: 'merged #5555 into #5556' });
  t.is(found.external_id, undefined);
  t.is(found.hints.external_id, 'Several tickets are mentioned (ticket_5555, ticket_5556): enter the right one.');
});

test("an admin's pattern is tried before the default forms, after metadata", (t) => {
  const text = 'Incident INC0012345 raised, see #5555';
  t.is(read({ text }, { ticketPattern: 'INC(\\d{7})' }).external_id, '0012345');
  const named = read({ text }, { ticketPattern: '(?<ticket>inc\\d+)' });
  t.is(named.external_id, 'INC0012345');
  t.is(named.sources.external_id, 'pattern');
  t.is(read({ text }, { ticketPattern: 'INC\\d+' }).external_id, 'INC0012345');
  const withMetadata = read({ text, metadata: { event_payload: { ticket: '42' } } }, { ticketPattern: 'INC\\d+' });
  t.is(withMetadata.external_id, 'ticket_42');
  t.is(read({ text }, { ticketPattern: 'PRB\\d+' }).external_id, 'ticket_5555');
});

test('a broken admin pattern is reported and the default forms still work', (t) => {
  const found = read({ text: 'ticket 5555' }, { ticketPattern: 'INC(' });
  t.is(found.external_id, 'ticket_5555');
  t.regex(found.hints.external_id ?? '', /ticket pattern cannot be used: Not a valid regular expression/);
  // Saved before patterns ran on RE2: JavaScript took it, RE2 does not.
  const lookbehind = read({ text: 'ticket 5555' }, { ticketPattern: '(?<=INC)(\\d+)' });
  t.is(lookbehind.external_id, 'ticket_5555');
  t.regex(lookbehind.hints.external_id ?? '', /ticket pattern cannot be used: Lookbehind/);
});

test("an admin's pattern runs without backtracking: one that is exponential in JavaScript reads 40,000 characters", (t) => {
  const text = `${'a'.repeat(40_000)}!`;
  t.is(read({ text }, { ticketPattern: '(a+)+$' }).sources.external_id, 'thread');
  t.is(parseCommand(text, { ticketPattern: '(a+)+$' }).kind, 'usage');
  t.is(read({ text: `${'a'.repeat(40_000)} INC-7` }, { ticketPattern: '(?:a+)+\\s+INC-(\\d+)' }).external_id, '7');
});

test("an admin's pattern reads the first 50,000 characters of a message, and says so when it found nothing", (t) => {
  const filler = 'lorem ipsum '.repeat(5000);
  const late = read({ text: `${filler} INC-42 ticket 5555` }, { ticketPattern: 'INC-(\\d+)' });
  t.is(late.external_id, 'ticket_5555');
  t.regex(late.hints.external_id ?? '', /pattern read only the first 50,000 characters/);
  const early = read({ text: `INC-42 ${filler}` }, { ticketPattern: 'INC-(\\d+)' });
  t.is(early.external_id, '42');
  t.is(early.hints.external_id, undefined);
  t.is(read({ text: `${filler} ticket 5555` }).hints.external_id, undefined, 'no pattern, no word about one');
});

test("in a command, an admin's pattern reads 1,000 characters from where a word starts", (t) => {
  const ticket = (text: string) => {
    const args = parseCommand(text, { ticketPattern: '(INC-\\d+)x*' });
    return args.kind === 'prefill' ? args.draft.external_id : args.kind;
  };
  t.is(ticket(`@jack INC-7${'x'.repeat(900)} Thanks!`), 'INC-7');
  t.is(ticket(`@jack INC-7${'x'.repeat(1200)} Thanks!`), undefined, 'a match cut short by the window is no word');
});

test("an admin's pattern is compiled once per source, and the cache of compiled patterns is bounded", (t) => {
  const first = compileTicketPattern('FIRST-(\\d+)');
  t.true(first.ok);
  t.is(compileTicketPattern('FIRST-(\\d+)'), first);
  for (let i = 0; i < 1000; i++) compileTicketPattern(`P${i}-(\\d+)`);
  t.not(compileTicketPattern('FIRST-(\\d+)'), first, 'pushed out by a thousand others');
});

test('ticketPatternProblem explains what RE2 refuses and the length limit', (t) => {
  t.regex(ticketPatternProblem('(?<!x)(\\d+)') ?? '', /^Lookbehind .* not supported: patterns run without backtracking/);
  t.regex(ticketPatternProblem('(\\d+)(?=x)') ?? '', /^Lookahead/);
  t.regex(ticketPatternProblem('(?<t>\\d)\\k<t>') ?? '', /^Backreferences/);
  t.is(ticketPatternProblem(`(${'x'.repeat(199)})`), 'At most 200 characters.');
  t.is(ticketPatternProblem(`(${'x'.repeat(198)})`), undefined);
  t.is(ticketPatternProblem('INC-\\d+'), 'Add a capture group around the ticket id, e.g. INC-(\\d+).');
  t.is(ticketPatternProblem('(?<ticket>INC-\\d+)'), undefined);
  t.regex(ticketPatternProblem('(\\pL{1000})') ?? '', /^The pattern is too large once compiled/);
});

const RECIPIENTS: Array<[string, string | undefined]> = [
  ['user id: 12345', '12345'],
  ['twitter id 12345', '12345'],
  ['user_id=12345', '12345'],
  ['customer id (twitter): 12345', '12345'],
  ['*Twitter user ID:* 1234567890123456789', '1234567890123456789'],
  ['{"twitter_user_id": "1234567890123456789"}', '1234567890123456789'],
  ['Twitter handle: jack', '@jack'],
  ['customer: @jack', '@jack'],
  ['https://mobile.twitter.com/jack', '@jack'],
  ['https://www.twitter.com/#!/jack', '@jack'],
  ['<https://x.com/jack|x.com/jack>', '@jack'],
  ['x.com/jack?s=20', '@jack'],
  ['https://twitter.com/jack/status/1780000000000000001?s=20', '@jack'],
  ['(@jack)', '@jack'],
  ['RT @jack: hello', '@jack'],
  ['order 12345', undefined],
  ['12345', undefined],
  ['Zendesk user id: 12345', undefined],
  ['user id: 0', undefined],
  ['user id: 99999999999999999999', undefined],
  ['https://x.com/i/web/status/1780000000000000001', undefined],
  ['https://x.com/home https://twitter.com/search?q=acme https://x.com/settings https://x.com/intent/follow', undefined],
  ['https://medium.com/@jack', undefined],
  ['netflix.com/jack', undefined],
  ['Customer: Jack Smith', undefined],
  ['@here @channel', undefined],
  ['@this_is_way_too_long', undefined],
  ['jack.smith@acme.com @acme.com', undefined],
];

test('every customer form, and what only looks like one', (t) => {
  for (const [text, expected] of RECIPIENTS) {
    t.is(read({ text }).to_user_id, expected, text);
  }
});

test('the customer forms rank: DM link, labelled id, labelled handle, link, @handle', (t) => {
  t.is(read({ text: 'user id: 12345 https://x.com/messages/compose?recipient_id=678' }).to_user_id, '678');
  t.is(read({ text: 'https://x.com/jack @mary\nuser id: 12345' }).to_user_id, '12345');
  t.is(read({ text: 'https://x.com/mary Requester: @jack' }).to_user_id, '@jack');
  t.is(read({ text: '@mary wrote https://x.com/jack' }).to_user_id, '@jack');
  t.is(read({ text: 'Requester: @jack, cc @mary' }).to_user_id, '@jack');
  const links = read({ text: 'https://x.com/jack/status/1 https://x.com/mary' });
  t.is(links.to_user_id, undefined);
  t.regex(links.hints.to_user_id ?? '', /@jack, @mary/);
});

test('odd shapes from other bots are skipped, not fatal', (t) => {
  const found = read({
    text: undefined,
    blocks: [
      null,
      3,
      'x',
      { type: 'section', text: 'not an object', fields: 'nope' },
      { type: 'rich_text', elements: [{ type: 'text', text: 5 }] },
    ],
    attachments: [{ fields: [null, { title: 'Case', value: '#00012345' }] }, 'junk'],
    metadata: { event_payload: { ticket: { id: 1 }, twitter_user_id: -5, handle: 'not a handle!' } },
  });
  t.is(found.external_id, 'case_00012345');
  t.is(found.to_user_id, undefined);
});

// How long they take is measured by the bench (`npm run bench`), not here: the machine is shared.
test('a long hostile message is read without error', (t) => {
  for (const text of LONG_HOSTILE_TEXTS) {
    t.notThrows(() => read({ text }, { ticketPattern: HOSTILE_TICKET_PATTERN }), text.slice(0, 20));
  }
});

const FRAGMENTS = [
  '@jack',
  '@AcmeSupport',
  '@mary_1',
  'help@acme.com',
  '<@U123ABC>',
  '<#C123|general>',
  '#5555',
  '#1',
  'ticket 5555',
  'Ticket: #77',
  'case 00012345',
  'Jira SUP-123',
  'SUP-9',
  'user id: 12345',
  'user id: 99999999999999999999',
  'twitter id 0',
  'https://x.com/jack',
  'https://x.com/jack/status/18446744073709551616',
  'https://twitter.com/messages/compose?recipient_id=18446744073709551615',
  'https://twitter.com/messages/compose?recipient_id=18446744073709551616',
  'x.com/home',
  'https://acme.zendesk.com/agent/tickets/5555',
  '<https://x.com/jack|@jack>',
  '&amp;',
  '&lt;',
  '\n',
  '*',
  ':',
];

const textArb = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(' '));

const payloadArb = fc.dictionary(
  fc.constantFrom(
    ...['ticket_id', 'ticket', 'external_id', 'case_id', 'issue_key', 'twitter_user_id', 'to_user_id', 'user_id_str'],
    ...['twitter_id', 'twitter_handle', 'twitter_screen_name', 'screen_name', 'handle', 'other'],
  ),
  fc.oneof(
    fc.anything(),
    fc.string({ maxLength: 300 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(
      ...[Number('1234567890123456789'), '1234567890123456789', '@jack', 'x'.repeat(300), '00012345', 0],
      ...['18446744073709551616', ' #5555 ', 'AcmeSupport'],
    ),
  ),
);

const messageArb: fc.Arbitrary<TicketMessage> = fc.record(
  {
    text: textArb,
    blocks: fc.array(
      fc.oneof(
        fc.anything(),
        textArb.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text }, fields: [{ type: 'plain_text', text }] })),
        textArb.map((text) => ({
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text },
                { type: 'link', url: text },
              ],
            },
          ],
        })),
      ),
      { maxLength: 4 },
    ),
    attachments: fc.array(
      fc.oneof(
        fc.anything(),
        textArb.map((text) => ({ text, title_link: text, fields: [{ title: text, value: text }] })),
      ),
      { maxLength: 3 },
    ),
    metadata: fc.record({ event_type: fc.string(), event_payload: payloadArb }, { requiredKeys: [] }),
    team_id: fc.string({ maxLength: 200 }),
    channel_id: fc.string({ maxLength: 100 }),
    ts: fc.string({ maxLength: 20 }),
    thread_ts: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: ['team_id', 'channel_id', 'ts'] },
);

const optionsArb = fc.record(
  {
    exclude: fc.array(fc.constantFrom('AcmeSupport', '@jack', '12345', ''), { maxLength: 3 }),
    ticketPattern: fc.constantFrom('INC(\\d+)', '(?<ticket>.*)', '(.+)', '(', '', 'x*', '(\\d)?'),
  },
  { requiredKeys: [] },
);

test('any message: no exception, a customer parseRecipient accepts, a ticket of at most 256 characters', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(messageArb, optionsArb, (message, options) => {
        const found = ticketContext(message, options);
        if (found.to_user_id !== undefined) {
          if (parseRecipient(found.to_user_id) === undefined) return false;
          if (found.sources.to_user_id === undefined) return false;
        } else if (!found.hints.to_user_id) return false;
        if (found.external_id !== undefined) {
          if (length(found.external_id) > LIMITS.external_id || found.external_id.trim() !== found.external_id) return false;
          if (found.external_id === '' || found.sources.external_id === undefined) return false;
        } else if (!found.hints.external_id) return false;
        return true;
      }),
      { numRuns: 2000 },
    ),
  );
});
