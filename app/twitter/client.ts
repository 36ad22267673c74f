import fetch, { type Headers } from 'node-fetch';
import { parseAnswerEvent, type AnswerEvent } from '../domain/answers.js';
import { authorizationHeader, formEncode, percentEncode, type SigningInput } from './oauth.js';
import {
  isClockSkew,
  type AccessToken,
  type EventsPage,
  type EventsQuery,
  type FeedbackCreated,
  type RateLimit,
  type RequestToken,
  type TwitterError,
  type TwitterFailure,
  type TwitterResult,
  type TwitterTokens,
  type TwitterUser,
} from './wire.js';

export interface TwitterClientOptions {
  /** For example https://api.twitter.com, without a trailing slash. */
  apiUrl: string;
  consumerKey: string;
  consumerSecret: string;
  timeoutMs?: number;
  clockOffsetSeconds?: number;
}

/** Errors raised before a connection exists: the request cannot have reached Twitter. */
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Twitter answers its API in JSON and its OAuth endpoints in form encoding. */
const PARSERS = {
  JSON: parseJson,
  'form-encoded data': (text: string): unknown => Object.fromEntries(new URLSearchParams(text)),
};

/** How to read a successful answer: `pick` gives undefined when the body is not as expected. */
interface Reader<T> {
  format: keyof typeof PARSERS;
  pick: (body: unknown) => T | undefined;
}

/** What signs a request along with the consumer. */
type Signer = Pick<SigningInput, 'token' | 'tokenSecret' | 'oauthParams'>;

/** One request as `call` was given it, to be signed afresh for each try. */
interface Outgoing {
  signer: Signer;
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, string>;
  form: Record<string, string> | undefined;
}

export class TwitterClient {
  /**
   * Added to this machine's clock for oauth_timestamp. Twitter refuses timestamps more
   * than a few minutes off its own clock (code 135), so this is set from its Date header.
   */
  clockOffsetSeconds: number;
  private readonly apiUrl: string;
  private readonly consumerKey: string;
  // A private field stays out of util.inspect, so logging the client shows no secret.
  readonly #consumerSecret: string;
  private readonly timeoutMs: number;

  constructor(options: TwitterClientOptions) {
    this.apiUrl = options.apiUrl;
    this.consumerKey = options.consumerKey;
    this.#consumerSecret = options.consumerSecret;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clockOffsetSeconds = options.clockOffsetSeconds ?? 0;
  }

  createFeedback(tokens: TwitterTokens, params: Record<string, string>): Promise<TwitterResult<FeedbackCreated>> {
    return this.call(signedBy(tokens), 'POST', '/1.1/feedback/create.json', {}, params, readFeedback);
  }

  /** One card as it stands now, its answer included once the customer gave one. */
  showFeedback(tokens: TwitterTokens, id: string): Promise<TwitterResult<AnswerEvent>> {
    // The id goes into the path: anything but an id could reach another endpoint.
    if (!/^[0-9]{1,32}$/.test(id)) throw new Error(`Not a feedback id: ${JSON.stringify(id)}`);
    return this.call(signedBy(tokens), 'GET', `/1.1/feedback/show/${id}.json`, {}, undefined, readShownCard);
  }

  /** One page of the account's card events: the first of a window, or the one a cursor names. */
  feedbackEvents(tokens: TwitterTokens, query: EventsQuery): Promise<TwitterResult<EventsPage>> {
    const params: Record<string, string> =
      'cursor' in query
        ? { cursor: query.cursor }
        : { from_time: String(query.from_time), to_time: String(query.to_time), count: String(query.count) };
    return this.call(signedBy(tokens), 'GET', '/1.1/feedback/events.json', params, undefined, readEventsPage);
  }

  /** `timeoutMs` lets a caller inside Slack's 3-second window give up in time. */
  showUser(tokens: TwitterTokens, screenName: string, timeoutMs = this.timeoutMs): Promise<TwitterResult<TwitterUser>> {
    const query = { screen_name: screenName };
    return this.call(signedBy(tokens), 'GET', '/1.1/users/show.json', query, undefined, readUser, timeoutMs);
  }

  /**
   * Whether the customer `targetId` accepts Direct Messages from the business `sourceId`
   * (friendships/show's relationship.source.can_dm). `timeoutMs` as for showUser.
   */
  canDm(tokens: TwitterTokens, sourceId: string, targetId: string, timeoutMs = this.timeoutMs): Promise<TwitterResult<boolean>> {
    const query = { source_id: sourceId, target_id: targetId };
    return this.call(signedBy(tokens), 'GET', '/1.1/friendships/show.json', query, undefined, readCanDm, timeoutMs);
  }

  verifyCredentials(tokens: TwitterTokens): Promise<TwitterResult<TwitterUser>> {
    return this.call(signedBy(tokens), 'GET', '/1.1/account/verify_credentials.json', {}, undefined, readUser);
  }

