import { isHttpUrl } from './domain/feedback-request.js';

/**
 * Every setting the app reads, checked once at start-up. Start-up stops on the first
 * call with a message naming each missing or malformed variable, so a deployment never
 * half-works.
 */
export interface StoreConfig {
  storeUrl: string;
  /** 32 bytes: the key tokens are sealed with at rest. */
  encryptionKey: Buffer;
  /** The key being rotated away from: records sealed with it are read and re-sealed. */
  previousEncryptionKey?: Buffer;
}

export interface TwitterConfig {
  apiUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** How long a call to Twitter may take before its outcome counts as unknown. */
  timeoutMs: number;
  /** The business's own tokens, for a single workspace that does not use the store. */
  accessToken?: string;
  accessTokenSecret?: string;
}

/** The Slack app's credentials for installing it in any number of workspaces. */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Signs the state that ties Slack's redirect to the browser that started the install. */
  stateSecret: string;
  /**
   * Where Slack sends the installer back, when it must be named (the app has several
   * Redirect URLs); unset, Slack uses the one configured. Its path is the one served.
   */
  redirectUri?: string;
}

export interface SlackConfig {
  signingSecret: string;
  /** Single-workspace mode; unset when `oauth` is set. */
  botToken?: string;
  /** Set: any number of workspaces install the app at /slack/install. */
  oauth?: SlackOAuthConfig;
  /** Set: Socket Mode (local development). Unset: HTTP on `port` at /slack/events. */
  appToken?: string;
  apiUrl: string;
  port: number;
  /** The app's public address: Twitter sends admins back to it after they connect an account. */
  publicUrl?: string;
}

export interface Config {
  slack: SlackConfig;
  twitter: TwitterConfig;
  store: StoreConfig;
  defaultPrivacyUrl?: string;
  /** How long a send may stay pending before it is taken for interrupted (another instance may still be on it). */
  pendingGraceSeconds: number;
  /** Set: Twitter pushes answers to POST /twitter/feedback-events with these basic auth credentials. */
  webhook?: WebhookConfig;
  /** Requests each API key may make in any minute. */
  apiRequestsPerMinute: number;
}

