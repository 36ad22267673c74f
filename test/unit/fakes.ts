import type { WebClient } from '@slack/web-api';
import { SETTINGS_DEFAULTS, type WorkspaceSettings } from '../../app/domain/workspace-settings.js';
import type { BusinessAccount, SendResult } from '../../app/services/feedback-relay.js';
import type { Sending } from '../../app/services/feedback-requests.js';
import type { Services } from '../../app/slack/dependencies.js';

/** What a fake was called with, in order. */
export type Calls = Array<{ method: string; args: unknown }>;

/** Bolt's ack, respond or say: records each call and answers nothing. */
export function recording(calls: Calls, method: string) {
  return async (args?: unknown) => {
    calls.push({ method, args });
  };
}

/** A WebClient that records every call and answers as Slack would for a non-admin. */
export function fakeClient(calls: Calls): WebClient {
  const call =
    (method: string, answer: object = {}) =>
    async (args: unknown) => {
      calls.push({ method, args });
      return { ok: true, ...answer };
    };
  return {
    views: { open: call('views.open'), update: call('views.update'), publish: call('views.publish') },
    chat: { postMessage: call('chat.postMessage') },
    users: { info: call('users.info', { user: { is_admin: false } }) },
    usergroups: { users: { list: call('usergroups.users.list', { users: [] }) } },
    auth: { test: call('auth.test', { team: 'Acme' }) },
  } as unknown as WebClient;
}

export const logger = { debug() {}, info() {}, warn() {}, error() {}, getLevel() {}, setLevel() {}, setName() {} };

export const settings: WorkspaceSettings = {
  ...SETTINGS_DEFAULTS,
  message: 'Thanks for talking to us!',
  privacy_url: 'https://acme.example/privacy',
};

export const account: BusinessAccount = {
  user_id: '100',
  screen_name: 'AcmeSupport',
  name: 'Acme',
  tokens: { access_token: '100-token', access_token_secret: 'secret' },
};

export const sending: Sending = {
  teamId: 'T1',
  agentId: 'U1',
  account,
  prepared: {
    request: {
      type: 'csat',
      to_user_id: '42',
      message: 'Hi',
      privacy_url: 'https://acme.example/privacy',
      question_variant_id: 0,
      test: false,
    },
    recipient: { id: '42', label: '@jack', handle: 'jack' },
  },
  reservation: { id: 'r1', keys: [] },
};

export const unknownResult: SendResult = {
  status: 'unknown',
  request: sending.prepared.request,
  recipient: sending.prepared.recipient,
  question: 'How did we do?',
  explanation: { reason: 'No answer from Twitter.', action: 'Check the DMs.' },
};

/**
 * Services whose feedback requests answer as told, recording what they were asked.
 * Only what a listener under test reaches is there.
 */
export function fakeServices(calls: Calls, answers: Partial<Record<keyof Services['requests'], unknown>>): Services {
  const answer =
    (method: keyof Services['requests']) =>
    async (...args: unknown[]) => {
      calls.push({ method: `requests.${method}`, args });
      return answers[method];
    };
  return {
    requests: {
      mayStart: answer('mayStart'),
      admit: answer('admit'),
      sendAgain: answer('sendAgain'),
      send: answer('send'),
      settleInterrupted: answer('settleInterrupted'),
    },
    settings: { forWorkspace: async () => settings },
    accounts: { list: async () => [{ ...account, added_at: '', needs_reconnect: false }] },
    groups: { of: (_team: string, _group: string, read: () => Promise<string[]>) => read() },
    confirmations: {
      save: async (_teamId: string, pending: unknown) => {
        calls.push({ method: 'confirmations.save', args: pending });
        return 'C1';
      },
      load: async () => undefined,
    },
    respond: async (responseUrl: string | undefined, result: SendResult, options?: unknown) => {
      calls.push({ method: 'services.respond', args: { responseUrl, result, options } });
      return responseUrl !== undefined;
    },
    finishing: <T>(work: Promise<T>) => work,
  } as unknown as Services;
}

/** The calls to one method, with their arguments. */
export function argsOf(calls: Calls, method: string): unknown[] {
  return calls.filter((c) => c.method === method).map((c) => c.args);
}
