import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { workspaceOf, type Workspace } from '../domain/workspace.js';
import { open, seal, SealError, type Opened, type SealKeys } from './crypto.js';
import { ExpiringMap } from './expiring-map.js';
import { KeyedQueue } from './queue.js';
import type { Records, Store } from './store.js';

/** What identifies an installation: the fields Bolt passes when it authorizes a request. */
export type InstallationKey = Pick<InstallationQuery<boolean>, 'teamId' | 'enterpriseId' | 'isEnterpriseInstall'>;

/** Every value that lets its holder act as the app. */
type Secret = 'bot_token' | 'bot_refresh_token' | 'user_token' | 'user_refresh_token';

/** The installation with its secrets taken out, readable in the store. */
interface StoredInstallation extends Omit<Installation, 'bot' | 'user' | 'incomingWebhook'> {
  bot?: Omit<NonNullable<Installation['bot']>, 'token' | 'refreshToken'>;
  user: Omit<Installation['user'], 'token' | 'refreshToken'>;
  sealed: Partial<Record<Secret, string>>;
}

/**
 * Where one installation is filed. Records are filed by workspace, so an organisation-wide
 * installation is filed under the organisation's id (E…, never a team's T…) and under
 * a key of its own.
 */
interface Place {
  workspace: Workspace;
  key: 'team' | 'enterprise';
  /** For messages. */
  name: string;
}

function placeOf({ teamId, enterpriseId, isEnterpriseInstall }: InstallationKey): Place {
  if (isEnterpriseInstall) {
    if (!enterpriseId) throw new Error('An organisation-wide installation is named by its enterprise id, and none was given');
    return { workspace: { teamId: enterpriseId }, key: 'enterprise', name: `organisation ${enterpriseId}` };
  }
  if (!teamId) throw new Error('A workspace installation is named by its team id, and none was given');
  return { workspace: { teamId }, key: 'team', name: `workspace ${teamId}` };
}

function keyOf(installation: Installation): InstallationKey {
  return {
    teamId: installation.team?.id,
    enterpriseId: installation.enterprise?.id,
    isEnterpriseInstall: installation.isEnterpriseInstall === true,
  };
}