export interface WebhookConfig {
  user: string;
  password: string;
}

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot start: ${problems.join('; ')}. See .env.example and README.md.`);
    this.name = 'ConfigError';
  }
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) this.problems.push(`${name} is not set`);
    return value ?? '';
  }

  url(name: string, fallback: string, check: (url: string) => string | undefined = () => undefined): string {
    const value = this.optional(name) ?? fallback;
    if (!isHttpUrl(value)) {
      this.problems.push(`${name} must be an http(s) URL`);
      return value;
    }
    const problem = check(value);
    if (problem) this.problems.push(`${name} ${problem}`);
    return value;
  }

  key(name: string, required: boolean): Buffer | undefined {
    const value = required ? this.required(name) : this.optional(name);
    if (!value) return undefined;
    const key = Buffer.from(value, 'base64');
    if (!/^[A-Za-z0-9+/]{43}=?$/.test(value) || key.length !== 32) {
      this.problems.push(`${name} must be 32 random bytes in base64 (openssl rand -base64 32)`);
    }
    return key;
  }

  pair(first: string, second: string): [string?, string?] {
    const a = this.optional(first);
    const b = this.optional(second);
    if ((a === undefined) !== (b === undefined)) {
      this.problems.push(`${a === undefined ? first : second} must be set together with ${a === undefined ? second : first}`);
    }
    return [a, b];
  }

  done<T>(value: T): T {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
    return value;
  }
}

const OAUTH_VARIABLES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

function slackOAuth(read: Reader): SlackOAuthConfig | undefined {
  const [clientId, clientSecret, stateSecret] = OAUTH_VARIABLES.map((name) => read.optional(name));
  const redirectUri = read.optional('SLACK_REDIRECT_URI');
  if (!clientId && !clientSecret && !stateSecret) {
    if (redirectUri) read.problems.push(`SLACK_REDIRECT_URI is only used with ${OAUTH_VARIABLES.join(', ')}`);
    return undefined;
  }
  for (const name of OAUTH_VARIABLES) {
    if (!read.optional(name)) {
      read.problems.push(`${name} must be set together with ${OAUTH_VARIABLES.filter((n) => n !== name).join(' and ')}`);
    }
  }
  if (stateSecret && stateSecret.length < 32) {
    read.problems.push('SLACK_STATE_SECRET must be at least 32 random characters (openssl rand -hex 32)');
  }
  if (redirectUri && !redirectUri.startsWith('https://')) read.problems.push('SLACK_REDIRECT_URI must be an https:// URL');
  return {
    clientId: clientId ?? '',
    clientSecret: clientSecret ?? '',
    stateSecret: stateSecret ?? '',
    ...(redirectUri && { redirectUri }),
  };
}

function storeConfig(read: Reader): StoreConfig {
  return {
    storeUrl: read.optional('STORE_URL') ?? 'sqlite://data/feedback.sqlite',
    encryptionKey: read.key('ENCRYPTION_KEY', true)!,
    previousEncryptionKey: read.key('ENCRYPTION_KEY_PREVIOUS', false),
  };
}

function twitterConfig(read: Reader, needsConsumer = true): TwitterConfig {
  const consumer = (name: string) => (needsConsumer ? read.required(name) : (read.optional(name) ?? ''));
  const [accessToken, accessTokenSecret] = read.pair('TWITTER_ACCESS_TOKEN', 'TWITTER_ACCESS_TOKEN_SECRET');
  const timeout = read.optional('TWITTER_TIMEOUT_SECONDS') ?? '10';
  if (!/^[0-9]{1,3}(\.[0-9]+)?$/.test(timeout) || Number(timeout) <= 0) {
    read.problems.push('TWITTER_TIMEOUT_SECONDS must be a positive number of seconds');
  }
  return {
    apiUrl: read.url('TWITTER_API_URL', 'https://api.twitter.com').replace(/\/+$/, ''),
    timeoutMs: Number(timeout) * 1000,
    consumerKey: consumer('TWITTER_CONSUMER_KEY'),
    consumerSecret: consumer('TWITTER_CONSUMER_SECRET'),
    accessToken,
    accessTokenSecret,
  };
}

/**
 * Twitter sends admins back to PUBLIC_URL with a token in the query: over plain http anyone
 * on the path could read it. Only the machine itself (local development) is spared https.
 */
function publicUrlProblem(value: string): string | undefined {
  const { protocol, hostname } = new URL(value);
  const loopback = hostname === 'localhost' || hostname === '[::1]' || /^127(\.[0-9]{1,3}){3}$/.test(hostname);
  return protocol === 'https:' || loopback
    ? undefined
    : 'must be an https:// URL (http:// only for localhost, 127.0.0.0/8 or [::1])';
}

/** Twitter asks for at least 20 random characters; anything shorter could be guessed by whoever finds the URL. */
const WEBHOOK_PASSWORD_MIN = 20;

function webhook(read: Reader): WebhookConfig | undefined {
  const [user, password] = read.pair('TWITTER_WEBHOOK_USER', 'TWITTER_WEBHOOK_PASSWORD');
  if (user === undefined || password === undefined) return undefined;
  if (password.length < WEBHOOK_PASSWORD_MIN) {
    read.problems.push(
      `TWITTER_WEBHOOK_PASSWORD must be at least ${WEBHOOK_PASSWORD_MIN} random characters (openssl rand -hex 20)`,
    );
  }
  // Basic auth joins the two with a colon: a user name holding one could never be matched.
  if (user.includes(':')) read.problems.push('TWITTER_WEBHOOK_USER must not contain ":"');
  return { user, password };
}

function port(read: Reader): number {
  const text = read.optional('PORT') ?? '3000';
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value > 65535) read.problems.push('PORT must be a port number');
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const oauth = slackOAuth(read);
  if (oauth && read.optional('SLACK_BOT_TOKEN')) {
    read.problems.push(
      'SLACK_BOT_TOKEN must not be set with SLACK_CLIENT_ID: each workspace that installs the app gets its own token',
    );
  }
  if (oauth && read.optional('TWITTER_ACCESS_TOKEN')) {
    read.problems.push(
      "TWITTER_ACCESS_TOKEN is for a single workspace: with SLACK_CLIENT_ID every workspace would send as that account; connect each workspace's account instead",
    );
  }
  const defaultPrivacyUrl = read.optional('DEFAULT_PRIVACY_URL');
  if (defaultPrivacyUrl !== undefined && !isHttpUrl(defaultPrivacyUrl)) {
    read.problems.push('DEFAULT_PRIVACY_URL must be an http(s) URL');
  }
  const webhookConfig = webhook(read);
  const grace = read.optional('PENDING_GRACE_SECONDS') ?? '120';
  if (!/^[0-9]{1,6}$/.test(grace)) read.problems.push('PENDING_GRACE_SECONDS must be a whole number of seconds');
  const apiRate = read.optional('API_REQUESTS_PER_MINUTE') ?? '600';
  if (!/^[1-9][0-9]{0,5}$/.test(apiRate)) read.problems.push('API_REQUESTS_PER_MINUTE must be a whole number from 1 to 999999');
  return read.done({
    pendingGraceSeconds: Number(grace),
    apiRequestsPerMinute: Number(apiRate),
    slack: {
      signingSecret: read.required('SLACK_SIGNING_SECRET'),
      ...(oauth ? { oauth } : { botToken: read.required('SLACK_BOT_TOKEN') }),
      appToken: read.optional('SLACK_APP_TOKEN'),
      apiUrl: read.url('SLACK_API_URL', 'https://slack.com/api/', (url) =>
        url.endsWith('/api/') ? undefined : 'must end in /api/',
      ),
      port: port(read),
      publicUrl:
        read.optional('PUBLIC_URL') === undefined ? undefined : read.url('PUBLIC_URL', '', publicUrlProblem).replace(/\/+$/, ''),
    },
    twitter: twitterConfig(read),
    store: storeConfig(read),
    defaultPrivacyUrl,
    ...(webhookConfig ? { webhook: webhookConfig } : {}),
  });
}

/**
 * What the accounts command needs: the store, and the app's consumer key only when it
 * asks Twitter to check new tokens.
 */
export function loadAccountsConfig(
  env: Env = process.env,
  { checksWithTwitter }: { checksWithTwitter: boolean },
): { store: StoreConfig; twitter: TwitterConfig } {
  const read = new Reader(env);
  return read.done({ store: storeConfig(read), twitter: twitterConfig(read, checksWithTwitter) });
}
