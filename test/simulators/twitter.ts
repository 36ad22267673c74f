import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAuthorization, verifySignature } from './oauth1.js';

/**
 * Twitter's v1.1 API as the app meets it, strict where Twitter is strict, on 127.0.0.1.
 * Its rules are written out here rather than taken from the app, so that the app's own
 * checks are tested against them.
 */

export interface SimulatedUser {
  id_str: string;
  screen_name: string;
  name: string;
  /** Whether the user accepts DMs from businesses; true unless false. */
  can_dm?: boolean;
}

export interface SimulatorOptions {
  /** Consumer key → consumer secret. */
  consumers: Record<string, string>;
  /** Access token → its secret and the id_str of the user (a business account) it acts for. */
  tokens: Record<string, { secret: string; user: string }>;
  users: SimulatedUser[];
  /** feedback/create calls allowed per business account in 24 hours; Twitter allows 1,000. */
  feedbackLimit?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string>;
  /** The Authorization header's parameters, oauth_signature included. */
  oauth: Record<string, string>;
  /** The signature checked out against known secrets; false too when the body was never read. */
  verified: boolean;
  receivedAt: Date;
}

export interface FeedbackObject {
  id: string;
  created_at: string;
  updated_at: string;
  type: string;
  test: boolean;
  dm_id: string;
  from_user_id: string;
  to_user_id: string;
  privacy_url: string;
  external_id?: string;
  question_variant_id: string;
  display_name?: string;
  /** Once the customer answered: the score and the comment, each as last given. */
  response?: FeedbackResponse;
}

export interface FeedbackResponse {
  score?: { created_at: string; value: number };
  text?: { created_at: string; value: string };
}

/** What feedback/events.json lists and what Twitter pushes to a registered webhook. */
export interface FeedbackEvent {
  event_type: 'feedback.created' | 'feedback.updated';
  created_at: string;
  /** The card as it stood when the event happened. */
  feedback: FeedbackObject;
}

/** A customer's answer: a score, a comment, or both, given at `at` (the simulator's clock by default). */
export interface CustomerAnswer {
  score?: number;
  text?: string;
  at?: Date | number;
}

/** A card a business sent by some other means than this app's feedback/create. */
export type OutsideCard = Partial<Omit<FeedbackObject, 'response'>> & Pick<FeedbackObject, 'from_user_id' | 'to_user_id'>;

/** One webhook delivery as Twitter made it. */
export interface PushRecord {
  event: FeedbackEvent;
  /** The app's HTTP status, or undefined when the connection failed or the push was dropped. */
  status?: number;
  dropped: boolean;
}

/** An answer given instead of the real one. */
export interface ScriptedAnswer {
  /** Only requests to this path; any path if unset. */
  path?: string;
  status: number;
  errors?: Array<{ code: number; message: string }>;
  headers?: Record<string, string>;
  /** Sent as is instead of `{"errors": […]}`. */
  rawBody?: string;
  /** How many matching requests get it; 1 if unset. */
  times?: number;
}

/**
 * Trouble between the app and Twitter. With the after-read faults the request is handled
 * in full (feedback may be created) and only the answer is lost: the case the app cannot
 * tell from a request that never arrived. Over capacity answers 503, code 130.
 */
export type Fault = 'hang-before-read' | 'hang-after-read' | 'reset-after-read' | 'over-capacity';

interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

const TIMESTAMP_TOLERANCE_S = 300;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Question variants are numbered from 0: NPS 0–9, CSAT 0–37. */
const VARIANT_COUNT = { nps: 10, csat: 38 } as const;
const MAX = { message: 10_000, external_id: 256, display_name: 20 } as const;

function error(status: number, code: number, message: string, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify({ errors: [{ code, message }] }), headers };
}

const NOT_AUTHENTICATED = error(401, 32, 'Could not authenticate you.');
const INVALID_TOKEN = error(401, 89, 'Invalid or expired token.');

