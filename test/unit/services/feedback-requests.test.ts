import test from 'ava';
import type { SendResult } from '../../../app/services/feedback-relay.js';
import { FeedbackRequests, type FeedbackRequestsParts } from '../../../app/services/feedback-requests.js';
import type { Refusal } from '../../../app/domain/limits.js';
import type { Directory } from '../../../app/services/permissions.js';
import type { SendRecord } from '../../../app/services/send-log.js';
import { account, sending, settings, unknownResult } from '../fakes.js';

const directory: Directory = { isWorkspaceAdmin: async () => false, usergroupMembers: async () => [] };
const agent = { teamId: 'T1', agentId: 'U1', directory };

const record: SendRecord = {
  id: 'S1',
  team_id: 'T1',
  agent_id: 'U1',
  account_id: account.user_id,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  status: 'unknown',
  request: sending.prepared.request,
  recipient: sending.prepared.recipient,
  reservation: { id: 'earlier', keys: ['send:account:T1:100'] },
  response_url: 'https://hooks.slack.com/commands/1',
};

/** Parts that let everything through, recording what the use case did with them. */
function parts(
  overrides: {
    records?: SendRecord[];
    claimed?: Set<string>;
    result?: SendResult;
    senders?: string[];
    limit?: Refusal;
    answers?: FeedbackRequestsParts['answers'];
  } = {},
) {
  const did: string[] = [];
  const claimed = overrides.claimed ?? new Set<string>();
  const given: FeedbackRequestsParts = {
    accounts: {
      forWorkspace: async () => account,
      needsReconnect: async (_teamId, accountId) => void did.push(`reconnect ${accountId}`),
    },
    settings: {
      forWorkspace: async () =>
        overrides.senders ? { ...settings, senders: { mode: 'listed', users: overrides.senders, usergroups: [] } } : settings,
    },
    log: {
      begin: async () => ({ ...record, status: 'pending', id: 'S2' }),
      settle: async (settled, result) => {
        did.push(`settle ${settled.id} ${result.status}`);
        return { ...settled, status: result.status };
      },
      get: async (_teamId, id) => (overrides.records ?? [record]).find((r) => r.id === id),
      pending: async () => overrides.records ?? [],
    },
    limits: {
      reserve: async () =>
        overrides.limit ? { ok: false, refusal: overrides.limit } : { ok: true, reservation: sending.reservation },
      release: async (reservation) => void did.push(`release ${reservation.id}`),
    },
    relay: {
      prepare: async () => ({ ok: true, value: sending.prepared }),
      send: async () => overrides.result ?? unknownResult,
    },
    claims: {
      claim: async (key) => !claimed.has(key) && Boolean(claimed.add(key)),
      unclaim: async (key) => void claimed.delete(key),
    },
    answers: overrides.answers,
  };
  return { requests: new FeedbackRequests(given), did };
}

test('Send again of the agent’s own unconfirmed record gives back its earlier places and lets it through, once', async (t) => {
  const { requests, did } = parts();
  t.is((await requests.sendAgain(agent, 'S1')).kind, 'ready');
  t.deepEqual(did, ['release earlier']);
  t.is((await requests.sendAgain(agent, 'S1')).kind, 'duplicate');
});

test('Send again of another agent’s record, or of a known outcome, is refused and gives back nothing', async (t) => {
  const { requests, did } = parts({
    records: [
      { ...record, agent_id: 'U2' },
      { ...record, id: 'S3', status: 'sent' },
    ],
  });
  t.deepEqual(await requests.sendAgain(agent, 'S1'), { kind: 'not_again' });
  t.deepEqual(await requests.sendAgain(agent, 'S3'), { kind: 'not_again' });
  t.deepEqual(await requests.sendAgain(agent, 'nothing'), { kind: 'not_again' });
  t.deepEqual(did, []);
});

test('Send again by an agent no longer allowed to send keeps the earlier places', async (t) => {
  const { requests, did } = parts({ senders: ['U9'] });
  t.deepEqual(await requests.sendAgain(agent, 'S1'), { kind: 'forbidden' });
  t.deepEqual(did, []);
});

test('a send Twitter certainly did not take gives its places back; one it may have taken keeps them and may be sent again', async (t) => {
  const notSent: SendResult = {
    ...unknownResult,
    status: 'not_sent',
    explanation: { reason: 'No.', action: 'Fix it.', reconnect: true },
  };
  const refused = parts({ result: notSent });
  t.deepEqual(await refused.requests.send(sending, 'https://hooks.slack.com/x'), { result: notSent, resendId: undefined });
  t.deepEqual(refused.did, ['release r1', 'settle S2 not_sent', `reconnect ${account.user_id}`]);

  const uncertain = parts();
  t.deepEqual(await uncertain.requests.send(sending), { result: unknownResult, resendId: 'S2' });
  t.deepEqual(uncertain.did, ['settle S2 unknown']);
});

test('interrupted sends are settled as unknown by the one instance that claims each', async (t) => {
  const pending = [
    { ...record, status: 'pending' as const },
    { ...record, id: 'S4', status: 'pending' as const },
  ];
  const { requests, did } = parts({ records: pending, claimed: new Set(['reconcile:T1:S4']) });
  const settled = await requests.settleInterrupted(0);
  t.deepEqual(
    settled.map(({ record, result }) => [record.id, record.status, result.status]),
    [['S1', 'unknown', 'unknown']],
  );
  t.deepEqual(did, ['settle S1 unknown']);
  t.deepEqual(await requests.settleInterrupted(0), [], 'claimed once');
});

test('a submission refused for a limit may be tried again: its once-only claim is given back', async (t) => {
  const { requests: limited } = parts({ limit: { rule: 'account_daily', retryAt: new Date(0), message: 'Full.' } });
  const submission = { ...agent, draft: {}, key: 'V1' };
  t.is((await limited.admit(submission)).kind, 'invalid', 'an empty draft is refused before any claim');
  const draft = { type: 'csat', to_user_id: '42', message: 'Hi', privacy_url: 'https://acme.example/privacy' };
  t.is((await limited.admit({ ...submission, draft })).kind, 'refused');
  t.is((await limited.admit({ ...submission, draft })).kind, 'refused', 'not taken for a duplicate');
});

test('a card Twitter created is put on the schedule of answers to ask for; a store that fails there loses the agent no outcome', async (t) => {
  const sent = { ...unknownResult, status: 'sent', feedback: { id: '1460000000000000000' } } as unknown as SendResult;
  const noted: string[] = [];
  const noting = parts({
    result: sent,
    answers: { cardSent: async (teamId, accountId, feedbackId) => void noted.push(`${teamId} ${accountId} ${feedbackId}`) },
  });
  t.deepEqual(await noting.requests.send(sending), { result: sent, resendId: undefined });
  t.deepEqual(noted, [`T1 ${account.user_id} 1460000000000000000`]);

  const failing = parts({ result: sent, answers: { cardSent: () => Promise.reject(new Error('store unreachable')) } });
  t.deepEqual(await failing.requests.send(sending), { result: sent, resendId: undefined });
});
