import test from 'ava';
import { randomBytes } from 'node:crypto';
import { API_KEY_ANYWHERE, apiKeyWorkspace, checkApiKeyName, formatApiKey } from '../../../app/domain/api-key.js';

test('a key names its workspace, even when the random part holds "_" and "-"', (t) => {
  for (let i = 0; i < 200; i++) {
    const key = formatApiKey('T0123ABCD', randomBytes(32));
    t.is(apiKeyWorkspace(key), 'T0123ABCD');
  }
  t.is(apiKeyWorkspace(`twfb_T0123ABCD_${'_'.repeat(43)}`), 'T0123ABCD');
});

test('anything else is not a key', (t) => {
  const key = formatApiKey('T0123ABCD', randomBytes(32));
  for (const text of [
    '',
    'twfb_',
    key.slice(0, -1),
    `${key}x`,
    key.replace('twfb_', 'twfa_'),
    `Bearer ${key}`,
    `twfb_T1/x_${key.slice(-43)}`,
  ]) {
    t.is(apiKeyWorkspace(text), undefined, text);
  }
});

test('the logger’s pattern finds every key inside any text', (t) => {
  const keys = [formatApiKey('T0123ABCD', randomBytes(32)), formatApiKey('T9', randomBytes(32))];
  const text = `Authorization: Bearer ${keys[0]}\n{"key":"${keys[1]}"}`;
  t.is(text.replace(API_KEY_ANYWHERE, '[hidden]'), 'Authorization: Bearer [hidden]\n{"key":"[hidden]"}');
});

test('a key’s name is required, at most 50 characters, and printable', (t) => {
  t.deepEqual(checkApiKeyName('  Zendesk EU '), { ok: true, value: 'Zendesk EU' });
  t.false(checkApiKeyName(undefined).ok);
  t.false(checkApiKeyName(' ').ok);
  t.true(checkApiKeyName('😀'.repeat(50)).ok, 'an emoji is one character');
  t.false(checkApiKeyName('x'.repeat(51)).ok);
  t.false(checkApiKeyName('Zen\u0000desk').ok);
});