/** Calls per account per 15-minute window, by endpoint. */
const RATE_WINDOW_MS = 15 * 60 * 1000;
const RATE_LIMITS = { friendships: 180, feedbackShow: 180, feedbackEvents: 1000 } as const;
/** events.json pages hold at most this many events, and reach no later than this long ago. */
const EVENTS_MAX_COUNT = 100;
const EVENTS_LATEST_MS = DAY_MS;

/** Twitter's OAuth endpoints answer in form encoding, labelled as HTML. */
function formReply(params: Record<string, string>): Reply {
  const headers = { 'content-type': 'text/html; charset=utf-8' };
  return { status: 200, body: new URLSearchParams(params).toString(), headers };
}

function page(status: number, text: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    body: `<!DOCTYPE html><html><body><p>${text}</p></body></html>`,
    headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  };
}

/** A request token between its issue and its exchange. */
interface PendingToken {
  secret: string;
  /** An absolute URL, or `oob` for a PIN shown to the user. */
  callback: string;
  /** Set once a user authorizes. */
  authorized?: { user: string; verifier: string };
}

function randomToken(): string {
  return randomBytes(20).toString('base64url');
}

/** Twitter writes user ids as exact JSON numbers too; a client must read id_str. */
function userJson(user: SimulatedUser): string {
  const { id_str, screen_name, name } = user;
  return `{"id":${id_str},${JSON.stringify({ id_str, name, screen_name }).slice(1)}`;
}

/** "Sat Dec 15 17:58:20 +0000 2015" */
export function twitterDate(date: Date): string {
  const [day, dayOfMonth, month, year, time] = date.toUTCString().replace(',', '').split(' ');
  return `${day} ${month} ${dayOfMonth} ${time} +0000 ${year}`;
}

