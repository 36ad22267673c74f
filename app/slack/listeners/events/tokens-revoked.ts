import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { InstallationKey } from '../../../store/installations.js';

/**
 * Slack revoked the bot token (an uninstall, or an admin's decision): the installation is
 * dropped, so requests are refused until the app is installed again instead of failing at
 * each Slack call. The app asks for no user scopes, so revoked user tokens change nothing.
 */
export function tokensRevoked(installations: { deleteInstallation(key: InstallationKey): Promise<void> }) {
  return async ({ event, context }: SlackEventMiddlewareArgs<'tokens_revoked'> & AllMiddlewareArgs): Promise<void> => {
    if (!event.tokens.bot?.length) return;
    await installations.deleteInstallation({
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall,
    });
  };
}
