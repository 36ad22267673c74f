import { App } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { apiKeyWorkspace } from '../../app/domain/api-key.js';
import { readAutomatic } from '../../app/domain/automatic-request.js';
import { SETTINGS_DEFAULTS } from '../../app/domain/workspace-settings.js';
import { feedbackApi } from '../../app/http/feedback-api.js';
import { DEFAULTS } from '../simulators/slack.js';
import { serve } from './child.js';

/**
 * Bolt serving the app's own API routes, which read the key's workspace, read and check each
 * body against the default settings (as the app's, with the deployment's privacy URL), and store nothing: what accepting a request costs
 * before any store is reached.
 */
const settings = { ...SETTINGS_DEFAULTS, privacy_url: process.env.DEFAULT_PRIVACY_URL ?? '' };

const app = new App({
  token: DEFAULTS.botToken,
  botId: DEFAULTS.botId,
  botUserId: DEFAULTS.botUserId,
  tokenVerificationEnabled: false,
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  customRoutes: feedbackApi({
    keys: {
      authenticate: async (key) => {
        const teamId = key && apiKeyWorkspace(key);
        return teamId ? { ok: true, teamId, keyId: 'bench' } : { ok: false, reason: 'unknown' };
      },
      admit: async () => ({ ok: true }),
    },
    idempotency: { once: async () => Promise.reject(new Error('the bench sends no Idempotency-Key')) },
    requests: {
      submit: async (_teamId, input, origin) => {
        const now = Date.now();
        const read = readAutomatic(input, settings, now);
        if (!read.ok) return { ok: false, errors: read.errors as Record<string, string> };
        const { customer, external_id, dueAt, draft } = read.value;
        const request = {
          id: randomUUID(),
          status: 'scheduled' as const,
          source: origin.source,
          created_at: new Date(now).toISOString(),
          send_after: new Date(dueAt).toISOString(),
          customer,
          ...(external_id !== undefined ? { external_id } : {}),
          test: draft.test === true,
        };
        return { ok: true, request };
      },
      get: async () => undefined,
      cancel: async () => ({ ok: false, reason: 'not_found' }),
    },
    installed: async () => true,
    logger: console,
  }),
});

const server = await app.start({ port: 0, host: '127.0.0.1' });
serve((server.address() as AddressInfo).port, async () => {
  await app.stop();
});
