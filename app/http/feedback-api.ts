import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKeys } from '../services/api-keys.js';
import type { AutomaticInput, AutomaticRequest, AutomaticRequests } from '../services/automatic-requests.js';
import { fingerprint, type Idempotency, type StoredAnswer } from '../services/idempotency.js';
import { readBody, reply } from './json.js';
import openapi from './openapi.json' with { type: 'json' };

export const API_BASE = '/api/v1';
const COLLECTION = `${API_BASE}/feedback-requests`;

/** Every operation served, with its path as the OpenAPI document writes it. */
export const OPERATIONS = [
  { method: 'GET', path: `${API_BASE}/openapi.json` },
  { method: 'POST', path: COLLECTION },
  { method: 'GET', path: `${COLLECTION}/{id}` },
  { method: 'DELETE', path: `${COLLECTION}/{id}` },
] as const;

/** A request's message is at most 10,000 characters: even in 4-byte characters this leaves room. */
export const MAX_BODY_BYTES = 64 * 1024;

/** What the body may hold; anything else is refused, so that a misspelt field is not silently ignored. */
const FIELDS = {
  customer: true,
  external_id: true,
  type: true,
  question_variant_id: true,
  message: true,
  display_name: true,
  privacy_url: true,
  test: true,
  agent: true,
  account: true,
  send_after: true,
  notify: true,
  exclude: true,
} satisfies Record<keyof AutomaticInput, true>;
const FIELD_LIST = Object.keys(FIELDS).join(', ');

/** Printable ASCII, as Stripe and the IETF draft take it: long enough for a UUID or a ticket event id. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Ids the service hands out; anything else names no request, and is not looked for. */
const REQUEST_ID = /^[A-Za-z0-9_-]{1,100}$/;

export interface FeedbackApiDeps {
  keys: Pick<ApiKeys, 'authenticate' | 'admit'>;
  idempotency: Pick<Idempotency, 'once'>;
  requests: Pick<AutomaticRequests, 'submit' | 'get' | 'cancel'>;
  /** False once the workspace's installation is gone (its token revoked): its keys then act for nothing. */
  installed(teamId: string): Promise<boolean>;
  /** The app's public address, for absolute status URLs; unset, they are paths. */
  publicUrl?: string;
  logger: Pick<Logger, 'error'>;
}

interface Caller {
  teamId: string;
  keyId: string;
}

type Answer = StoredAnswer & { headers?: Record<string, string> };

function problem(status: number, error: string, message: string, extra: object = {}, headers?: Record<string, string>): Answer {
  return { status, body: { error, message, ...extra }, ...(headers ? { headers } : {}) };
}

const CHALLENGE = 'Bearer realm="feedback-api"';

