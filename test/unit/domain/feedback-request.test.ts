import test from 'ava';
import { readFileSync } from 'node:fs';
import { checkDraft, formParams, parseRecipient, toRequest, type RawDraft } from '../../../app/domain/feedback-request.js';
import { FEEDBACK_TYPES, PLACEHOLDER } from '../../../app/domain/survey-types.js';
import { questionText, variantsOf } from '../../../app/domain/variants.js';
import { checkSettings, SETTINGS_DEFAULTS } from '../../../app/domain/workspace-settings.js';
import { variantOption } from '../../../app/slack/user-interface/feedback-modal.js';
import { fixture } from '../../support/paths.js';

const valid: RawDraft = {
  type: 'csat',
  to_user_id: '343434343434',
  message: 'Thanks for talking to us!',
  privacy_url: 'https://mybusiness.example/privacy',
  question_variant_id: '0',
};

function errorsOf(change: RawDraft): Record<string, string> {
  const checked = checkDraft({ ...valid, ...change });
  return checked.ok ? {} : (checked.errors as Record<string, string>);
}

test('the catalog is Twitter’s reference table, loaded whole: NPS 0–9, CSAT 0–37', (t) => {
  const reference = JSON.parse(readFileSync(fixture('feedback-variants.json'), 'utf8'));
  t.is(PLACEHOLDER, reference.placeholder);
  t.deepEqual(variantsOf('nps'), reference.nps);
  t.deepEqual(variantsOf('csat'), reference.csat);
  t.deepEqual(
    variantsOf('nps').map((v) => v.id),
    Array.from({ length: 10 }, (_, i) => i),
  );
  t.deepEqual(
    variantsOf('csat').map((v) => v.id),
    Array.from({ length: 38 }, (_, i) => i),
  );
});

test('no NPS question repeats a CSAT question’s words, and each names the business', (t) => {
  const csat = new Set(variantsOf('csat').map((v) => v.text));
  for (const v of variantsOf('nps')) {
    t.false(csat.has(v.text), `NPS ${v.id}`);
    t.true(v.text.includes(PLACEHOLDER), `NPS ${v.id} names the business`);
  }
  t.is(questionText('nps', 0, 'Acme'), 'How likely are you to recommend Acme to a friend?');
});

test('the question fills in the display name everywhere it appears', (t) => {
  for (const type of FEEDBACK_TYPES) {
    for (const v of variantsOf(type)) {
      const text = questionText(type, v.id, 'Acme');
      t.false(text.includes(PLACEHOLDER));
      t.is(text, v.text.split(PLACEHOLDER).join('Acme'));
    }
  }
  t.throws(() => questionText('nps', 10, 'Acme'), { instanceOf: RangeError });
  t.throws(() => questionText('csat', 38, 'Acme'), { instanceOf: RangeError });
});

test('variant labels fit Slack’s 75 characters for every variant and display name up to 20', (t) => {
  const names = ['', 'A', 'W'.repeat(20), '😀'.repeat(20), 'مرحبا بكم في متجرنا', 'x'.repeat(19) + '👍🏽'];
  for (const type of FEEDBACK_TYPES) {
    t.true(variantsOf(type).length <= 100, `a static select holds at most 100 options; ${type} has ${variantsOf(type).length}`);
    for (const v of variantsOf(type)) {
      for (const name of names) {
        const option = variantOption(type, v.id, name);
        t.true(option.text.text.length <= 75, `${type} ${v.id} with "${name}"`);
        t.true([...option.text.text].length <= 75);
        t.is(option.value, String(v.id));
        t.true(option.text.text.startsWith(`${v.id} · `));
      }
    }
  }
  // The longest NPS question is cut, not dropped: its start still tells the questions apart.
  const longest = variantOption('nps', 9, 'W'.repeat(20)).text.text;
  t.is(longest.length, 75);
  t.true(longest.startsWith('9 · How likely are you to recommend your experience with WWW'));
  t.true(longest.endsWith('…'));
});

test('a complete draft passes and keeps the API names and string ids', (t) => {
  const checked = checkDraft({ ...valid, external_id: 'ticket_5555', display_name: 'Acme', test: true });
  if (!checked.ok) return t.fail(JSON.stringify(checked.errors));
  const request = toRequest(checked.value, '343434343434');
  if (!request.ok) return t.fail();
  t.deepEqual(formParams(request.value), {
    type: 'csat',
    to_user_id: '343434343434',
    message: 'Thanks for talking to us!',
    privacy_url: 'https://mybusiness.example/privacy',
    question_variant_id: '0',
    external_id: 'ticket_5555',
    display_name: 'Acme',
    test: 'true',
  });
});

test('optional parameters left empty are not sent, and test defaults to false', (t) => {
  const checked = checkDraft({ ...valid, external_id: '  ', display_name: '' });
  if (!checked.ok) return t.fail();
  const request = toRequest(checked.value, '12');
  if (!request.ok) return t.fail();
  const params = formParams(request.value);
  t.false('external_id' in params);
  t.false('display_name' in params);
  t.is(params.test, 'false');
});

test('type is required and case-sensitive', (t) => {
  t.truthy(errorsOf({ type: undefined }).type);
  t.truthy(errorsOf({ type: 'CSAT' }).type);
  t.truthy(errorsOf({ type: 'Nps' }).type);
  t.truthy(errorsOf({ type: 'ces' }).type);
  t.deepEqual(errorsOf({ type: 'nps' }), {});
});

