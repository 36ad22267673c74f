import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CALLBACK_PATH,
  CONFIRM_PATH,
  CONNECT_LIFETIME_MS,
  CONNECT_PATH,
  type Answer,
  type Page,
  type TwitterConnect,
} from '../services/twitter-connect.js';
import { sendPage, sendRedirect } from './page.js';

const BROKE: Page = {
  status: 500,
  title: 'Something went wrong',
  body:
    "The app ran into a problem of its own. The app's Home in Slack lists the Twitter accounts that are connected.\n" +
    'If the account is not there, click Connect Twitter account again in a few minutes.',
};

/** Holds the nonce that binds a connection to the browser that opened its link. */
export const BROWSER_COOKIE = 'twitter_connect';

/** The confirming form holds one token: anything much longer is no form of the app's. */
const MAX_FORM_BYTES = 4096;

/** What a route reads of a request: `nonce` from the cookie, `form` for a POST. */
type Request = { query: URLSearchParams; nonce?: string; form?: URLSearchParams };

/**
 * The browser's side of connecting a Twitter account, for the HTTP receiver's
 * `customRoutes`: the link given in Slack, Twitter's return, and the admin's confirmation.
 */
export function connectRoutes(connect: TwitterConnect, logger: Pick<Logger, 'error'>): CustomRoute[] {
  const route = (method: 'GET' | 'POST', path: string, answer: (request: Request) => Promise<Answer>): CustomRoute => ({
    path,
    method,
    // Bolt neither awaits a route nor catches its rejection, so every outcome is answered here.
    handler: (req, res) => {
      const { searchParams } = new URL(req.url ?? '/', 'http://localhost');
      (method === 'POST' ? readForm(req) : Promise.resolve(undefined))
        .then((form) => answer({ query: searchParams, nonce: cookie(req, BROWSER_COOKIE), form }))
        .then((result) => send(res, result, connect.cookiePath))
        .catch((error: unknown) => {
          // The path alone: the query holds the link or Twitter's verifier.
          logger.error(`${method} ${path} failed: ${(error as Error).message}`);
          if (res.headersSent) res.destroy();
          else sendPage(res, BROKE);
        });
    },
  });
  return [
    route('GET', CONNECT_PATH, ({ query }) => connect.start(param(query, 'link'))),
    route('GET', CALLBACK_PATH, ({ query, nonce }) =>
      connect.finish(
        {
          oauth_token: param(query, 'oauth_token'),
          oauth_verifier: param(query, 'oauth_verifier'),
          denied: param(query, 'denied'),
        },
        nonce,
      ),
    ),
    route('POST', CONFIRM_PATH, ({ form, nonce }) => connect.confirm(form?.get('csrf') ?? undefined, nonce)),
  ];
}

function param(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) ?? undefined;
}

/** The value of the cookie `name`, as the browser sent it. */
function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** A form the browser posted; a body that is not one reads as an empty form. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return new URLSearchParams();
    chunks.push(chunk);
  }
  const type = req.headers['content-type'] ?? '';
  return type.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
    : new URLSearchParams();
}

/**
 * HttpOnly: no script reads it. Secure: sent over HTTPS only, as PUBLIC_URL is. Lax: sent
 * on the top-level return from Twitter and on the same-site confirmation, never on a
 * request another site makes in the background.
 */
function setCookie(browser: NonNullable<Answer['browser']>, path: string): string {
  const [value, maxAge] = browser === 'clear' ? ['', 0] : [browser.set, CONNECT_LIFETIME_MS / 1000];
  return `${BROWSER_COOKIE}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;
}

function send(res: ServerResponse, result: Answer, cookiePath: string): void {
  if (result.browser) res.setHeader('set-cookie', setCookie(result.browser, cookiePath));
  if ('redirect' in result) sendRedirect(res, result.redirect);
  else sendPage(res, result.page);
}