/** The secrets an installation holds, by name; absent ones left out. */
function secretsOf({ bot, user }: Installation): Partial<Record<Secret, string>> {
  const all: Record<Secret, string | undefined> = {
    bot_token: bot?.token,
    bot_refresh_token: bot?.refreshToken,
    user_token: user.token,
    user_refresh_token: user.refreshToken,
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

function withoutTokens<T extends { token?: string; refreshToken?: string }>({
  token: _token,
  refreshToken: _refresh,
  ...rest
}: T) {
  return rest;
}

/**
 * Bolt asks for the installation on every request it authorizes; it changes only when a
 * workspace installs or uninstalls. Read once, it is kept this long: here a change applies
 * at once, and another instance sharing the store sees it within this time (a removed
 * installation's token was revoked by Slack anyway).
 */
const KEPT_MS = 10_000;
/** Kept installations hold opened tokens: past this many, the oldest go first. */
const KEPT_AT_MOST = 1_000;

/**
 * The Slack installations of the app, one per workspace (or per organisation for an
 * organisation-wide install), for Bolt's installer and its authorize. Tokens are sealed
 * at rest, bound to the installation they belong to; the rest stays readable.
 */
export class SlackInstallations implements InstallationStore {
  /** Per installation, so re-sealing never brings back one that was replaced or deleted meanwhile. */
  private readonly changes = new KeyedQueue();
  private readonly kept: ExpiringMap<Installation>;
  /** Counts this process's changes, so that a read a change overtook is not kept. */
  private changed = 0;

  constructor(
    private readonly records: Records,
    private readonly keys: SealKeys,
    now: () => number = Date.now,
  ) {
    this.kept = new ExpiringMap(KEPT_MS, KEPT_AT_MOST, now);
  }

  /** How many installations are held in memory, tokens opened. */
  get held(): number {
    return this.kept.size;
  }

  /** Replaces whatever the workspace (or organisation) had: a new install brings new tokens. */
  async storeInstallation(installation: Installation): Promise<void> {
    const place = placeOf(keyOf(installation));
    // The app never posts through an incoming webhook, so its URL (a secret too) is not kept.
    const { bot, user, incomingWebhook: _webhook, ...rest } = installation;
    const stored: StoredInstallation = {
      ...rest,
      user: withoutTokens(user),
      ...(bot && { bot: withoutTokens(bot) }),
      sealed: this.seal(place, secretsOf(installation)),
    };
    await this.changes.run(this.id(place), async () => {
      await this.records.set(place.workspace, place.key, stored);
      this.forget(place);
    });
  }

  /**
   * Throws when there is none, as Bolt expects. Tokens still sealed with the previous key
   * are sealed again with the current one, so that key can be retired.
   */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const place = placeOf(query);
    const id = this.id(place);
    const kept = this.kept.get(id);
    if (kept) return kept;
    const before = this.changed;
    const stored = await this.records.get<StoredInstallation>(place.workspace, place.key);
    if (!stored) throw new Error(`The app is not installed in ${place.name}`);
    const opened = this.open(place, stored);
    const secrets: Partial<Record<Secret, string>> = Object.fromEntries(
      Object.entries(opened).map(([name, o]) => [name, o.plaintext]),
    );
    if (Object.values(opened).some((o) => o.sealedWithPrevious)) {
      await this.changes.run(this.id(place), async () => {
        const current = await this.records.get<StoredInstallation>(place.workspace, place.key);
        if (current && sameSeals(current, stored)) {
          await this.records.set(place.workspace, place.key, { ...current, sealed: this.seal(place, secrets) });
        }
      });
    }
    const installation = restore(place, stored, secrets);
    if (this.changed === before) this.kept.set(id, installation);
    return installation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const place = placeOf(query);
    await this.changes.run(this.id(place), async () => {
      await this.records.delete(place.workspace, place.key);
      this.forget(place);
    });
  }

  private forget(place: Place): void {
    this.changed++;
    this.kept.delete(this.id(place));
  }

  private id(place: Place): string {
    return `${place.key}:${place.workspace.teamId}`;
  }

  /** Binds each sealed value to its installation and its field. */
  private context(place: Place, secret: string): string {
    return `slack-installation:${this.id(place)}:${secret}`;
  }

  private seal(place: Place, secrets: Partial<Record<Secret, string>>): Partial<Record<Secret, string>> {
    return Object.fromEntries(
      Object.entries(secrets).map(([name, value]) => [name, seal(value, this.keys.current, this.context(place, name))]),
    );
  }

  private open(place: Place, stored: StoredInstallation): Partial<Record<Secret, Opened>> {
    try {
      return Object.fromEntries(
        Object.entries(stored.sealed).map(([name, value]) => [name, open(value, this.keys, this.context(place, name))]),
      );
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      throw new Error(
        `The Slack tokens of ${place.name} could not be opened: ENCRYPTION_KEY (or ENCRYPTION_KEY_PREVIOUS while ` +
          'rotating) is not the key they were sealed with, or the stored record was altered. Install the app again ' +
          'from /slack/install.',
        { cause: error },
      );
    }
  }
}

function sameSeals(a: StoredInstallation, b: StoredInstallation): boolean {
  const names = new Set([...Object.keys(a.sealed), ...Object.keys(b.sealed)]) as Set<Secret>;
  return [...names].every((name) => a.sealed[name] === b.sealed[name]);
}

function restore(place: Place, stored: StoredInstallation, secrets: Partial<Record<Secret, string>>): Installation {
  const { sealed: _sealed, bot, user, ...rest } = stored;
  const { bot_token, bot_refresh_token, user_token, user_refresh_token } = secrets;
  if (bot && bot_token === undefined)
    throw new Error(`The Slack installation of ${place.name} lost its bot token: install the app again`);
  return {
    ...rest,
    user: { ...user, token: user_token, ...(user_refresh_token !== undefined && { refreshToken: user_refresh_token }) },
    ...(bot && {
      bot: { ...bot, token: bot_token!, ...(bot_refresh_token !== undefined && { refreshToken: bot_refresh_token }) },
    }),
  };
}

/**
 * Everything kept for a workspace, gone once it uninstalled the app: the installation,
 * the business's Twitter accounts and the workspace's settings. For an organisation-wide
 * uninstall, the workspace Slack named with it loses its accounts and settings too.
 */
export async function forgetWorkspace(
  store: Pick<Store, 'accounts' | 'records'>,
  installations: Pick<SlackInstallations, 'deleteInstallation'>,
  key: InstallationKey,
): Promise<void> {
  await installations.deleteInstallation(key);
  if (!key.teamId) return;
  const workspace = workspaceOf(key);
  for (const account of await store.accounts.list(workspace)) await store.accounts.remove(workspace, account.user_id);
  await store.records('settings').delete(workspace, 'settings');
  // Its API keys go with it: installing the app again revives none of them.
  await store.records('api-keys').delete(workspace, 'keys');
}
