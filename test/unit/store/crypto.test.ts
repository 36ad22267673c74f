import test from 'ava';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { open, seal, SealError } from '../../../app/store/crypto.js';

const key = randomBytes(32);
const other = randomBytes(32);
const CONTEXT = 'twitter-account:T1:42:access_token';

/** Swaps one base64url character of the given part for another. */
function alter(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const text = parts[part];
  const at = Math.floor(text.length / 2);
  parts[part] = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
  return parts.join('.');
}

function assertKeyless(t: import('ava').ExecutionContext, error: Error | undefined, ...keys: Buffer[]): void {
  t.true(error instanceof SealError);
  for (const k of keys) {
    for (const encoding of ['base64', 'base64url', 'hex'] as const) t.false(error!.message.includes(k.toString(encoding)));
  }
}

test('what is sealed opens to the same text, for any text', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), (plaintext, context) => {
        const opened = open(seal(plaintext, key, context), { current: key }, context);
        return opened.plaintext === plaintext && opened.sealedWithPrevious === false;
      }),
    ),
  );
});

test('the sealed form names its version, is base64url, and hides the text', (t) => {
  const sealed = seal('1234-secret-token', key, CONTEXT);
  t.regex(sealed, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
  t.false(sealed.includes('secret'));
});

test('sealing twice gives different values (a fresh IV each time)', (t) => {
  const a = seal('same', key, CONTEXT);
  const b = seal('same', key, CONTEXT);
  t.not(a, b);
  t.not(a.split('.')[1], b.split('.')[1]);
});

for (const [part, name] of [
  [1, 'IV'],
  [2, 'tag'],
  [3, 'ciphertext'],
] as const) {
  test(`an altered ${name} does not open`, (t) => {
    const sealed = seal('a token long enough to alter', key, CONTEXT);
    const error = t.throws(() => open(alter(sealed, part), { current: key }, CONTEXT));
    assertKeyless(t, error, key);
  });
}

test('malformed values are refused with a clear error', (t) => {
  const sealed = seal('x', key, CONTEXT);
  for (const bad of [
    '',
    'plain text',
    sealed.replace(/^v1/, 'v9'),
    `${sealed}.extra`,
    sealed.replace('.', '.!'),
    sealed.split('.').slice(0, 3).join('.'),
  ]) {
    t.throws(() => open(bad, { current: key }, CONTEXT), { instanceOf: SealError }, bad);
  }
});

test('a wrong key does not open, and the error holds no key', (t) => {
  const sealed = seal('secret', key, CONTEXT);
  const error = t.throws(() => open(sealed, { current: other }, CONTEXT));
  assertKeyless(t, error, key, other);
  t.regex(error!.message, /another key/);
});

test('a value copied to another record does not open there', (t) => {
  const sealed = seal('secret', key, 'twitter-account:T1:42:access_token');
  for (const context of [
    'twitter-account:T2:42:access_token',
    'twitter-account:T1:43:access_token',
    'twitter-account:T1:42:access_token_secret',
    '',
  ]) {
    t.throws(() => open(sealed, { current: key }, context), { instanceOf: SealError }, context);
  }
});

test('keys must be 32 bytes', (t) => {
  const short = randomBytes(16);
  const error = t.throws(() => seal('x', short, CONTEXT));
  assertKeyless(t, error, short);
  t.throws(() => open(seal('x', key, CONTEXT), { current: short }, CONTEXT), { instanceOf: SealError });
});

test('rotation: the previous key still opens, and says so', (t) => {
  const old = seal('secret', key, CONTEXT);
  const fresh = seal('secret', other, CONTEXT);
  t.deepEqual(open(old, { current: other, previous: key }, CONTEXT), { plaintext: 'secret', sealedWithPrevious: true });
  t.deepEqual(open(fresh, { current: other, previous: key }, CONTEXT), { plaintext: 'secret', sealedWithPrevious: false });
  const stranger = randomBytes(32);
  const error = t.throws(() => open(seal('secret', stranger, CONTEXT), { current: other, previous: key }, CONTEXT));
  assertKeyless(t, error, key, other, stranger);
});
