import { ConsoleLogger, LogLevel } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { DmCheck } from './services/dm-check.js';
import { FeedbackRelay } from './services/feedback-relay.js';
import { FeedbackRequests } from './services/feedback-requests.js';
import { AccountSource } from './services/account-source.js';
import { AutomaticRequests } from './services/automatic-requests.js';
import { Confirmations } from './services/confirmations.js';
import { InFlight } from './services/in-flight.js';
import { SendLimits } from './services/send-limits.js';
import { GroupMembers } from './services/permissions.js';
import { HomePages } from './services/home-pages.js';
import { SendLog } from './services/send-log.js';
import { Schedule } from './services/schedule.js';
import { SettingsSource } from './services/settings.js';
import { answersWebhook } from './http/answers-webhook.js';
import { connectRoutes } from './http/connect-routes.js';
import { AnswerBook } from './services/answer-book.js';
import { AnswerExport } from './services/answer-export.js';
import { RecordKeeping } from './services/record-keeping.js';
import { startAnswerCollection } from './services/answer-collection.js';
import { healthRoute } from './http/health-route.js';
import { LowScoreAlerts } from './services/low-score-alerts.js';
import { WeeklyDigests } from './services/weekly-digests.js';
import { alertMessages, digestMessages } from './slack/channel-posts.js';
import { TwitterConnect } from './services/twitter-connect.js';
import { tellAutomatic } from './slack/automatic-outcome.js';
import { createSlackApp, homeWorkspace, slackClientOptions, type HomeWorkspace } from './slack/app.js';
import { publishHome } from './slack/publish-home.js';
import { reconcile } from './slack/reconcile.js';
import type { Services } from './slack/dependencies.js';
import { responder, textResponder } from './slack/respond.js';
import { openConfiguredStore } from './services/open-store.js';
import { claimLock } from './store/lock.js';
import { SWEEP_EVERY_MS } from './store/store.js';
import { forgetWorkspace, SlackInstallations } from './store/installations.js';
import { withoutSecrets } from './secret-free-logger.js';
import { API_KEY_ANYWHERE } from './domain/api-key.js';
import { ApiKeys } from './services/api-keys.js';
import { Idempotency } from './services/idempotency.js';
import { feedbackApi } from './http/feedback-api.js';
import { TwitterClient } from './twitter/client.js';

const RECONCILE_EVERY_MS = 60_000;
/** Alerts Slack did not take are tried again this often. */
const ALERT_RETRY_EVERY_MS = 60_000;
/** A digest is posted within this of its hour. */
const DIGEST_EVERY_MS = 60_000;
/** Retention deletes a batch per workspace each run: a year of a busy workspace's records is worked off within a day. */
const RETENTION_EVERY_MS = 15 * 60 * 1000;
/** How often due automatic requests are looked for: a request goes out within about this of its time. */
const AUTOMATIC_EVERY_MS = 500;

export interface RunningApp {
  /** The HTTP port, or undefined in Socket Mode. */
  port?: number;
  /** A failure in work nobody awaited: logged without secrets and counted in /healthz; the app goes on. */
  unhandled(reason: unknown): void;
  stop(): Promise<void>;
}