  /** The first step of connecting a business account; `callbackUrl` is where Twitter sends its user back. */
  requestToken(callbackUrl: string): Promise<TwitterResult<RequestToken>> {
    const signer = { oauthParams: { oauth_callback: callbackUrl } };
    return this.call(signer, 'POST', '/oauth/request_token', {}, undefined, readRequestToken);
  }

  /** Where the business's user goes to authorize the request token. */
  authorizeUrl(oauthToken: string): string {
    return `${this.apiUrl}/oauth/authorize?oauth_token=${percentEncode(oauthToken)}`;
  }

  /** The last step: `verifier` is the oauth_verifier Twitter adds to the callback, or shows as a PIN for `oob`. */
  accessToken(
    requestToken: Pick<RequestToken, 'oauth_token' | 'oauth_token_secret'>,
    verifier: string,
  ): Promise<TwitterResult<AccessToken>> {
    const signer = {
      token: requestToken.oauth_token,
      tokenSecret: requestToken.oauth_token_secret,
      oauthParams: { oauth_verifier: verifier },
    };
    return this.call(signer, 'POST', '/oauth/access_token', {}, undefined, readAccessToken);
  }

  /**
   * Every signed call goes through here. Twitter turns away a timestamp off its clock
   * (code 135) before acting on the request, so the call is signed again by the clock in
   * its Date header, once; `timeoutMs` bounds both tries together.
   */
  private async call<T>(
    signer: Signer,
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string>,
    form: Record<string, string> | undefined,
    read: Reader<T>,
    timeoutMs = this.timeoutMs,
  ): Promise<TwitterResult<T>> {
    const outgoing = { signer, method, path, query, form };
    const deadline = Date.now() + timeoutMs;
    const answer = await this.attempt(outgoing, read, timeoutMs);
    if (answer.ok || !isClockSkew(answer.failure) || !answer.serverDate) return answer;
    this.clockOffsetSeconds = Math.round((answer.serverDate.getTime() - Date.now()) / 1000);
    const left = deadline - Date.now();
    return left > 0 ? this.attempt(outgoing, read, left) : answer;
  }

  private async attempt<T>(
    { signer, method, path, query, form }: Outgoing,
    read: Reader<T>,
    timeoutMs: number,
  ): Promise<TwitterResult<T>> {
    const search = formEncode(query);
    const url = `${this.apiUrl}${path}${search ? `?${search}` : ''}`;
    const headers: Record<string, string> = {
      ...(read.format === 'JSON' ? { accept: 'application/json' } : {}),
      authorization: authorizationHeader({
        ...signer,
        consumerKey: this.consumerKey,
        consumerSecret: this.#consumerSecret,
        method,
        url,
        form,
        timestamp: Math.floor(Date.now() / 1000 + this.clockOffsetSeconds),
      }),
    };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const what = `${method} ${path}`;

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      // A redirected request would be re-sent unsigned for its new address, or as a GET.
      const response = await fetch(url, {
        method,
        headers,
        body: form && formEncode(form),
        signal: controller.signal,
        redirect: 'manual',
      });
      const meta = responseMeta(response.headers);
      if (!response.ok) {
        // A refusal stands even when its body breaks off.
        const text = await response.text().catch(() => '');
        return { ok: false, failure: refused(response.status, text, response.headers), ...meta };
      }
      const data = read.pick(PARSERS[read.format](await response.text()));
      if (data !== undefined) return { ok: true, data, ...meta };
      const detail = `${what} answered HTTP ${response.status} with a body that is not the expected ${read.format}`;
      return { ok: false, failure: { kind: 'uncertain', detail }, ...meta };
    } catch (error) {
      return { ok: false, failure: this.transportFailure(error, what, controller.signal.aborted && timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Built from the error's code only: messages can carry the URL and the request. */
  private transportFailure(error: unknown, what: string, timedOutAfter: number | false): TwitterFailure {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && NO_CONNECTION.has(code)) {
      return { kind: 'unreachable', detail: `${what}: could not connect to ${new URL(this.apiUrl).host} (${code})` };
    }
    if (timedOutAfter) return { kind: 'uncertain', detail: `${what}: no complete answer within ${timedOutAfter} ms` };
    return {
      kind: 'uncertain',
      detail: `${what}: the connection failed after the request was sent (${typeof code === 'string' ? code : 'no code'})`,
    };
  }
}

function signedBy(tokens: TwitterTokens): Signer {
  return { token: tokens.access_token, tokenSecret: tokens.access_token_secret };
}

function responseMeta(headers: Headers): { rateLimit?: RateLimit; serverDate?: Date } {
  const limit = integerHeader(headers, 'x-rate-limit-limit');
  const remaining = integerHeader(headers, 'x-rate-limit-remaining');
  const resetAt = epochHeader(headers, 'x-rate-limit-reset');
  const date = new Date(headers.get('date') ?? NaN);
  return {
    ...(limit !== undefined && remaining !== undefined && resetAt ? { rateLimit: { limit, remaining, resetAt } } : {}),
    ...(Number.isNaN(date.getTime()) ? {} : { serverDate: date }),
  };
}

function integerHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)?.trim();
  return value && /^[0-9]+$/.test(value) ? Number(value) : undefined;
}

