import type { Button, HomeView, KnownBlock, ModalView } from '@slack/types';
import { WEEKDAYS } from '../../domain/results-settings.js';
import { SURVEY_TYPES, TYPE_CHOICE, type FeedbackType } from '../../domain/survey-types.js';
import type { WorkspaceSettings } from '../../domain/workspace-settings.js';
import {
  CONNECT_LINK,
  CONNECT_MODAL,
  HOME_CONNECT,
  HOME_DISCONNECT,
  HOME_EDIT_RESULTS_SETTINGS,
  HOME_EDIT_SETTINGS,
  homeShowActionId,
} from '../ids.js';
import type { ApiKeySummary } from '../../services/api-keys.js';
import { apiKeyBlocks } from './api-keys.js';
import { automaticRequestsBlocks, type AutomaticHome } from './automatic-requests.js';
import { section } from './blocks.js';
import { escapeMrkdwn, truncateMrkdwn } from './text.js';

export type RequestStatus = 'pending' | 'sent' | 'not_sent' | 'unknown';

/** One of the agent's own requests, as App Home lists it. */
export interface RecentRequest {
  /** ISO 8601. */
  createdAt: string;
  type: FeedbackType;
  test: boolean;
  /** How the agent named the customer. */
  customer: string;
  ticket?: string;
  status: RequestStatus;
}

export interface HomeAccount {
  /** Twitter's id_str. */
  id: string;
  screenName: string;
  name: string;
  needsReconnect: boolean;
  /** Accounts connected from Slack can be disconnected there; those configured by the operator cannot. */
  mayDisconnect: boolean;
}

export interface HomeModel {
  isAdmin: boolean;
  /** Supervisors get the navigation to Results. */
  isSupervisor?: boolean;
  maySend: boolean;
  recent: RecentRequest[];
  /** Admins only. */
  accounts?: HomeAccount[];
  /** Connecting from Slack is set up (PUBLIC_URL): the Connect button makes a link when clicked. */
  mayConnect?: boolean;
  settings?: WorkspaceSettings;
  /** Admins only. */
  apiKeys?: ApiKeySummary[];
  /** Supervisors (and admins) only. */
  automatic?: AutomaticHome;
}

/** App Home shows at most this many accounts, so the view stays within Slack's 100 blocks. */
const MAX_ACCOUNTS = 20;

const STATUS: Record<RequestStatus, string> = {
  pending: ':hourglass_flowing_sand: sending',
  sent: ':white_check_mark: sent',
  not_sent: ':x: not sent',
  unknown: ':warning: not confirmed',
};

function when(iso: string): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '';
}

/** An agent's own requests: time, customer, type, status. Never a score. */
function recentBlocks(recent: RecentRequest[]): KnownBlock[] {
  const lines = recent.map(
    ({ createdAt, type, test, customer, ticket, status }) =>
      `${when(createdAt)} · ${SURVEY_TYPES[type].label}${test ? ' (test)' : ''} to ${escapeMrkdwn(customer)}` +
      `${ticket ? ` · ${escapeMrkdwn(ticket)}` : ''} · ${STATUS[status]}`,
  );
  return [
    { type: 'header', block_id: 'recent_header', text: { type: 'plain_text', text: 'Your recent feedback requests' } },
    section(lines.length ? lines.join('\n') : '_None yet._', 'recent'),
  ];
}

function accountBlocks(accounts: HomeAccount[], mayConnect: boolean): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'header', block_id: 'accounts_header', text: { type: 'plain_text', text: 'Twitter accounts' } },
  ];
  if (!accounts.length) blocks.push(section('No Twitter account is connected yet: feedback cannot be sent.', 'no_accounts'));
  for (const account of accounts.slice(0, MAX_ACCOUNTS)) {
    const warning = account.needsReconnect ? '\n:warning: Twitter refused its tokens: disconnect and connect it again.' : '';
    const disconnect: Button = {
      type: 'button',
      action_id: HOME_DISCONNECT,
      style: 'danger',
      text: { type: 'plain_text', text: 'Disconnect' },
      value: account.id,
      confirm: {
        title: { type: 'plain_text', text: 'Disconnect this account?' },
        text: { type: 'mrkdwn', text: truncateMrkdwn(`Agents can no longer send as @${escapeMrkdwn(account.screenName)}.`, 300) },
        confirm: { type: 'plain_text', text: 'Disconnect' },
        deny: { type: 'plain_text', text: 'Cancel' },
      },
    };
    blocks.push(
      section(
        `*@${escapeMrkdwn(account.screenName)}* (${escapeMrkdwn(account.name)})${warning}`,
        `account_${account.id}`,
        account.mayDisconnect ? disconnect : undefined,
      ),
    );
  }
  if (mayConnect) {
    blocks.push({
      type: 'actions',
      block_id: 'connect',
      elements: [
        {
          type: 'button',
          action_id: HOME_CONNECT,
          style: 'primary',
          text: { type: 'plain_text', text: 'Connect Twitter account' },
        },
      ],
    });
  }
  return blocks;
}