/** Wires the adapters around the core and starts listening. */
export async function startApp(config: Config, logLevel = LogLevel.INFO): Promise<RunningApp> {
  const store = await openConfiguredStore(config.store);
  const twitter = new TwitterClient({
    apiUrl: config.twitter.apiUrl,
    consumerKey: config.twitter.consumerKey,
    consumerSecret: config.twitter.consumerSecret,
    timeoutMs: config.twitter.timeoutMs,
  });
  const envTokens =
    config.twitter.accessToken && config.twitter.accessTokenSecret
      ? { access_token: config.twitter.accessToken, access_token_secret: config.twitter.accessTokenSecret }
      : undefined;
  const logger = withoutSecrets(
    new ConsoleLogger(),
    [
      config.slack.signingSecret,
      config.slack.botToken,
      config.slack.appToken,
      config.slack.oauth?.clientSecret,
      config.slack.oauth?.stateSecret,
      config.twitter.consumerSecret,
      config.twitter.accessToken,
      config.twitter.accessTokenSecret,
      config.webhook?.password,
    ],
    [API_KEY_ANYWHERE],
  );
  logger.setLevel(logLevel);
  const installations = config.slack.oauth
    ? new SlackInstallations(store.records('installations'), {
        current: config.store.encryptionKey,
        previous: config.store.previousEncryptionKey,
      })
    : undefined;
  const slackOptions = { ...slackClientOptions(config.slack.apiUrl), logger };
  const botClient = config.slack.botToken ? new WebClient(config.slack.botToken, slackOptions) : undefined;
  let home: HomeWorkspace | undefined;
  try {
    home = botClient && (await homeWorkspace(botClient, config.slack.botToken!));
  } catch (error) {
    await store.close();
    throw new Error(`SLACK_BOT_TOKEN could not be checked with Slack at ${config.slack.apiUrl}: ${(error as Error).message}`);
  }
  const accounts = new AccountSource(store.accounts, envTokens, twitter, (message) => logger.warn(message));
  /** Outside a Slack request, the client that acts in one workspace. */
  const workspaceClient = async (teamId: string): Promise<WebClient> => {
    if (botClient) return botClient;
    const installation = await installations!.fetchInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
    return new WebClient(installation.bot?.token, slackOptions);
  };
  const connect = config.slack.publicUrl
    ? new TwitterConnect({
        store,
        keys: { current: config.store.encryptionKey, previous: config.store.previousEncryptionKey },
        twitter,
        publicUrl: config.slack.publicUrl,
        // The admin comes back to an App Home that already lists the account.
        onConnected: async (workspace, _account, adminId) =>
          publishHome(services, await workspaceClient(workspace.teamId), workspace.teamId, adminId),
        warn: (message) => logger.warn(message),
      })
    : undefined;
  let unhandledFailures = 0;
  const inFlight = new InFlight();
  const settings = new SettingsSource(store.records('settings'), { privacy_url: config.defaultPrivacyUrl });
  const log = new SendLog(store.records('sends'), store);
  const limits = new SendLimits(store);
  const apiKeys = new ApiKeys({
    records: store.records('api-keys'),
    lock: claimLock(store),
    store,
    perMinute: config.apiRequestsPerMinute,
  });
  const answers: AnswerBook = new AnswerBook({
    records: store.records('answers'),
    store,
    lock: claimLock(store),
    sends: log,
    accounts: {
      workspacesWith: (userId) => store.accounts.workspacesWith(userId),
      connected: async (teamId) => (await accounts.list(teamId)).map((account) => account.user_id),
    },
    changed: (teamId, before, after) => alerts.changed(teamId, before, after),
    forgotten: (teamId, answer) => keeping.isForgotten(teamId, answer),
  });
  const alerts: LowScoreAlerts = new LowScoreAlerts({
    records: store.records('alerts'),
    store,
    lock: claimLock(store),
    settings,
    answers,
    sends: log,
    accounts,
    messages: alertMessages(workspaceClient),
    background: (work) => void inFlight.track(work),
    warn: (message) => logger.warn(message),
  });
  const confirmations = new Confirmations(store.records('confirmations'), store);
  // Single-workspace mode may send as the environment's account, which no record lists.
  const teams = async () => [
    ...new Set([...(await store.accounts.workspaces()), ...(envTokens && home?.teamId ? [home.teamId] : [])]),
  ];
  const keeping: RecordKeeping = new RecordKeeping({
    store,
    forgotten: store.records('forgotten'),
    lock: claimLock(store),
    answers,
    sends: log,
    confirmations,
    settings,
    teams,
    warn: (message) => logger.warn(message),
  });
  const schedule = new Schedule(inFlight, (message) => logger.warn(message));
  const collection = startAnswerCollection({
    store,
    twitter,
    accounts,
    sink: answers,
    schedule,
    warn: (message) => logger.warn(message),
    teams,
  });
  const digests = new WeeklyDigests({
    claims: store,
    settings,
    answers,
    teams,
    messages: digestMessages(workspaceClient),
    warn: (message) => logger.warn(message),
  });
  const requests = new FeedbackRequests({
    accounts,
    settings,
    log,
    limits,
    relay: new FeedbackRelay(twitter, limits, new DmCheck(twitter, store, (message) => logger.warn(message))),
    claims: store,
    answers: collection,
  });
  const automatic = new AutomaticRequests({
    requests,
    settings,
    accounts,
    log,
    limits,
    store,
    // A taker that died is taken over once its sends would count as interrupted, and not before.
    holdMs: Math.max(1, config.pendingGraceSeconds) * 1000,
    tell: tellAutomatic(workspaceClient, logger),
    background: (work) => void inFlight.track(work),
  });
  const services: Services = {
    requests,
    automatic,
    alerts,
    accounts,
    log,
    settings,
    answers,
    homePages: new HomePages(store.records('home-pages')),
    apiKeys,
    groups: new GroupMembers(),
    respond: responder(config.slack.apiUrl),
    say: textResponder(config.slack.apiUrl),
    exports: new AnswerExport({
      book: answers,
      accountNames: async (teamId) => new Map((await accounts.list(teamId)).map((account) => [account.user_id, account.name])),
    }),
    keeping,
    finishing: (work) => inFlight.track(work),
    confirmations,
    ...(installations
      ? {
          installations: {
            forget: (key) => forgetWorkspace(store, installations, key),
            deleteInstallation: (key) => installations.deleteInstallation(key),
          },
        }
      : {}),
    ...(connect
      ? { connectLink: (teamId: string, adminId: string, name?: string) => connect.createLink({ teamId }, adminId, name) }
      : {}),
  };
  const app = createSlackApp(config.slack, services, logger, {
    customRoutes: [
      healthRoute(
        () => store.ping(),
        () => unhandledFailures,
      ),
      ...(connect ? connectRoutes(connect, logger) : []),
      ...(config.webhook ? [answersWebhook(config.webhook, answers, logger)] : []),
      ...feedbackApi({
        keys: apiKeys,
        idempotency: new Idempotency(store.records('idempotency'), store),
        requests: automatic,
        installed: async (teamId) => {
          if (home) return home.isEnterpriseInstall || home.teamId === teamId;
          // Gone after a token revocation: the app cannot act there until someone installs it again.
          return installations!.fetchInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false }).then(
            () => true,
            () => false,
          );
        },
        publicUrl: config.slack.publicUrl,
        logger,
      }),
    ],
    installations,
    home,
  });
  const server = (await app.start(config.slack.port)) as Server | undefined;
  const address = server?.address?.() as AddressInfo | null | undefined;
  const settlePending = schedule.every(RECONCILE_EVERY_MS, 'Could not settle interrupted sends', () =>
    reconcile(services, workspaceClient, logger, config.pendingGraceSeconds * 1000),
  );
  schedule.every(SWEEP_EVERY_MS, 'Could not delete expired records', () => store.sweep());
  // Run at once as well: alerts a stopped process left, and a digest due while none ran.
  void schedule.every(ALERT_RETRY_EVERY_MS, 'Could not post low-score alerts', () => alerts.retry())();
  void schedule.every(DIGEST_EVERY_MS, 'Could not post weekly digests', () => digests.tick())();
  schedule.every(RETENTION_EVERY_MS, 'Could not delete records past their retention', () => keeping.run());
  // One run at a time per process: a run lasts until nothing is due, so the next tick has nothing to add.
  let sendingDue: Promise<unknown> | undefined;
  schedule.every(AUTOMATIC_EVERY_MS, 'Could not send due automatic requests', () => {
    if (sendingDue) return Promise.resolve();
    sendingDue = automatic.runDue().finally(() => (sendingDue = undefined));
    return sendingDue;
  });
  // At start-up for this process's own crash; then now and again for other instances'.
  await settlePending();
  return {
    port: address?.port,
    unhandled(reason) {
      unhandledFailures++;
      logger.error(`Failure number ${unhandledFailures} that nobody was waiting for; the app goes on:`, reason);
    },
    /** Stops taking requests, lets sends under way finish and report, then closes the store. */
    async stop() {
      schedule.stop();
      await app.stop();
      await inFlight.settled();
      await store.close();
    },
  };
}
