import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadAccountsConfig, type StoreConfig, type TwitterConfig } from '../config.js';
import { isScreenName, isUserId } from '../domain/feedback-request.js';
import { workspaceOf, type Workspace } from '../domain/workspace.js';
import type { AccountSummary } from '../store/account-records.js';
import { openConfiguredStore } from '../services/open-store.js';
import { explain } from '../services/twitter-outcome.js';
import type { Store } from '../store/store.js';
import { TwitterClient } from '../twitter/client.js';
import type { TwitterTokens } from '../twitter/wire.js';

const USAGE = `Usage: npm run accounts -- <command> [options]

Manages the business's Twitter accounts that a Slack workspace sends feedback requests from.

Commands:
  add     --team T123 [--token TOKEN --secret SECRET]
          Checks the tokens with Twitter and adds the account they belong to (an account
          added again gets the new tokens). Without --token and --secret the tokens are
          read from TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_TOKEN_SECRET (environment or
          .env), which keeps them out of the shell history.
          --user-id ID --screen-name NAME [--name "Shown name"]
              adds without asking Twitter; the tokens are first tried on the first send.
          --added-by WHO   who is adding it, kept with the account.
  list    --team T123
          The accounts, without their tokens, and whether one must be added again.
  remove  --team T123 --user-id ID

  A workspace of an Enterprise Grid organisation is named by its own team id too; every
  command takes --enterprise E123 as well, which is only shown beside it.

Settings (environment or .env): STORE_URL, ENCRYPTION_KEY, ENCRYPTION_KEY_PREVIOUS,
TWITTER_CONSUMER_KEY, TWITTER_CONSUMER_SECRET, TWITTER_API_URL.

Exit status: 0 done; 1 Twitter refused, no such account, or the store failed;
2 wrong usage or settings.`;

