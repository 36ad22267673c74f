import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { authorizationHeader, formEncode, percentEncode } from '../../../app/twitter/oauth.js';
import {
  encode,
  hmacSha1Signature,
  parseAuthorization,
  signatureBaseString,
  verifySignature,
  type ArrivedRequest,
} from '../../simulators/oauth1.js';
import { fixture } from '../../support/paths.js';

interface Vector {
  method: string;
  url: string;
  query: Record<string, string>;
  form_body: Record<string, string>;
  consumer_key: string;
  consumer_secret: string;
  token: string;
  token_secret: string;
  oauth_nonce: string;
  oauth_timestamp: string;
  oauth_signature_method: string;
  oauth_version: string;
  expected_signature: string;
}

const vector: Vector = JSON.parse(readFileSync(fixture('oauth1-known-answer.json'), 'utf8'));
const url = new URL(vector.url);

const arrived: ArrivedRequest = {
  method: vector.method,
  scheme: 'https',
  host: url.host,
  target: `${url.pathname}?${formEncode(vector.query)}`,
  contentType: 'application/x-www-form-urlencoded',
  body: formEncode(vector.form_body),
};

const vectorOauth = {
  oauth_consumer_key: vector.consumer_key,
  oauth_nonce: vector.oauth_nonce,
  oauth_signature_method: vector.oauth_signature_method,
  oauth_timestamp: vector.oauth_timestamp,
  oauth_token: vector.token,
  oauth_version: vector.oauth_version,
};

function appHeader(form: Record<string, string> = vector.form_body): string {
  return authorizationHeader({
    consumerKey: vector.consumer_key,
    consumerSecret: vector.consumer_secret,
    token: vector.token,
    tokenSecret: vector.token_secret,
    method: vector.method,
    url: `${vector.url}?${formEncode(vector.query)}`,
    form,
    nonce: vector.oauth_nonce,
    timestamp: Number(vector.oauth_timestamp),
  });
}

test('the app signs the known-answer request with the expected signature', (t) => {
  const header = appHeader();
  t.true(header.startsWith('OAuth '));
  t.true(header.includes(`oauth_signature="${encodeURIComponent(vector.expected_signature)}"`));
  t.deepEqual(parseAuthorization(header), { ...vectorOauth, oauth_signature: vector.expected_signature });
});

test('the simulator computes and accepts the known-answer signature', (t) => {
  const base = signatureBaseString(arrived, vectorOauth);
  t.is(hmacSha1Signature(base, vector.consumer_secret, vector.token_secret), vector.expected_signature);
  const signed = { ...vectorOauth, oauth_signature: vector.expected_signature };
  t.true(verifySignature(arrived, signed, vector.consumer_secret, vector.token_secret));
});

test('the simulator accepts the header the app writes', (t) => {
  const oauth = parseAuthorization(appHeader())!;
  t.true(verifySignature(arrived, oauth, vector.consumer_secret, vector.token_secret));
});

test('a tampered parameter, body or secret fails verification', (t) => {
  const oauth = { ...vectorOauth, oauth_signature: vector.expected_signature };
  const verify = (request: ArrivedRequest, params: Record<string, string> = oauth, consumerSecret = vector.consumer_secret) =>
    verifySignature(request, params, consumerSecret, vector.token_secret);
  t.false(verify({ ...arrived, body: formEncode({ status: `${vector.form_body.status}?` }) }));
  t.false(verify({ ...arrived, target: `${url.pathname}?include_entities=false` }));
  t.false(verify({ ...arrived, method: 'GET' }));
  t.false(verify({ ...arrived, host: 'api.twitter.com:8443' }));
  t.false(verify(arrived, { ...oauth, oauth_timestamp: '1318622959' }));
  t.false(verify(arrived, oauth, `${vector.consumer_secret}x`));
  // A body the app signed differently from what it sends.
  const other = parseAuthorization(appHeader({ status: 'Hello Ladies - Gentlemen' }))!;
  t.false(verify(arrived, other));
});

test('the form body counts only when it is form-encoded', (t) => {
  const oauth = { ...vectorOauth, oauth_signature: vector.expected_signature };
  t.false(verifySignature({ ...arrived, contentType: 'application/json' }, oauth, vector.consumer_secret, vector.token_secret));
  t.true(
    verifySignature(
      { ...arrived, contentType: 'application/x-www-form-urlencoded; charset=utf-8' },
      oauth,
      vector.consumer_secret,
      vector.token_secret,
    ),
  );
});

test('bodies and queries are percent-encoded as RFC 3986 asks', (t) => {
  const text = "!*'() ü~-._+&=😀";
  const expected = '%21%2A%27%28%29%20%C3%BC~-._%2B%26%3D%F0%9F%98%80';
  t.is(percentEncode(text), expected);
  t.is(encode(text), expected);
  t.is(formEncode({ 'a b': text, c: '' }), `a%20b=${expected}&c=`);
});

test('malformed Authorization headers are refused', (t) => {
  t.is(parseAuthorization(undefined), undefined);
  t.is(parseAuthorization('Bearer abc'), undefined);
  t.is(parseAuthorization('OAuth oauth_nonce=abc'), undefined);
  t.is(parseAuthorization('OAuth oauth_nonce="%E0%A4%A"'), undefined);
  t.deepEqual(parseAuthorization('OAuth realm="x",oauth_nonce="a%20b" ,  oauth_token="t"'), {
    realm: 'x',
    oauth_nonce: 'a b',
    oauth_token: 't',
  });
});

test('any form parameters the app signs verify on the simulator', (t) => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  // "__proto__" cannot travel as a plain object's key through the signing library; the
  // app's own parameter names are fixed and never it.
  const forms = fc.dictionary(
    text.filter((name) => name !== 'q' && name !== '__proto__'),
    text,
    { maxKeys: 5 },
  );
  const signedAlike = fc.property(forms, text, (form, query) => {
    const target = `/1.1/feedback/create.json?${formEncode({ q: query })}`;
    const header = authorizationHeader({
      consumerKey: 'ck',
      consumerSecret: "c s!*'()&",
      token: 'tk',
      tokenSecret: 'ts ü',
      method: 'POST',
      url: `http://127.0.0.1:8080${target}`,
      form,
    });
    const request: ArrivedRequest = {
      method: 'POST',
      scheme: 'http',
      host: '127.0.0.1:8080',
      target,
      contentType: 'application/x-www-form-urlencoded',
      body: formEncode(form),
    };
    return verifySignature(request, parseAuthorization(header)!, "c s!*'()&", 'ts ü');
  });
  t.notThrows(() => fc.assert(signedAlike));
});