function epochHeader(headers: Headers, name: string): Date | undefined {
  const seconds = integerHeader(headers, name);
  return seconds === undefined ? undefined : new Date(seconds * 1000);
}

function refused(status: number, text: string, headers: Headers): TwitterFailure {
  const errors = twitterErrors(parseJson(text));
  const limited = status === 429 || errors.some((e) => e.code === 88);
  const resetAt = limited ? epochHeader(headers, 'x-rate-limit-reset') : undefined;
  return { kind: 'refused', status, errors, ...(resetAt ? { resetAt } : {}) };
}

function twitterErrors(body: unknown): TwitterError[] {
  if (!isRecord(body) || !Array.isArray(body.errors)) return [];
  return body.errors
    .filter((e): e is TwitterError => isRecord(e) && typeof e.code === 'number' && typeof e.message === 'string')
    .map(({ code, message }) => ({ code, message }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The named string fields of a JSON object, or undefined if a required one is missing. */
function strings<R extends string, O extends string = never>(
  body: Record<string, unknown>,
  required: readonly R[],
  optional: readonly O[] = [],
): (Record<R, string> & Partial<Record<O, string>>) | undefined {
  const picked: Record<string, string> = {};
  for (const name of [...required, ...optional]) {
    const value = body[name];
    if (typeof value === 'string') picked[name] = value;
    else if ((required as readonly string[]).includes(name)) return undefined;
  }
  return picked as Record<R, string> & Partial<Record<O, string>>;
}

const readUser: Reader<TwitterUser> = {
  format: 'JSON',
  pick: (body) => (isRecord(body) ? strings(body, ['id_str', 'screen_name', 'name']) : undefined),
};

const readCanDm: Reader<boolean> = {
  format: 'JSON',
  pick: (body) => {
    const relationship = isRecord(body) ? body.relationship : undefined;
    const source = isRecord(relationship) ? relationship.source : undefined;
    return isRecord(source) && typeof source.can_dm === 'boolean' ? source.can_dm : undefined;
  },
};

const readFeedback: Reader<FeedbackCreated> = {
  format: 'JSON',
  pick: (body) => {
    if (!isRecord(body) || typeof body.test !== 'boolean') return undefined;
    const fields = strings(
      body,
      ['id', 'type', 'dm_id', 'from_user_id', 'to_user_id'],
      ['privacy_url', 'external_id', 'question_variant_id', 'display_name', 'created_at', 'updated_at'],
    );
    return fields && { ...fields, test: body.test };
  },
};

/** show answers the card alone; it reads as the latest change to it. */
const readShownCard: Reader<AnswerEvent> = {
  format: 'JSON',
  pick: (body) => {
    const parsed = parseAnswerEvent({ event_type: 'feedback.updated', feedback: body });
    return parsed.ok ? parsed.value : undefined;
  },
};

const readEventsPage: Reader<EventsPage> = {
  format: 'JSON',
  pick: (body) => {
    if (!isRecord(body) || !Array.isArray(body.events)) return undefined;
    const cursor = body.next_cursor;
    if (cursor !== undefined && cursor !== null && typeof cursor !== 'string') return undefined;
    const page: EventsPage = { events: [], refused: [] };
    // One event that does not read must not hold back the page's others.
    for (const raw of body.events) {
      const parsed = parseAnswerEvent(raw);
      if (parsed.ok) page.events.push(parsed.value);
      else page.refused.push({ field: parsed.field, problem: parsed.problem });
    }
    // The pages end only when next_cursor is empty, whatever a page holds.
    if (cursor) page.next_cursor = cursor;
    return page;
  },
};

const readRequestToken: Reader<RequestToken> = {
  format: 'form-encoded data',
  pick: (body) => {
    const fields = isRecord(body) ? strings(body, ['oauth_token', 'oauth_token_secret', 'oauth_callback_confirmed']) : undefined;
    // Unconfirmed, the callback was not bound to the token: OAuth 1.0's session fixation hole, which 1.0a closes.
    return fields?.oauth_callback_confirmed === 'true' ? { ...fields, oauth_callback_confirmed: true } : undefined;
  },
};

const readAccessToken: Reader<AccessToken> = {
  format: 'form-encoded data',
  pick: (body) => (isRecord(body) ? strings(body, ['oauth_token', 'oauth_token_secret', 'user_id', 'screen_name']) : undefined),
};
