import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { publishHome } from '../../publish-home.js';
import type { Services } from '../../dependencies.js';

export function appHomeOpened(services: Services) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    await publishHome(services, client, body.team_id, event.user);
  };
}
