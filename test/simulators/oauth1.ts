import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OAuth 1.0a (RFC 5849) as a server checks it, written apart from the app's signing so
 * that a mistake in one is caught by the other.
 */

/** A request as it arrived, before any interpretation. */
export interface ArrivedRequest {
  method: string;
  scheme: 'http' | 'https';
  /** The Host header. */
  host: string;
  /** The request target: path and query, as sent. */
  target: string;
  contentType?: string;
  body: string;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 section 2.1, byte by byte over UTF-8, as RFC 5849 section 3.6 asks. */
export function encode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `OAuth k="v", …` into its decoded parameters; undefined when malformed. */
export function parseAuthorization(header: string | undefined): Record<string, string> | undefined {
  const match = /^OAuth\s+(.*)$/is.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const pair = /\s*([^\s=,]+)\s*=\s*"([^"]*)"\s*(,|$)/y;
  const text = match[1];
  while (pair.lastIndex < text.length) {
    const found = pair.exec(text);
    if (!found) return undefined;
    try {
      params[decodeURIComponent(found[1])] = decodeURIComponent(found[2]);
    } catch {
      return undefined;
    }
    if (found[3] === '') break;
  }
  return params;
}

/** Section 3.4.1.2: lower-case scheme and host, no default port, no query. */
function baseUrl(request: ArrivedRequest): string {
  const host = request.host.toLowerCase();
  const defaultPort = request.scheme === 'https' ? ':443' : ':80';
  const authority = host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host;
  return `${request.scheme}://${authority}${request.target.split('?')[0]}`;
}

function formPairs(text: string): Array<[string, string]> {
  return [...new URLSearchParams(text)];
}

/** Section 3.4.1: the string the signature is computed over. */
export function signatureBaseString(request: ArrivedRequest, oauth: Record<string, string>): string {
  const query = request.target.includes('?') ? request.target.slice(request.target.indexOf('?') + 1) : '';
  const isForm = request.contentType?.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
  const pairs = [
    ...formPairs(query),
    ...Object.entries(oauth).filter(([name]) => name.startsWith('oauth_') && name !== 'oauth_signature'),
    ...(isForm ? formPairs(request.body) : []),
  ]
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a, x], [b, y]) => (a === b ? compare(x, y) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [request.method.toUpperCase(), encode(baseUrl(request)), encode(pairs)].join('&');
}

/** Encoded strings are ASCII, so code-unit order is the byte order the RFC asks for. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Section 3.4.2: HMAC-SHA1 keyed with both secrets, base64. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${encode(consumerSecret)}&${encode(tokenSecret)}`)
    .update(baseString)
    .digest('base64');
}

export function verifySignature(
  request: ArrivedRequest,
  oauth: Record<string, string>,
  consumerSecret: string,
  tokenSecret: string,
): boolean {
  if (oauth.oauth_signature === undefined) return false;
  const expected = Buffer.from(hmacSha1Signature(signatureBaseString(request, oauth), consumerSecret, tokenSecret));
  const given = Buffer.from(oauth.oauth_signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