const OPTIONS = {
  team: { type: 'string' },
  enterprise: { type: 'string' },
  token: { type: 'string' },
  secret: { type: 'string' },
  'user-id': { type: 'string' },
  'screen-name': { type: 'string' },
  name: { type: 'string' },
  'added-by': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Wrong arguments or settings: exit 2 with the usage hint. */
class UsageError extends Error {}

/** Where the app itself finds the workspace's accounts. */
function workspaceNamed(values: Values): Workspace {
  if (!values.team) throw new UsageError('--team is required: the Slack team id (T…) of the workspace');
  try {
    return workspaceOf({ teamId: values.team, enterpriseId: values.enterprise });
  } catch (error) {
    throw new UsageError(`--team: ${(error as Error).message}`);
  }
}

function label(workspace: Workspace, values: Values): string {
  return values.enterprise ? `${workspace.teamId} (organisation ${printable(values.enterprise)})` : workspace.teamId;
}

/** Names come from Twitter: a control character in one must not drive the terminal. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

async function withStore<T>(config: StoreConfig, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(config);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

type Identity = Pick<AccountSummary, 'user_id' | 'screen_name' | 'name'>;

function offlineIdentity(values: Values): Identity | undefined {
  const accountId = values['user-id'];
  if (accountId === undefined) {
    if (values['screen-name'] !== undefined || values.name !== undefined) {
      throw new UsageError('--screen-name and --name go with --user-id, to add an account without asking Twitter');
    }
    return undefined;
  }
  if (!isUserId(accountId)) throw new UsageError('--user-id must be a numeric Twitter user id');
  const screenName = values['screen-name']?.replace(/^@/, '');
  if (!screenName || !isScreenName(screenName)) {
    throw new UsageError('--screen-name is required with --user-id: the @handle, up to 15 letters, digits or _');
  }
  return { user_id: accountId, screen_name: screenName, name: values.name?.trim() || screenName };
}

async function verifiedIdentity(config: TwitterConfig, tokens: TwitterTokens): Promise<Identity> {
  const twitter = new TwitterClient({
    apiUrl: config.apiUrl,
    consumerKey: config.consumerKey,
    consumerSecret: config.consumerSecret,
  });
  const answer = await twitter.verifyCredentials(tokens);
  if (answer.ok) {
    const { id_str, screen_name, name } = answer.data;
    return { user_id: id_str, screen_name, name };
  }
  const { failure } = answer;
  const retry = 'Try again later, or add the account without asking Twitter (--user-id and --screen-name).';
  if (failure.kind === 'refused') {
    const explanation = explain(failure);
    const hint = explanation.reconnect
      ? "Check that the token and secret belong to the business account and were made with this app's consumer key (TWITTER_CONSUMER_KEY)."
      : retry;
    throw new Error(`The tokens were not checked. ${explanation.reason} ${hint}`);
  }
  // explain() speaks of a request sent to a customer, which does not fit a check.
  throw new Error(`The tokens were not checked: Twitter gave no usable answer (${failure.detail}). ${retry}`);
}

async function add(values: Values): Promise<void> {
  const workspace = workspaceNamed(values);
  const offline = offlineIdentity(values);
  const config = loadAccountsConfig(process.env, { checksWithTwitter: !offline });
  const access_token = values.token ?? config.twitter.accessToken;
  const access_token_secret = values.secret ?? config.twitter.accessTokenSecret;
  if (!access_token || !access_token_secret) {
    throw new UsageError(
      'The tokens are missing: give --token and --secret, or set TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_TOKEN_SECRET',
    );
  }
  const tokens = { access_token, access_token_secret };
  const identity = offline ?? (await verifiedIdentity(config.twitter, tokens));
  const added = await withStore(config.store, (store) =>
    store.accounts.add(workspace, { ...identity, tokens, ...(values['added-by'] && { added_by: values['added-by'] }) }),
  );
  const checked = offline ? 'not checked with Twitter' : 'checked with Twitter';
  console.log(
    `Added @${printable(added.screen_name)} (${printable(added.name)}, user id ${added.user_id}) to workspace ${label(workspace, values)}; tokens ${checked}.`,
  );
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function list(values: Values): Promise<void> {
  const workspace = workspaceNamed(values);
  const accounts = await withStore(loadAccountsConfig(process.env, { checksWithTwitter: false }).store, (store) =>
    store.accounts.list(workspace),
  );
  if (accounts.length === 0) {
    console.log(`Workspace ${label(workspace, values)} has no Twitter accounts.`);
    return;
  }
  const rows = accounts.map((a) => [
    a.user_id,
    `@${printable(a.screen_name)}`,
    printable(a.name),
    a.added_at,
    printable(a.added_by ?? ''),
    a.needs_reconnect ? 'add again: Twitter refused its tokens' : 'ok',
  ]);
  console.log(table([['USER ID', 'SCREEN NAME', 'NAME', 'ADDED', 'ADDED BY', 'STATUS'], ...rows]));
}

async function remove(values: Values): Promise<void> {
  const workspace = workspaceNamed(values);
  const accountId = values['user-id'];
  if (!accountId || !isUserId(accountId))
    throw new UsageError('--user-id is required: the numeric Twitter user id shown by list');
  const removed = await withStore(loadAccountsConfig(process.env, { checksWithTwitter: false }).store, (store) =>
    store.accounts.remove(workspace, accountId),
  );
  if (!removed) throw new Error(`Workspace ${label(workspace, values)} has no Twitter account with user id ${accountId}.`);
  console.log(`Removed user id ${accountId} from workspace ${label(workspace, values)}.`);
}

const COMMANDS = new Map<string, (values: Values) => Promise<void>>([
  ['add', add],
  ['list', list],
  ['remove', remove],
]);

async function main(argv: string[]): Promise<number> {
  try {
    // Node's messages here name options, never their values.
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [name, ...extra] = positionals;
    const command = name === undefined ? undefined : COMMANDS.get(name);
    // Stray words are not repeated: one is often a token whose option name was mistyped.
    if (!command) throw new UsageError(`${name === undefined ? 'No command' : 'Unknown command'}: use add, list or remove`);
    if (extra.length > 0)
      throw new UsageError(
        `"${name}" takes options only; there ${extra.length === 1 ? 'is 1 word' : `are ${extra.length} words`} too many`,
      );
    if (existsSync('.env')) process.loadEnvFile('.env');
    await command(values);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\nSee: npm run accounts -- --help`);
      return 2;
    }
    console.error((error as Error).message);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
