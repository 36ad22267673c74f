import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { ticketContext } from '../../../domain/ticket-context.js';
import { openFeedbackModal } from '../../open-modal.js';
import type { Services } from '../../dependencies.js';

/**
 * On a ticket thread's message: the modal prefilled with the ticket and the customer the
 * message names, and the outcome replied in that thread.
 */
export function requestFeedbackShortcut(services: Services) {
  return async ({ ack, shortcut, client }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const teamId = shortcut.team?.id ?? '';
    const { message, channel } = shortcut;
    const threadTs: string = message.thread_ts ?? message.ts;
    await openFeedbackModal(services, client, {
      trigger_id: shortcut.trigger_id,
      team_id: teamId,
      user_id: shortcut.user.id,
      prefill: (settings, account) => {
        const found = ticketContext(
          {
            text: message.text,
            blocks: message.blocks,
            attachments: message.attachments,
            metadata: message.metadata,
            team_id: teamId,
            channel_id: channel.id,
            ts: message.ts,
            thread_ts: message.thread_ts,
          },
          // The business's own handle appears in its replies; it is never the customer.
          { ticketPattern: settings.ticket_pattern, exclude: [account.screen_name, account.user_id].filter(Boolean) },
        );
        return { draft: { external_id: found.external_id, to_user_id: found.to_user_id }, hints: found.hints };
      },
      context: { channel_id: channel.id, response_url: shortcut.response_url, thread_ts: threadTs },
    });
  };
}
