import { App, type CustomRoute, type InstallationStore } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { WebClientOptions } from '@slack/web-api';
import { installerOptions } from './installer.js';
import type { SlackConfig } from '../config.js';
import { registerListeners } from './listeners/index.js';
import type { Services } from './services.js';
import { slackFetch } from './transport.js';

/** Every client of Slack's Web API the app makes: Bolt's, its installer's, and those for work outside a request. */
export function slackClientOptions(apiUrl: string): WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    fetch: slackFetch,
    // A trigger_id lives 3 seconds: long retry schedules only delay a certain failure.
    retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1000 },
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
  extras: { customRoutes?: CustomRoute[]; installations?: InstallationStore } = {},
): App {
  const app = new App({
    ...(config.oauth && extras.installations
      ? installerOptions(config.oauth, extras.installations)
      : { token: config.botToken }),
    signingSecret: config.signingSecret,
    // In Socket Mode the app's own pages (connecting Twitter) are still served on PORT.
    ...(config.appToken ? { socketMode: true, appToken: config.appToken, port: config.port } : {}),
    customRoutes: extras.customRoutes ?? [],
    // The app keeps no per-conversation state; Bolt's default store costs an Error per event.
    convoStore: false,
    logger,
    logLevel: logger.getLevel(),
    // Start-up checks the bot token itself (see init) instead of failing later, unhandled.
    deferInitialization: true,
    clientOptions: slackClientOptions(config.apiUrl),
  });
  registerListeners(app, services);
  return app;
}
