import {
  App,
  HTTPReceiver,
  type AnyMiddlewareArgs,
  type Authorize,
  type CustomRoute,
  type InstallationStore,
  type Middleware,
} from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { WebClient, WebClientOptions } from '@slack/web-api';
import { guardSlackBodies } from './body-guard.js';
import { installerOptions } from './installer.js';
import type { SlackConfig } from '../config.js';
import { registerListeners } from './listeners/index.js';
import type { Services } from './dependencies.js';
import { slackFetch } from './transport.js';
import { ELSEWHERE } from './user-interface/notices.js';

/** Every client of Slack's Web API the app makes: Bolt's, its installer's, and those for work outside a request. */
export function slackClientOptions(apiUrl: string): WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    fetch: slackFetch,
    // A trigger_id lives 3 seconds: long retry schedules only delay a certain failure.
    retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1000 },
  };
}

/** Single-workspace mode: the workspace (or organisation) the bot token belongs to. */
export interface HomeWorkspace {
  botToken: string;
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  botId?: string;
  botUserId?: string;
}

/** Asks Slack whom `client`'s bot token acts for; throws when Slack refuses the token. */
export async function homeWorkspace(client: WebClient, botToken: string): Promise<HomeWorkspace> {
  const answer = await client.auth.test();
  return {
    botToken,
    teamId: answer.team_id,
    enterpriseId: answer.enterprise_id,
    isEnterpriseInstall: answer.is_enterprise_install === true,
    botId: answer.bot_id,
    botUserId: answer.user_id,
  };
}

/** The workspace the listeners act for: the one the payload names itself (`team_id`, or `team.id`). */
function namedWorkspace(body: unknown): unknown {
  const named = body as { team_id?: unknown; team?: { id?: unknown } | null };
  return named.team_id ?? named.team?.id;
}

/**
 * The bot token for requests from its own workspace only. Slack signs the requests of every
 * workspace the Slack app is installed in with the same secret, so a well-signed request
 * from another one is answered without a token: it must never act, or read settings and
 * accounts, as this one. Bolt authorizes a form by the workspace that opened it, the
 * listeners act for the one the payload names: both must be this one.
 */
function homeOnly(home: HomeWorkspace): Authorize<boolean> {
  return async (source, body) => {
    const ours = home.isEnterpriseInstall
      ? source.enterpriseId === home.enterpriseId
      : source.teamId === home.teamId && namedWorkspace(body) === home.teamId;
    return ours ? { botToken: home.botToken, botId: home.botId, botUserId: home.botUserId } : {};
  };
}

/** Before any listener: a request that came without a token is answered, and goes no further. */
function refuseOtherWorkspaces(logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    if (args.context.botToken !== undefined) return args.next();
    logger.warn(`A request from workspace ${JSON.stringify(args.context.teamId)} was refused: the app runs in another one.`);
    // Events were acknowledged already; the rest are answered empty, a command in words.
    const ack = 'ack' in args ? (args.ack as ((response?: object) => Promise<void>) | undefined) : undefined;
    await ack?.('command' in args ? { response_type: 'ephemeral', text: ELSEWHERE } : undefined);
  };
}

/**
 * The Bolt app: one workspace with a bot token, or any number through Slack's installer;
 * Socket Mode when an app-level token is given, HTTP otherwise.
 */
export function createSlackApp(
  config: SlackConfig,
  services: Services,
  logger: Logger,
  extras: { customRoutes?: CustomRoute[]; installations?: InstallationStore; home?: HomeWorkspace } = {},
): App {
  const { installations, home } = extras;
  const installer = config.oauth && installations ? installerOptions(config.oauth, installations) : undefined;
  if (!installer && !home) throw new Error("Either the installations or the bot token's workspace are needed");
  const clientOptions = slackClientOptions(config.apiUrl);
  const routes = { customRoutes: extras.customRoutes ?? [], logger, logLevel: logger.getLevel() };
  const receiver = config.appToken
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.signingSecret,
        ...routes,
        ...installer,
        // As Bolt would make it: the installer calls Slack as every other client does.
        installerOptions: { clientOptions, ...installer?.installerOptions },
      });
  if (receiver) guardSlackBodies(receiver, config.signingSecret, logger);
  const app = new App({
    // In Socket Mode the app's own pages (connecting Twitter) are still served on PORT.
    ...(receiver ? { receiver } : { ...routes, ...installer, socketMode: true, appToken: config.appToken, port: config.port }),
    ...(installer ? {} : { authorize: homeOnly(home!) }),
    // The app keeps no per-conversation state; Bolt's default store costs an Error per event.
    convoStore: false,
    logger,
    logLevel: logger.getLevel(),
    clientOptions,
  });
  if (home) app.use(refuseOtherWorkspaces(logger));
  registerListeners(app, services);
  return app;
}