/** People and user groups as Slack shows them: ids from settings, which Slack made, as mentions. */
function mentions(users: string[], usergroups: string[]): string {
  return [...users.map((u) => `<@${u}>`), ...usergroups.map((g) => `<!subteam^${g}>`)].join(', ');
}

function resultsSettingsFields(settings: WorkspaceSettings): string[] {
  const { supervisors, alerts, digest } = settings;
  const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return [
    `*Supervisors (see results)*\nAdmins${supervisors.users.length || supervisors.usergroups.length ? `, ${mentions(supervisors.users, supervisors.usergroups)}` : ''}`,
    `*Low-score alerts*\n${alerts ? `<#${alerts.channel}>: CSAT ≤ ${alerts.csat_at_most}, NPS ≤ ${alerts.nps_at_most}` : '_off_'}`,
    `*Weekly digest*\n${digest ? `<#${digest.channel}>: ${WEEKDAYS[digest.weekday]}s at ${hour(digest.hour)} ${escapeMrkdwn(digest.time_zone)}` : '_off_'}`,
    `*Answers kept for*\n${settings.retention_days} days`,
  ];
}

function settingsBlocks(settings: WorkspaceSettings): KnownBlock[] {
  const senders =
    settings.senders.mode === 'everyone' ? 'Everyone' : mentions(settings.senders.users, settings.senders.usergroups);
  const fields = [
    `*Privacy policy*\n${settings.privacy_url ? escapeMrkdwn(settings.privacy_url) : '_not set_'}`,
    `*Display name*\n${settings.display_name ? escapeMrkdwn(settings.display_name) : '_the Twitter name_'}`,
    `*Default survey*\n${SURVEY_TYPES[settings.type].label}, question ${settings.question_variant_id}`,
    `*One request per customer every*\n${settings.recipient_days} day${settings.recipient_days === 1 ? '' : 's'}`,
    `*Who may send*\n${senders}`,
    `*Allowlisted customers*\n${settings.allowlist.length ? escapeMrkdwn(settings.allowlist.join(', ')) : '_none_'}`,
    ...resultsSettingsFields(settings),
  ];
  return [
    { type: 'divider' },
    { type: 'header', block_id: 'settings_header', text: { type: 'plain_text', text: 'Settings' } },
    {
      type: 'section',
      block_id: 'settings',
      fields: fields.map((text) => ({ type: 'mrkdwn' as const, text: truncateMrkdwn(text, 2000) })),
    },
    section(`*Default message*\n${escapeMrkdwn(settings.message)}`, 'default_message'),
    {
      type: 'actions',
      block_id: 'settings_actions',
      elements: [
        { type: 'button', action_id: HOME_EDIT_SETTINGS, text: { type: 'plain_text', text: 'Edit settings' } },
        { type: 'button', action_id: HOME_EDIT_RESULTS_SETTINGS, text: { type: 'plain_text', text: 'Results settings' } },
      ],
    },
  ];
}

/** The top of every App Home page; supervisors also get the buttons that switch between Home and Results. */
export function homeTop(page: 'home' | 'results', isSupervisor: boolean): KnownBlock[] {
  const title: KnownBlock = { type: 'header', block_id: 'title', text: { type: 'plain_text', text: 'Twitter feedback' } };
  if (!isSupervisor) return [title];
  const tab = (what: 'home' | 'results', text: string): Button => ({
    type: 'button',
    action_id: homeShowActionId(what),
    text: { type: 'plain_text', text },
    value: what,
    ...(page === what ? { style: 'primary' as const } : {}),
  });
  return [title, { type: 'actions', block_id: 'home_nav', elements: [tab('home', 'Home'), tab('results', 'Results')] }];
}

export function homeView(model: HomeModel): HomeView {
  const intro = model.maySend
    ? `Ask a customer on X for ${TYPE_CHOICE} feedback: type \`/feedback\`, or use *Request Twitter feedback* on a ticket message.`
    : 'Sending feedback requests is limited to certain people in this workspace; ask an admin if you need to.';
  return {
    type: 'home',
    blocks: [
      ...homeTop('home', model.isSupervisor === true),
      section(intro, 'intro'),
      ...recentBlocks(model.recent),
      ...(model.isAdmin && model.accounts ? accountBlocks(model.accounts, model.mayConnect === true) : []),
      ...(model.isAdmin && model.settings ? settingsBlocks(model.settings) : []),
      ...(model.isAdmin && model.apiKeys ? apiKeyBlocks(model.apiKeys) : []),
      ...(model.automatic ? automaticRequestsBlocks(model.automatic) : []),
    ],
  };
}

/** What Connect opens: the single-use link, made at the click, and what will follow it. */
export function connectModal(url: string): ModalView {
  return {
    type: 'modal',
    callback_id: CONNECT_MODAL,
    title: { type: 'plain_text', text: 'Connect Twitter' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      section(
        'Open the link, sign in on Twitter as the business account and authorize the app. Back on the app’s page, ' +
          'check the account and this workspace, and confirm: only then is the account connected.',
        'connect_steps',
      ),
      {
        type: 'actions',
        block_id: 'connect_link',
        elements: [
          { type: 'button', action_id: CONNECT_LINK, style: 'primary', text: { type: 'plain_text', text: 'Open the link' }, url },
        ],
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
