import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { publishHome } from '../../publish-home.js';
import type { Services } from '../../dependencies.js';
import { API_KEY_NAME } from '../../ids.js';
import { createdApiKeyModal } from '../../user-interface/api-keys.js';
import { NOT_ADMIN } from '../../user-interface/notices.js';
import { messageView } from '../../user-interface/send-outcome.js';
import { adminOf } from '../actions/home-api-keys.js';

/**
 * The admin named the key: it is made, and shown in the same modal, once. It travels only
 * in the answer to this submission, as no other request to Slack needs it.
 */
export function apiKeySubmitted(services: Services) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const teamId = body.team?.id ?? '';
    if (!(await adminOf(services, client, teamId, body.user.id))) {
      await ack({ response_action: 'update', view: messageView(NOT_ADMIN.title, NOT_ADMIN.text) });
      return;
    }
    const name = view.state?.values?.[API_KEY_NAME]?.[API_KEY_NAME]?.value ?? undefined;
    const created = await services.apiKeys.create(teamId, name, body.user.id);
    if (!created.ok) {
      await ack({ response_action: 'errors', errors: { [API_KEY_NAME]: created.error } });
      return;
    }
    await ack({ response_action: 'update', view: createdApiKeyModal(created.summary.name, created.key) });
    await publishHome(services, client, teamId, body.user.id);
  };
}
