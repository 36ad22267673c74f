import type { HomeView, KnownBlock, ModalView } from '@slack/types';
import type { WorkspaceSettings } from '../../domain/workspace-settings.js';
import type { AccountSummary } from '../../store/account-records.js';
import type { SendRecord } from '../../services/send-log.js';
import { escapeMrkdwn, truncateMrkdwn } from './text.js';

export const HOME_DISCONNECT = 'home_disconnect';
export const HOME_CONNECT = 'home_connect';
/** The link button in the modal that Connect opens. */
export const CONNECT_LINK = 'connect_link';
export const HOME_EDIT_SETTINGS = 'home_edit_settings';

export interface HomeModel {
  isAdmin: boolean;
  maySend: boolean;
  recent: SendRecord[];
  /** Admins only. */
  accounts?: AccountSummary[];
  /** Connecting from Slack is set up (PUBLIC_URL): the Connect button makes a link when clicked. */
  mayConnect?: boolean;
  settings?: WorkspaceSettings;
}

/** App Home shows at most this many accounts, so the view stays within Slack's 100 blocks. */
const MAX_ACCOUNTS = 20;

const STATUS: Record<SendRecord['status'], string> = {
  pending: ':hourglass_flowing_sand: sending',
  sent: ':white_check_mark: sent',
  not_sent: ':x: not sent',
  unknown: ':warning: not confirmed',
};

function section(blockId: string, text: string): KnownBlock {
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncateMrkdwn(text, 3000) } };
}

function when(iso: string): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '';
}

/** An agent's own requests: time, customer, type, status. Never a score. */
function recentBlocks(recent: SendRecord[]): KnownBlock[] {
  const lines = recent.map(
    ({ created_at, request, recipient, status }) =>
      `${when(created_at)} · ${request.type.toUpperCase()}${request.test ? ' (test)' : ''} to ${escapeMrkdwn(recipient.label)}` +
      `${request.external_id ? ` · ${escapeMrkdwn(request.external_id)}` : ''} · ${STATUS[status]}`,
  );
  return [
    { type: 'header', block_id: 'recent_header', text: { type: 'plain_text', text: 'Your recent feedback requests' } },
    section('recent', lines.length ? lines.join('\n') : '_None yet._'),
  ];
}

function accountBlocks(accounts: AccountSummary[], mayConnect: boolean): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'header', block_id: 'accounts_header', text: { type: 'plain_text', text: 'Twitter accounts' } },
  ];
  if (!accounts.length) blocks.push(section('no_accounts', 'No Twitter account is connected yet: feedback cannot be sent.'));
  for (const account of accounts.slice(0, MAX_ACCOUNTS)) {
    const warning = account.needs_reconnect ? '\n:warning: Twitter refused its tokens: disconnect and connect it again.' : '';
    blocks.push({
      type: 'section',
      block_id: `account_${account.user_id}`,
      text: { type: 'mrkdwn', text: truncateMrkdwn(`*@${escapeMrkdwn(account.screen_name)}* (${escapeMrkdwn(account.name)})${warning}`, 3000) },
      ...(account.added_at
        ? {
            accessory: {
              type: 'button',
              action_id: HOME_DISCONNECT,
              style: 'danger',
              text: { type: 'plain_text', text: 'Disconnect' },
              value: account.user_id,
              confirm: {
                title: { type: 'plain_text', text: 'Disconnect this account?' },
                text: { type: 'mrkdwn', text: truncateMrkdwn(`Agents can no longer send as @${escapeMrkdwn(account.screen_name)}.`, 300) },
                confirm: { type: 'plain_text', text: 'Disconnect' },
                deny: { type: 'plain_text', text: 'Cancel' },
              },
            },
          }
        : {}),
    });
  }
  if (mayConnect) {
    blocks.push({
      type: 'actions',
      block_id: 'connect',
      elements: [{ type: 'button', action_id: HOME_CONNECT, style: 'primary', text: { type: 'plain_text', text: 'Connect Twitter account' } }],
    });
  }
  return blocks;
}

function settingsBlocks(settings: WorkspaceSettings): KnownBlock[] {
  const senders =
    settings.senders.mode === 'everyone'
      ? 'Everyone'
      : [...settings.senders.users.map((u) => `<@${u}>`), ...settings.senders.usergroups.map((g) => `<!subteam^${g}>`)].join(', ');
  const fields = [
    `*Privacy policy*\n${settings.privacy_url ? escapeMrkdwn(settings.privacy_url) : '_not set_'}`,
    `*Display name*\n${settings.display_name ? escapeMrkdwn(settings.display_name) : '_the Twitter name_'}`,
    `*Default survey*\n${settings.type.toUpperCase()}, question ${settings.question_variant_id}`,
    `*One request per customer every*\n${settings.recipient_days} day${settings.recipient_days === 1 ? '' : 's'}`,
    `*Who may send*\n${senders}`,
    `*Allowlisted customers*\n${settings.allowlist.length ? escapeMrkdwn(settings.allowlist.join(', ')) : '_none_'}`,
  ];
  return [
    { type: 'divider' },
    { type: 'header', block_id: 'settings_header', text: { type: 'plain_text', text: 'Settings' } },
    {
      type: 'section',
      block_id: 'settings',
      fields: fields.map((text) => ({ type: 'mrkdwn' as const, text: truncateMrkdwn(text, 2000) })),
    },
    section('default_message', `*Default message*\n${escapeMrkdwn(settings.message)}`),
    {
      type: 'actions',
      block_id: 'settings_actions',
      elements: [{ type: 'button', action_id: HOME_EDIT_SETTINGS, text: { type: 'plain_text', text: 'Edit settings' } }],
    },
  ];
}

export function homeView(model: HomeModel): HomeView {
  const intro = model.maySend
    ? 'Ask a customer on X for CSAT or NPS feedback: type `/feedback`, or use *Request Twitter feedback* on a ticket message.'
    : 'Sending feedback requests is limited to certain people in this workspace; ask an admin if you need to.';
  return {
    type: 'home',
    blocks: [
      { type: 'header', block_id: 'title', text: { type: 'plain_text', text: 'Twitter feedback' } },
      section('intro', intro),
      ...recentBlocks(model.recent),
      ...(model.isAdmin && model.accounts ? accountBlocks(model.accounts, model.mayConnect === true) : []),
      ...(model.isAdmin && model.settings ? settingsBlocks(model.settings) : []),
    ],
  };
}

/** What Connect opens: the single-use link, made at the click, and what will follow it. */
export function connectModal(url: string): ModalView {
  return {
    type: 'modal',
    callback_id: 'connect_twitter',
    title: { type: 'plain_text', text: 'Connect Twitter' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      section(
        'connect_steps',
        'Open the link, sign in on Twitter as the business account and authorize the app. Back on the app’s page, ' +
          'check the account and this workspace, and confirm: only then is the account connected.',
      ),
      {
        type: 'actions',
        block_id: 'connect_link',
        elements: [{ type: 'button', action_id: CONNECT_LINK, style: 'primary', text: { type: 'plain_text', text: 'Open the link' }, url }],
      },
      {
        type: 'context',
        block_id: 'connect_note',
        elements: [
          {
            type: 'mrkdwn',
            text: 'The link works once, for 10 minutes: finish in the browser it opens in, and keep it to yourself. For a new one, click *Connect Twitter account* again.',
          },
        ],
      },
    ],
  };
}