const BAD_KEY: Record<'missing' | 'unknown' | 'revoked', Answer> = {
  missing: problem(
    401,
    'missing_key',
    'Send an API key as "Authorization: Bearer <key>". Admins create keys in the app’s Home tab in Slack.',
    {},
    { 'www-authenticate': CHALLENGE },
  ),
  unknown: problem(
    401,
    'invalid_key',
    'This API key is not one the app knows. Check that it was copied whole, or ask an admin for a new one.',
    {},
    { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` },
  ),
  revoked: problem(
    403,
    'revoked_key',
    'This API key was revoked by an admin. Ask an admin for a new one in the app’s Home tab in Slack.',
  ),
};

const NOT_INSTALLED = problem(
  403,
  'not_installed',
  'The app is no longer installed in the Slack workspace this key belongs to. Install it again to use the key.',
);

const NOT_FOUND = problem(404, 'not_found', 'No feedback request with this id was made with a key of this workspace.');

function statusPath(id: string): string {
  return `${COLLECTION}/${encodeURIComponent(id)}`;
}

/**
 * The HTTP API for helpdesks: they ask for a feedback request when a ticket closes, read
 * how it went, and cancel one still waiting. Each key acts for its own workspace; a
 * request of another workspace reads as not found.
 */
export function feedbackApi(deps: FeedbackApiDeps): CustomRoute[] {
  const document = JSON.stringify(openapi);
  const view = (request: AutomaticRequest) => ({ ...request, status_url: `${deps.publicUrl ?? ''}${statusPath(request.id)}` });

  const submit = async (caller: Caller, req: IncomingMessage): Promise<Answer> => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body.ok) {
      // Closing the connection stops the sender; the body is not read to its end.
      return problem(
        413,
        'body_too_large',
        `A request body must be at most ${MAX_BODY_BYTES} bytes.`,
        {},
        { connection: 'close' },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      return problem(400, 'malformed_json', 'The body must be JSON: one object with the request’s parameters.');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return problem(400, 'not_an_object', 'The body must be one JSON object with the request’s parameters.');
    }
    const unknown = Object.keys(json).filter((field) => !Object.hasOwn(FIELDS, field));
    if (unknown.length) {
      const errors = Object.fromEntries(unknown.map((field) => [field, `Not a parameter of this API; they are ${FIELD_LIST}.`]));
      return problem(422, 'invalid_request', 'Nothing was sent: correct the parameters named in errors.', { errors });
    }
    const work = async (): Promise<StoredAnswer> => {
      const outcome = await deps.requests.submit(caller.teamId, json as AutomaticInput, { source: 'api' });
      if (!outcome.ok) {
        return problem(422, 'invalid_request', 'Nothing was sent: correct the parameters named in errors.', {
          errors: outcome.errors,
        });
      }
      return { status: 202, body: view(outcome.request) };
    };
    const key = req.headers['idempotency-key'];
    if (key === undefined) return withLocation(await work());
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      return problem(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 printable ASCII characters.');
    }
    const once = await deps.idempotency.once(
      caller.teamId,
      `api:${caller.keyId}`,
      key,
      fingerprint('POST', COLLECTION, json),
      work,
      (answer) => answer.status === 202,
    );
    switch (once.outcome) {
      case 'answered':
        return withLocation({ ...once.answer, ...(once.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}) });
      case 'mismatch':
        return problem(
          409,
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request. Use a new key for a new request.',
        );
      case 'in_progress':
        return problem(
          409,
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still being handled. Send it again in a moment.',
          {},
          { 'retry-after': '1' },
        );
    }
  };

  const read = async (caller: Caller, id: string): Promise<Answer> => {
    const request = REQUEST_ID.test(id) ? await deps.requests.get(caller.teamId, id) : undefined;
    return request ? { status: 200, body: view(request) } : NOT_FOUND;
  };

  const cancel = async (caller: Caller, id: string): Promise<Answer> => {
    if (!REQUEST_ID.test(id)) return NOT_FOUND;
    const outcome = await deps.requests.cancel(caller.teamId, id);
    if (outcome.ok) return { status: 200, body: view(outcome.request) };
    if (outcome.reason === 'not_found' || !outcome.request) return NOT_FOUND;
    return problem(
      409,
      'not_scheduled',
      `Only a scheduled request can be cancelled; this one is ${outcome.request.status.replace('_', ' ')}.`,
      { request: view(outcome.request) },
    );
  };

  /** The caller, or the answer that refuses them: checked before the body is read. */
  const admit = async (req: IncomingMessage): Promise<Caller | Answer> => {
    const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    const auth = await deps.keys.authenticate(match?.[1] ?? (req.headers.authorization ? 'not a key' : undefined));
    if (!auth.ok) return BAD_KEY[auth.reason];
    if (!(await deps.installed(auth.teamId))) return NOT_INSTALLED;
    const admitted = await deps.keys.admit(auth.teamId, auth.keyId);
    if (!admitted.ok) {
      return problem(
        429,
        'rate_limited',
        `Too many requests with this key: try again in ${admitted.retryAfterSeconds} s.`,
        {},
        { 'retry-after': String(admitted.retryAfterSeconds) },
      );
    }
    return { teamId: auth.teamId, keyId: auth.keyId };
  };

  const route = (
    path: string,
    handlers: Partial<Record<'POST' | 'GET' | 'DELETE', (caller: Caller, req: IncomingMessage, id: string) => Promise<Answer>>>,
  ): CustomRoute => ({
    path,
    method: Object.keys(handlers),
    // Bolt neither awaits a route nor catches its rejection, so every outcome is answered here.
    handler: (req, res) => {
      const handle = handlers[req.method as keyof typeof handlers]!;
      admit(req)
        .then((caller) => ('status' in caller ? caller : handle(caller, req, String(req.params?.id ?? ''))))
        .then((answer) => send(res, answer))
        .catch((error: unknown) => {
          // The method and the route alone: never a header, which holds the key.
          deps.logger.error(`${req.method} ${path} failed: ${(error as Error).message}`);
          if (res.headersSent) res.destroy();
          else send(res, problem(500, 'internal_error', 'The app ran into a problem of its own; nothing was done. Try again.'));
        });
    },
  });

  return [
    {
      path: `${API_BASE}/openapi.json`,
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' });
        res.end(document);
      },
    },
    route(COLLECTION, { POST: (caller, req) => submit(caller, req) }),
    route(`${COLLECTION}/:id`, {
      GET: (caller, _req, id) => read(caller, id),
      DELETE: (caller, _req, id) => cancel(caller, id),
    }),
  ];
}

function withLocation(answer: Answer): Answer {
  if (answer.status !== 202) return answer;
  const { status_url } = answer.body as { status_url: string };
  return { ...answer, headers: { ...answer.headers, location: status_url } };
}

function send(res: ServerResponse, answer: Answer): void {
  reply(res, answer.status, answer.body as object, answer.headers);
}
