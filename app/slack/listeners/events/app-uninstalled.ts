import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { InstallationKey } from '../../../store/installations.js';

/**
 * The workspace (or organisation) removed the app: its tokens are void, and what it kept
 * here goes with them. Bolt delivers this event without authorizing it, since the
 * installation may already be unusable.
 */
export function appUninstalled(forget: (key: InstallationKey) => Promise<void>) {
  return async ({ context }: SlackEventMiddlewareArgs<'app_uninstalled'> & AllMiddlewareArgs): Promise<void> => {
    await forget({
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall,
    });
  };
}