test('question_variant_id must exist for the chosen type', (t) => {
  t.deepEqual(errorsOf({ type: 'nps', question_variant_id: '9' }), {});
  t.regex(errorsOf({ type: 'nps', question_variant_id: '10' }).question_variant_id, /NPS questions are numbered 0 to 9/);
  t.deepEqual(errorsOf({ type: 'csat', question_variant_id: '37' }), {});
  t.regex(errorsOf({ type: 'csat', question_variant_id: '38' }).question_variant_id, /0 to 37/);
  t.truthy(errorsOf({ question_variant_id: '-1' }).question_variant_id);
  t.truthy(errorsOf({ question_variant_id: '1.5' }).question_variant_id);
  t.truthy(errorsOf({ question_variant_id: 'abc' }).question_variant_id);
  t.deepEqual(errorsOf({ question_variant_id: undefined }), {}, 'defaults to 0');
});

test('settings default to CSAT question 0, and take any NPS question from 0 to 9 as the default', (t) => {
  t.like(SETTINGS_DEFAULTS, { type: 'csat', question_variant_id: 0 });
  const unchosen = checkSettings({ message: 'Hi' });
  t.like(unchosen.ok && unchosen.value, { type: 'csat', question_variant_id: 0 });
  const nine = checkSettings({ message: 'Hi', type: 'nps', question_variant_id: '9' });
  t.like(nine.ok && nine.value, { type: 'nps', question_variant_id: 9 });
  const ten = checkSettings({ message: 'Hi', type: 'nps', question_variant_id: '10' });
  t.deepEqual(Object.keys(ten.ok ? {} : ten.errors), ['question_variant_id']);
});

test('to_user_id takes a numeric id or an @handle', (t) => {
  t.deepEqual(parseRecipient('343434343434'), { kind: 'id', id: '343434343434' });
  t.deepEqual(parseRecipient(' @jack '), { kind: 'handle', screen_name: 'jack' });
  t.deepEqual(parseRecipient('jack'), { kind: 'handle', screen_name: 'jack' });
  t.deepEqual(parseRecipient('@123'), { kind: 'handle', screen_name: '123' });
  t.deepEqual(parseRecipient('@' + 'a'.repeat(15)), { kind: 'handle', screen_name: 'a'.repeat(15) });
  t.is(parseRecipient('@' + 'a'.repeat(16)), undefined);
  t.is(parseRecipient('@ja ck'), undefined);
  t.is(parseRecipient('0'), undefined);
  t.deepEqual(parseRecipient('18446744073709551615'), { kind: 'id', id: '18446744073709551615' });
  t.is(parseRecipient('18446744073709551616'), undefined);
  t.truthy(errorsOf({ to_user_id: '' }).to_user_id);
  t.truthy(errorsOf({ to_user_id: '12-34' }).to_user_id);
});

test('a resolved recipient must still be numeric', (t) => {
  const checked = checkDraft({ ...valid, to_user_id: '@jack' });
  if (!checked.ok) return t.fail();
  t.false(toRequest(checked.value, 'jack').ok);
  t.true(toRequest(checked.value, '12').ok);
});

test('message is required and at most 10,000 characters, counted as a person counts them', (t) => {
  t.truthy(errorsOf({ message: '' }).message);
  t.truthy(errorsOf({ message: '   \n ' }).message);
  t.deepEqual(errorsOf({ message: 'x'.repeat(10_000) }), {});
  t.regex(errorsOf({ message: 'x'.repeat(10_001) }).message, /10,001/);
  t.deepEqual(errorsOf({ message: '😀'.repeat(10_000) }), {}, 'an emoji is one character');
  t.truthy(errorsOf({ message: '😀'.repeat(10_001) }).message);
});

test('privacy_url is required and an absolute http(s) URL', (t) => {
  t.truthy(errorsOf({ privacy_url: '' }).privacy_url);
  t.truthy(errorsOf({ privacy_url: 'mybusiness.example/privacy' }).privacy_url);
  t.truthy(errorsOf({ privacy_url: '/privacy' }).privacy_url);
  t.truthy(errorsOf({ privacy_url: 'ftp://mybusiness.example/privacy' }).privacy_url);
  t.truthy(errorsOf({ privacy_url: 'javascript:alert(1)' }).privacy_url);
  t.deepEqual(errorsOf({ privacy_url: 'http://mybusiness.example/privacy' }), {});
});

test('external_id is at most 256 characters', (t) => {
  t.deepEqual(errorsOf({ external_id: 'x'.repeat(256) }), {});
  t.truthy(errorsOf({ external_id: 'x'.repeat(257) }).external_id);
});

test('display_name is at most 20 characters', (t) => {
  t.deepEqual(errorsOf({ display_name: 'x'.repeat(20) }), {});
  t.deepEqual(errorsOf({ display_name: '🎉'.repeat(20) }), {});
  t.truthy(errorsOf({ display_name: 'x'.repeat(21) }).display_name);
});

test('every problem is reported at once, each on its own parameter', (t) => {
  const errors = errorsOf({
    type: 'CSAT',
    to_user_id: '',
    message: '',
    privacy_url: 'nope',
    external_id: 'x'.repeat(300),
    display_name: 'x'.repeat(30),
  });
  t.deepEqual(Object.keys(errors).sort(), ['display_name', 'external_id', 'message', 'privacy_url', 'to_user_id', 'type']);
});

test('broken characters and control characters are refused on their field', (t) => {
  t.regex(errorsOf({ message: 'Thanks \uD83D' }).message, /broken character/);
  t.regex(errorsOf({ display_name: 'Acme\u0000' }).display_name, /control character/);
  t.regex(errorsOf({ external_id: 'ticket\u0007' }).external_id, /control character/);
  t.deepEqual(errorsOf({ message: 'Line one\nLine two\twith a tab 👋🏽' }), {});
  t.regex(errorsOf({ message: 'bell\u0007' }).message, /control character/);
});
