import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';

export interface SigningInput {
  consumerKey: string;
  consumerSecret: string;
  /** Absent when the consumer signs alone, as it does to ask for a request token. */
  token?: string;
  tokenSecret?: string;
  /** Parameters of a step of the 3-legged flow, such as oauth_callback or oauth_verifier: sent in the header, signed. */
  oauthParams?: { [name: `oauth_${string}`]: string };
  method: string;
  /** Absolute; a query, if any, must already be percent-encoded. */
  url: string;
  /** The form-encoded body's parameters: Twitter signs them with the rest. Their names must not repeat the query's. */
  form?: Record<string, string>;
  /** Fixed only to reproduce a known signature; otherwise fresh for every request. */
  nonce?: string;
  /** Epoch seconds; defaults to this machine's clock. */
  timestamp?: number;
}

/** RFC 3986: what OAuth signs must be encoded exactly as it is sent. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function formEncode(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}

/** The `Authorization` header value of an OAuth 1.0a HMAC-SHA1 signed request. */
export function authorizationHeader(input: SigningInput): string {
  const oauth = new OAuth({
    consumer: { key: input.consumerKey, secret: input.consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  const data: OAuth.Data = {
    // First, so that none of them can stand in for a parameter set here.
    ...input.oauthParams,
    oauth_consumer_key: input.consumerKey,
    oauth_nonce: input.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: input.timestamp ?? Math.floor(Date.now() / 1000),
    oauth_version: '1.0',
    ...(input.token === undefined ? {} : { oauth_token: input.token }),
  };
  // The URL parser lower-cases the host and drops a default port, as RFC 5849 wants of
  // the base URL. The library merges parameters into the objects it is given: copies.
  const request = { method: input.method, url: new URL(input.url).href, data: { ...input.form } };
  const signature = oauth.getSignature(request, input.tokenSecret, { ...data });
  return oauth.toHeader({ ...data, oauth_signature: signature }).Authorization;
}
