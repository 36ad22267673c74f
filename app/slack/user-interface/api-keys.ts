import type { Button, KnownBlock, ModalView } from '@slack/types';
import { API_KEY_NAME_MAX } from '../../domain/api-key.js';
import type { ApiKeySummary } from '../../services/api-keys.js';
import { API_KEY_MODAL, API_KEY_NAME, HOME_CREATE_API_KEY, HOME_REVOKE_API_KEY } from '../ids.js';
import { section } from './blocks.js';
import { escapeMrkdwn, truncateMrkdwn } from './text.js';

function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** App Home's API keys, for admins: each key's name, when it was made and last used, and Revoke. */
export function apiKeyBlocks(keys: ApiKeySummary[]): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'header', block_id: 'api_keys_header', text: { type: 'plain_text', text: 'API keys' } },
    {
      type: 'context',
      block_id: 'api_keys_intro',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Helpdesks use a key to ask for feedback requests when a ticket closes (`POST /api/v1/feedback-requests`). Each key acts for this workspace only.',
        },
      ],
    },
  ];
  if (!keys.length) blocks.push(section('_No key yet._', 'no_api_keys'));
  for (const key of keys) {
    const revoke: Button = {
      type: 'button',
      action_id: HOME_REVOKE_API_KEY,
      style: 'danger',
      text: { type: 'plain_text', text: 'Revoke' },
      value: key.id,
      confirm: {
        title: { type: 'plain_text', text: 'Revoke this key?' },
        text: {
          type: 'mrkdwn',
          text: truncateMrkdwn(`Whatever uses *${escapeMrkdwn(key.name)}* can no longer ask for feedback requests.`, 300),
        },
        confirm: { type: 'plain_text', text: 'Revoke' },
        deny: { type: 'plain_text', text: 'Cancel' },
      },
    };
    const used = key.last_used_at ? `last used ${when(key.last_used_at)}` : 'never used';
    blocks.push(
      section(
        `*${escapeMrkdwn(key.name)}*\nCreated ${when(key.created_at)} by <@${key.created_by}> · ${used}`,
        `api_key_${key.id}`,
        revoke,
      ),
    );
  }
  blocks.push({
    type: 'actions',
    block_id: 'api_key_actions',
    elements: [{ type: 'button', action_id: HOME_CREATE_API_KEY, text: { type: 'plain_text', text: 'Create API key' } }],
  });
  return blocks;
}

/** Asks for the new key's name. */
export function createApiKeyModal(): ModalView {
  return {
    type: 'modal',
    callback_id: API_KEY_MODAL,
    title: { type: 'plain_text', text: 'Create API key' },
    submit: { type: 'plain_text', text: 'Create' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: API_KEY_NAME,
        label: { type: 'plain_text', text: 'Name' },
        hint: { type: 'plain_text', text: 'What will use it, such as "Zendesk" or "Freshdesk EU". Shown in App Home.' },
        element: { type: 'plain_text_input', action_id: API_KEY_NAME, max_length: API_KEY_NAME_MAX },
      },
    ],
  };
}

/** The only time the key is shown: the store keeps its hash alone. */
export function createdApiKeyModal(name: string, key: string): ModalView {
  return {
    type: 'modal',
    callback_id: API_KEY_MODAL,
    title: { type: 'plain_text', text: 'API key created' },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      section(
        `*${escapeMrkdwn(name)}*: copy the key now and paste it into your helpdesk. It is shown only this once.`,
        'api_key_intro',
      ),
      // A code block shows every character as it is (no _italics_), and copies whole.
      section(`\`\`\`${key}\`\`\``, 'api_key'),
      {
        type: 'context',
        block_id: 'api_key_use',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Send it as `Authorization: Bearer <key>`. If it is lost, revoke it in App Home and create another.',
          },
        ],
      },
    ],
  };
}
