import type { AppOptions, InstallationStore } from '@slack/bolt';
import type { SlackOAuthConfig } from '../config.js';

/** What every workspace grants at install: manifest.yml's bot scopes, no more. */
export const BOT_SCOPES = ['commands', 'chat:write', 'files:write', 'im:write', 'users:read', 'usergroups:read'];

export type InstallerAppOptions = Pick<
  AppOptions,
  'clientId' | 'clientSecret' | 'stateSecret' | 'scopes' | 'redirectUri' | 'installationStore' | 'installerOptions'
>;

/**
 * The Bolt App options for multi-workspace mode: Bolt then serves GET /slack/install and
 * the OAuth redirect (/slack/oauth_redirect unless `redirectUri` names another path), keeps
 * each workspace's installation in `installationStore`, and authorizes every request with
 * the bot token of the workspace (or organisation) it comes from. Exclusive with `token`.
 */
export function installerOptions(oauth: SlackOAuthConfig, installationStore: InstallationStore): InstallerAppOptions {
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: BOT_SCOPES,
    installationStore,
    ...(oauth.redirectUri !== undefined && { redirectUri: oauth.redirectUri }),
    installerOptions: {
      // /slack/install is the link handed to workspaces (and a Marketplace listing's direct
      // install URL): it goes straight to Slack's consent page, with no page of our own first.
      directInstall: true,
      ...(oauth.redirectUri !== undefined && { redirectUriPath: new URL(oauth.redirectUri).pathname }),
    },
  };
}