function charCount(text: string): number {
  return [...text].length;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export class TwitterSimulator {
  readonly requests: RecordedRequest[] = [];
  readonly feedback: FeedbackObject[] = [];
  /** http://127.0.0.1:PORT, in place of https://api.twitter.com. */
  readonly url: string;

  private readonly consumers: Map<string, string>;
  private readonly tokens: Map<string, { secret: string; user: string }>;
  private readonly requestTokens = new Map<string, PendingToken>();
  /** Who clicks "Authorize app" on /oauth/authorize; null when the user clicks "Cancel" instead. */
  private authorizer: string | null;
  private readonly users: SimulatedUser[];
  private readonly feedbackLimit: number;
  private readonly revoked = new Set<string>();
  private readonly nonces = new Set<string>();
  private readonly sent = new Map<string, number[]>();
  private readonly scripted: Array<ScriptedAnswer & { times: number }> = [];
  /** Set by acceptDms: overrides a user's can_dm. */
  private readonly dmsAccepted = new Map<string, boolean>();
  /** Calls per endpoint and business account in Twitter's current 15-minute window. */
  private readonly rateWindows = new Map<string, { resetAt: number; count: number }>();
  /** Every card, whoever sent it, by id. */
  private readonly cards = new Map<string, FeedbackObject>();
  /** Every card's history, in the order it happened: at is epoch ms on the simulator's clock. */
  private readonly events: Array<{ at: number; business: string; event: FeedbackEvent }> = [];
  /** Signs events.json cursors so that one cannot be forged or used for another window or account. */
  private readonly cursorKey = randomBytes(32);
  private eventPaging: { pageSize?: number; emptyPages: number } = { emptyPages: 0 };
  private webhook?: { url: string; authorization: string };
  private pushFaults = { drop: 0, duplicate: 0, hold: false };
  private readonly heldPushes: FeedbackEvent[] = [];
  readonly pushes: PushRecord[] = [];
  private readonly closing = new AbortController();
  private nextId = 1_460_000_000_000_000_000n;
  private skewMs = 0;
  private delayMs = 0;
  private fault?: Fault;

  private constructor(
    private readonly server: Server,
    options: SimulatorOptions,
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.consumers = new Map(Object.entries(options.consumers));
    this.tokens = new Map(Object.entries(options.tokens));
    this.users = [...options.users];
    this.authorizer = Object.values(options.tokens)[0]?.user ?? options.users[0]?.id_str ?? null;
    this.feedbackLimit = options.feedbackLimit ?? 1000;
    // A client that gives up mid-request leaves nothing to answer.
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res).catch(() => res.destroy()));
  }

  static async start(options: SimulatorOptions): Promise<TwitterSimulator> {
    for (const { user } of Object.values(options.tokens)) {
      if (!options.users.some((u) => u.id_str === user)) throw new Error(`A token acts for user ${user}, who is not in users`);
    }
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new TwitterSimulator(server, options);
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The simulator's clock runs this many seconds ahead of this machine's (behind if negative). */
  setClockSkew(seconds: number): void {
    this.skewMs = seconds * 1000;
  }

  /** Twitter knows one more user from now on. */
  addUser(user: SimulatedUser): void {
    this.users.push(user);
  }

  revokeToken(token: string): void {
    this.revoked.add(token);
  }

  /** From now on the user accepts Direct Messages from businesses, or does not. */
  acceptDms(userId: string, accepts: boolean): void {
    if (!this.userById(userId)) throw new Error(`User ${userId} is not in users`);
    this.dmsAccepted.set(userId, accepts);
  }

  /** From now on, the user at /oauth/authorize authorizes the app as this account. */
  authorizeAs(userId: string): void {
    if (!this.userById(userId)) throw new Error(`User ${userId} is not in users`);
    this.authorizer = userId;
  }

  /** From now on, the user at /oauth/authorize declines. */
  denyAuthorization(): void {
    this.authorizer = null;
  }

  failNext(answer: ScriptedAnswer): void {
    this.scripted.push({ ...answer, times: answer.times ?? 1 });
  }

  /**
   * The customer answers a card: a score and/or a comment, each with its own time, as many
   * times as they like (the latest counts). The change is listed by events.json and, when
   * a webhook is registered with pushTo, pushed to it; resolves once that push was made.
   */
  async answer(feedbackId: string, answer: CustomerAnswer): Promise<FeedbackObject> {
    const card = this.cards.get(feedbackId);
    if (!card) throw new Error(`No feedback ${feedbackId} in the simulator`);
    if (answer.score === undefined && answer.text === undefined) throw new Error('An answer has a score, a text or both');
    const at = answer.at === undefined ? this.now() : new Date(answer.at).getTime();
    const createdAt = twitterDate(new Date(at));
    const response: FeedbackResponse = { ...card.response };
    if (answer.score !== undefined) response.score = { created_at: createdAt, value: answer.score };
    if (answer.text !== undefined) response.text = { created_at: createdAt, value: answer.text };
    card.response = response;
    card.updated_at = createdAt;
    const event = this.recordEvent(card, 'feedback.updated', at);
    await this.deliver(event);
    return structuredClone(card);
  }

  /** A card the business sent outside the app (another tool, or by hand): listed like the app's own. */
  addCard(card: OutsideCard, at: Date | number = this.now()): FeedbackObject {
    const time = new Date(at).getTime();
    const createdAt = twitterDate(new Date(time));
    const feedback: FeedbackObject = {
      id: String(this.nextId++),
      created_at: createdAt,
      updated_at: createdAt,
      type: 'csat',
      test: false,
      dm_id: String(this.nextId++),
      privacy_url: 'https://example.com/privacy',
      question_variant_id: '0',
      ...card,
    };
    this.cards.set(feedback.id, feedback);
    this.recordEvent(feedback, 'feedback.created', time);
    return structuredClone(feedback);
  }

  /**
   * events.json's paging from now on: pages of at most `pageSize` events however many were
   * asked for, and the next `emptyPages` pages empty though more follow.
   */
  setEventPaging(paging: { pageSize?: number; emptyPages?: number }): void {
    this.eventPaging = { pageSize: paging.pageSize, emptyPages: paging.emptyPages ?? 0 };
  }

  /** From now on every change to a card is pushed to `url` with these basic auth credentials. */
  pushTo(url: string, user: string, password: string): void {
    this.webhook = { url, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
  }

  /**
   * Trouble with pushes: the next `drop` are never sent, the next `duplicate` are sent twice,
   * and while `hold` is set they wait for releasePushes.
   */
  setPushFaults(faults: { drop?: number; duplicate?: number; hold?: boolean }): void {
    this.pushFaults = { drop: faults.drop ?? 0, duplicate: faults.duplicate ?? 0, hold: faults.hold ?? false };
  }

  /** Sends the held pushes, newest first unless told otherwise, and stops holding. */
  async releasePushes(order: 'newest-first' | 'oldest-first' = 'newest-first'): Promise<void> {
    this.pushFaults.hold = false;
    const held = this.heldPushes.splice(0);
    if (order === 'newest-first') held.reverse();
    for (const event of held) await this.deliver(event);
  }

  /** POSTs one event to the registered webhook as Twitter does, whatever it holds; answers the app's status. */
  async push(event: FeedbackEvent | Record<string, unknown>): Promise<number> {
    if (!this.webhook) throw new Error('No webhook: call pushTo first');
    const response = await fetch(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.webhook.authorization },
      body: JSON.stringify(event),
      signal: this.closing.signal,
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Every answer waits this long. */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Applies to every request until set to undefined. */
  setFault(fault: Fault | undefined): void {
    this.fault = fault;
  }

  /** Resolves with the matching requests once there are `count` of them (waiting long: a busy machine is slow). */
  async waitForRequests(
    match: (request: RecordedRequest) => boolean = () => true,
    { count = 1, timeoutMs = 30_000 } = {},
  ): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.filter(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`${found.length} of ${count} expected requests arrived in ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  private now(): number {
    return Date.now() + this.skewMs;
  }

  private recordEvent(card: FeedbackObject, type: FeedbackEvent['event_type'], at: number): FeedbackEvent {
    const event: FeedbackEvent = { event_type: type, created_at: twitterDate(new Date(at)), feedback: structuredClone(card) };
    this.events.push({ at, business: card.from_user_id, event });
    return event;
  }

  private async deliver(event: FeedbackEvent): Promise<void> {
    if (!this.webhook) return;
    const faults = this.pushFaults;
    if (faults.drop > 0) {
      faults.drop--;
      this.pushes.push({ event, dropped: true });
      return;
    }
    if (faults.hold) {
      this.heldPushes.push(event);
      return;
    }
    const times = faults.duplicate > 0 ? 2 : 1;
    if (times === 2) faults.duplicate--;
    for (let i = 0; i < times; i++) {
      const status = await this.push(event).catch(() => undefined);
      this.pushes.push({ event, status, dropped: false });
    }
  }

  /** Counts a call against the caller's window for `limit`; the headers to send, and whether it is over. */
  private rateLimit(
    name: keyof typeof RATE_LIMITS,
    caller: SimulatedUser,
  ): { headers: Record<string, string>; limited: boolean } {
    const now = this.now();
    const limit = RATE_LIMITS[name];
    const key = `${name}/${caller.id_str}`;
    const current = this.rateWindows.get(key);
    const window = current && current.resetAt > now ? current : { resetAt: now + RATE_WINDOW_MS, count: 0 };
    const limited = window.count >= limit;
    if (!limited) window.count++;
    this.rateWindows.set(key, window);
    const headers = {
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(limit - window.count),
      'x-rate-limit-reset': String(Math.ceil(window.resetAt / 1000)),
    };
    return { headers, limited };
  }

  private userById(id: string): SimulatedUser | undefined {
    return this.users.find((u) => u.id_str === id);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = this.fault;
    const body = fault === 'hang-before-read' ? undefined : await readBody(req);
    const request = this.record(req, body);
    if (body === undefined) return;

    let reply: Reply;
    const scripted = this.scripted.find((s) => s.path === undefined || s.path === request.path);
    if (fault === 'over-capacity') {
      reply = error(503, 130, 'Over capacity');
    } else if (scripted) {
      if (--scripted.times === 0) this.scripted.splice(this.scripted.indexOf(scripted), 1);
      reply = {
        status: scripted.status,
        body: scripted.rawBody ?? JSON.stringify({ errors: scripted.errors ?? [] }),
        headers: scripted.headers,
      };
    } else {
      reply = this.route(request);
    }

    if (this.delayMs > 0) {
      try {
        await sleep(this.delayMs, undefined, { signal: this.closing.signal });
      } catch {
        return;
      }
    }
    if (fault === 'hang-after-read') return;
    if (fault === 'reset-after-read') {
      req.socket.resetAndDestroy();
      return;
    }
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      date: new Date(this.now()).toUTCString(),
      ...reply.headers,
    });
    res.end(reply.body);
  }

  private record(req: IncomingMessage, body: string | undefined): RecordedRequest {
    const target = req.url ?? '/';
    const url = new URL(target, 'http://127.0.0.1');
    const contentType = req.headers['content-type'];
    const isForm = contentType?.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
    const oauth = parseAuthorization(req.headers.authorization);
    const consumerSecret = this.consumers.get(oauth?.oauth_consumer_key ?? '');
    // A request for a request token is signed by the consumer alone: its token secret is empty.
    const tokenSecret = oauth?.oauth_token === undefined ? '' : this.tokenSecret(oauth.oauth_token);
    const verified =
      body !== undefined &&
      oauth !== undefined &&
      consumerSecret !== undefined &&
      tokenSecret !== undefined &&
      req.headers.host !== undefined &&
      verifySignature(
        { method: req.method ?? 'GET', scheme: 'http', host: req.headers.host, target, contentType, body },
        oauth,
        consumerSecret,
        tokenSecret,
      );
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form: isForm && body ? Object.fromEntries(new URLSearchParams(body)) : {},
      oauth: oauth ?? {},
      verified,
      receivedAt: new Date(),
    };
    this.requests.push(recorded);
    return recorded;
  }

  private tokenSecret(token: string): string | undefined {
    return (this.tokens.get(token) ?? this.requestTokens.get(token))?.secret;
  }

  /**
   * Twitter's refusal of a badly signed request, or undefined. An access token is what
   * the API takes, a request token what oauth/access_token takes, and no token at all
   * what oauth/request_token takes.
   */
  private authenticate(request: RecordedRequest, token: 'access' | 'request' | 'none'): Reply | undefined {
    const { oauth } = request;
    const complete = ['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_timestamp'].every(
      (name) => oauth[name] !== undefined,
    );
    if (!complete || (oauth.oauth_token === undefined) !== (token === 'none')) return NOT_AUTHENTICATED;
    if (!this.consumers.has(oauth.oauth_consumer_key) || oauth.oauth_signature_method !== 'HMAC-SHA1') {
      return NOT_AUTHENTICATED;
    }
    if (oauth.oauth_version !== undefined && oauth.oauth_version !== '1.0') return NOT_AUTHENTICATED;
    const known =
      token === 'none' ||
      (token === 'access'
        ? this.tokens.has(oauth.oauth_token) && !this.revoked.has(oauth.oauth_token)
        : this.requestTokens.has(oauth.oauth_token));
    if (!known) return INVALID_TOKEN;
    if (!request.verified || !/^[0-9]+$/.test(oauth.oauth_timestamp)) return NOT_AUTHENTICATED;
    if (Math.abs(Number(oauth.oauth_timestamp) * 1000 - this.now()) > TIMESTAMP_TOLERANCE_S * 1000) {
      return error(401, 135, 'Timestamp out of bounds.');
    }
    const nonce = `${oauth.oauth_consumer_key}&${oauth.oauth_token ?? ''}&${oauth.oauth_nonce}`;
    if (this.nonces.has(nonce)) return NOT_AUTHENTICATED;
    this.nonces.add(nonce);
    return undefined;
  }

  private route(request: RecordedRequest): Reply {
    const endpoint = `${request.method} ${request.path}`;
    switch (endpoint) {
      case 'POST /oauth/request_token':
        return this.authenticate(request, 'none') ?? this.issueRequestToken(request.oauth);
      case 'GET /oauth/authorize':
        return this.authorize(request.query.oauth_token);
      case 'POST /oauth/access_token':
        return this.authenticate(request, 'request') ?? this.exchange(request.oauth);
    }
    const handlers: Record<string, (caller: SimulatedUser) => Reply> = {
      'POST /1.1/feedback/create.json': (caller) => this.createFeedback(request.form, caller),
      'GET /1.1/users/show.json': () => this.showUser(request.query),
      'GET /1.1/friendships/show.json': (caller) => this.showFriendship(request.query, caller),
      'GET /1.1/account/verify_credentials.json': (caller) => ({ status: 200, body: userJson(caller) }),
      'GET /1.1/feedback/events.json': (caller) => this.feedbackEvents(request.query, caller),
    };
    const shown = /^GET \/1\.1\/feedback\/show\/([0-9]+)\.json$/.exec(endpoint);
    if (shown) handlers[endpoint] = (caller) => this.showFeedback(shown[1], caller);
    const handler = handlers[endpoint];
    if (!handler) return error(404, 34, 'Sorry, that page does not exist.');
    const refusal = this.authenticate(request, 'access');
    return refusal ?? handler(this.userById(this.tokens.get(request.oauth.oauth_token)!.user)!);
  }

  private issueRequestToken(oauth: Record<string, string>): Reply {
    const callback = oauth.oauth_callback;
    if (callback === undefined || !(callback === 'oob' || URL.canParse(callback))) return NOT_AUTHENTICATED;
    const token = randomToken();
    const secret = randomToken();
    this.requestTokens.set(token, { secret, callback });
    return formReply({ oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: 'true' });
  }

  /** The user's visit to the authorize page and their click, in one. */
  private authorize(token = ''): Reply {
    const pending = this.requestTokens.get(token);
    if (!pending) return page(403, 'This page is no longer valid: someone already used the token you provided.');
    const oob = pending.callback === 'oob';
    if (this.authorizer === null) {
      this.requestTokens.delete(token);
      return oob ? page(200, 'You have not authorized the app.') : redirect(pending.callback, { denied: token });
    }
    // Twitter shows a PIN to type in where there is no callback to carry the verifier.
    const verifier = oob ? String(randomInt(1_000_000, 10_000_000)) : randomToken();
    pending.authorized = { user: this.authorizer, verifier };
    return oob
      ? page(200, `Return to the app and enter this PIN to complete the authorization: <code>${verifier}</code>`)
      : redirect(pending.callback, { oauth_token: token, oauth_verifier: verifier });
  }

  private exchange(oauth: Record<string, string>): Reply {
    const token = oauth.oauth_token;
    const { authorized } = this.requestTokens.get(token)!;
    if (!authorized || oauth.oauth_verifier !== authorized.verifier) {
      return {
        status: 401,
        body: 'Error processing your OAuth request: Invalid oauth_verifier parameter',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      };
    }
    this.requestTokens.delete(token);
    const user = this.userById(authorized.user)!;
    const accessToken = `${user.id_str}-${randomToken()}`;
    const secret = randomToken();
    this.tokens.set(accessToken, { secret, user: user.id_str });
    return formReply({
      oauth_token: accessToken,
      oauth_token_secret: secret,
      user_id: user.id_str,
      screen_name: user.screen_name,
    });
  }

  private showUser(query: Record<string, string>): Reply {
    const name = query.screen_name?.toLowerCase();
    const user = this.users.find((u) => (name !== undefined ? u.screen_name.toLowerCase() === name : u.id_str === query.user_id));
    return user ? { status: 200, body: userJson(user) } : error(404, 50, 'User not found.');
  }

  private acceptsDms(user: SimulatedUser): boolean {
    return this.dmsAccepted.get(user.id_str) ?? user.can_dm !== false;
  }

  /** As Twitter answers it for businesses: can_dm says whether the target takes the source's DMs. */
  private showFriendship(query: Record<string, string>, caller: SimulatedUser): Reply {
    const { headers: rateHeaders, limited } = this.rateLimit('friendships', caller);
    if (limited) return error(429, 88, 'Rate limit exceeded', rateHeaders);

    for (const name of ['source_id', 'target_id']) {
      if (!query[name]) return error(400, 38, `${name} parameter is missing.`, rateHeaders);
    }
    const [source, target] = [this.userById(query.source_id), this.userById(query.target_id)];
    if (!source || !target) return error(404, 50, 'User not found.', rateHeaders);
    const side = (user: SimulatedUser) => ({ id: user.id_str, id_str: user.id_str, screen_name: user.screen_name });
    const relationship = {
      source: {
        ...side(source),
        following: false,
        followed_by: false,
        can_dm: this.acceptsDms(target),
        blocking: false,
        muting: false,
      },
      target: { ...side(target), following: false, followed_by: false },
    };
    // Ids are written as exact JSON numbers, as userJson does: a client must read id_str.
    const body = JSON.stringify({ relationship }).replace(/"id":"([0-9]+)"/g, '"id":$1');
    return { status: 200, body, headers: rateHeaders };
  }

  private createFeedback(form: Record<string, string>, caller: SimulatedUser): Reply {
    const now = this.now();
    const business = caller.id_str;
    const window = (this.sent.get(business) ?? []).filter((at) => at > now - DAY_MS);
    const limited = window.length >= this.feedbackLimit;
    if (!limited) window.push(now);
    this.sent.set(business, window);
    const rateHeaders = {
      'x-rate-limit-limit': String(this.feedbackLimit),
      'x-rate-limit-remaining': String(this.feedbackLimit - window.length),
      'x-rate-limit-reset': String(Math.ceil(((window[0] ?? now) + DAY_MS) / 1000)),
    };
    if (limited) return error(429, 88, 'Rate limit exceeded', rateHeaders);

    for (const name of ['type', 'to_user_id', 'message', 'privacy_url']) {
      if (!form[name]) return error(400, 38, `${name} parameter is missing.`);
    }
    const invalid = this.invalidParam(form);
    if (invalid) return error(400, 44, `${invalid} parameter is invalid.`);
    if (charCount(form.message) > MAX.message) {
      return error(403, 354, 'The text of your direct message is over the max character limit.');
    }
    const recipient = this.userById(form.to_user_id);
    if (!recipient) return error(404, 50, 'User not found.');
    if (!this.acceptsDms(recipient)) return error(403, 349, 'You cannot send messages to this user.');

    const createdAt = twitterDate(new Date(now));
    const feedback: FeedbackObject = {
      id: String(this.nextId++),
      created_at: createdAt,
      updated_at: createdAt,
      type: form.type,
      test: form.test === 'true',
      dm_id: String(this.nextId++),
      from_user_id: business,
      to_user_id: form.to_user_id,
      privacy_url: form.privacy_url,
      ...(form.external_id !== undefined ? { external_id: form.external_id } : {}),
      question_variant_id: String(Number(form.question_variant_id ?? '0')),
      ...(form.display_name !== undefined ? { display_name: form.display_name } : {}),
    };
    this.feedback.push(feedback);
    this.cards.set(feedback.id, feedback);
    this.recordEvent(feedback, 'feedback.created', now);
    return { status: 200, body: JSON.stringify(feedback), headers: rateHeaders };
  }

  /** A card only its business can read; another's is as unknown as one that never was. */
  private showFeedback(id: string, caller: SimulatedUser): Reply {
    const { headers, limited } = this.rateLimit('feedbackShow', caller);
    if (limited) return error(429, 88, 'Rate limit exceeded', headers);
    const card = this.cards.get(id);
    if (!card || card.from_user_id !== caller.id_str) return error(404, 34, 'Sorry, that page does not exist.', headers);
    return { status: 200, body: JSON.stringify(card), headers };
  }

  private feedbackEvents(query: Record<string, string>, caller: SimulatedUser): Reply {
    const { headers, limited } = this.rateLimit('feedbackEvents', caller);
    if (limited) return error(429, 88, 'Rate limit exceeded', headers);
    const refuse = (code: number, message: string) => error(400, code, message, headers);
    let range: EventRange;
    if (query.cursor !== undefined) {
      const extra = ['from_time', 'to_time', 'count'].find((name) => query[name] !== undefined);
      if (extra) return refuse(44, `${extra} parameter is invalid.`);
      const decoded = this.readCursor(query.cursor, caller);
      if (!decoded) return refuse(44, 'cursor parameter is invalid.');
      range = decoded;
    } else {
      for (const name of ['from_time', 'to_time', 'count']) {
        if (!query[name]) return refuse(38, `${name} parameter is missing.`);
      }
      const [from, to, count] = [query.from_time, query.to_time, query.count].map((v) =>
        /^[0-9]{1,15}$/.test(v) ? Number(v) : NaN,
      );
      if (Number.isNaN(from)) return refuse(44, 'from_time parameter is invalid.');
      if (Number.isNaN(to) || to < from || to > this.now() - EVENTS_LATEST_MS) return refuse(44, 'to_time parameter is invalid.');
      if (Number.isNaN(count) || count < 1 || count > EVENTS_MAX_COUNT) return refuse(44, 'count parameter is invalid.');
      range = { from, to, count, offset: 0 };
    }
    const inRange = this.events
      .map((e, seq) => ({ ...e, seq }))
      .filter((e) => e.business === caller.id_str && e.at >= range.from && e.at <= range.to);
    // Twitter promises no order: a client must not lean on one.
    inRange.sort((a, b) => scramble(a.seq, range.from) - scramble(b.seq, range.from));
    let size = Math.min(range.count, this.eventPaging.pageSize ?? range.count);
    if (this.eventPaging.emptyPages > 0 && range.offset < inRange.length) {
      this.eventPaging.emptyPages--;
      size = 0;
    }
    const page = inRange.slice(range.offset, range.offset + size).map((e) => e.event);
    const offset = range.offset + page.length;
    const body: { events: FeedbackEvent[]; next_cursor?: string } = { events: page };
    if (offset < inRange.length) body.next_cursor = this.writeCursor({ ...range, offset }, caller);
    return { status: 200, body: JSON.stringify(body), headers };
  }

  private writeCursor(range: EventRange, caller: SimulatedUser): string {
    const payload = Buffer.from(JSON.stringify([range.from, range.to, range.count, range.offset, caller.id_str])).toString(
      'base64url',
    );
    return `${payload}.${createHmac('sha256', this.cursorKey).update(payload).digest('base64url')}`;
  }

  private readCursor(cursor: string, caller: SimulatedUser): EventRange | undefined {
    const [payload, mac, ...rest] = cursor.split('.');
    if (!payload || !mac || rest.length > 0) return undefined;
    const expected = createHmac('sha256', this.cursorKey).update(payload).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const [from, to, count, offset, business] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [
      number,
      number,
      number,
      number,
      string,
    ];
    return business === caller.id_str ? { from, to, count, offset } : undefined;
  }

  private invalidParam(form: Record<string, string>): string | undefined {
    const { type, question_variant_id: variant } = form;
    if (type !== 'csat' && type !== 'nps') return 'type';
    if (!/^[0-9]+$/.test(form.to_user_id)) return 'to_user_id';
    if (!isHttpUrl(form.privacy_url)) return 'privacy_url';
    if (form.external_id !== undefined && charCount(form.external_id) > MAX.external_id) return 'external_id';
    if (variant !== undefined && !(/^[0-9]+$/.test(variant) && Number(variant) < VARIANT_COUNT[type])) {
      return 'question_variant_id';
    }
    if (form.display_name !== undefined && charCount(form.display_name) > MAX.display_name) return 'display_name';
    if (form.test !== undefined && form.test !== 'true' && form.test !== 'false') return 'test';
    return undefined;
  }
}

/** An events.json query: its window (epoch ms, inclusive), page size, and how far it has read. */
interface EventRange {
  from: number;
  to: number;
  count: number;
  offset: number;
}

/** A fixed shuffle of event positions, different for each window. */
function scramble(seq: number, salt: number): number {
  return createHmac('sha256', String(salt)).update(String(seq)).digest().readUInt32BE();
}

function redirect(callback: string, params: Record<string, string>): Reply {
  const location = new URL(callback);
  for (const [name, value] of Object.entries(params)) location.searchParams.set(name, value);
  return page(302, 'You are being redirected.', { location: location.href });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
