import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { ServerResponse } from 'node:http';
import {
  CALLBACK_PATH,
  CONNECT_PATH,
  type Page,
  type StartAnswer,
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

/**
 * The browser's side of connecting a Twitter account, for the HTTP receiver's
 * `customRoutes`: the link from App Home, and Twitter's return.
 */
export function connectRoutes(connect: TwitterConnect, logger: Pick<Logger, 'error'>): CustomRoute[] {
  const route = (path: string, answer: (query: URLSearchParams) => Promise<StartAnswer>): CustomRoute => ({
    path,
    method: 'GET',
    // Bolt neither awaits a route nor catches its rejection, so every outcome is answered here.
    handler: (req, res) => {
      const { searchParams } = new URL(req.url ?? '/', 'http://localhost');
      answer(searchParams)
        .then((result) => send(res, result))
        .catch((error: unknown) => {
          // The path alone: the query holds the link or Twitter's verifier.
          logger.error(`GET ${path} failed: ${(error as Error).message}`);
          if (res.headersSent) res.destroy();
          else sendPage(res, BROKE);
        });
    },
  });
  return [
    route(CONNECT_PATH, (query) => connect.start(param(query, 'link'))),
    route(CALLBACK_PATH, async (query) => ({
      page: await connect.finish({
        oauth_token: param(query, 'oauth_token'),
        oauth_verifier: param(query, 'oauth_verifier'),
        denied: param(query, 'denied'),
      }),
    })),
  ];
}

function param(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) ?? undefined;
}

function send(res: ServerResponse, result: StartAnswer): void {
  if ('redirect' in result) sendRedirect(res, result.redirect);
  else sendPage(res, result.page);
}
