import type { KnownBlock } from '@slack/types';
import type { AutomaticRequest, AutomaticStatus } from '../../services/automatic-requests.js';
import type { SendingPolicy } from '../../domain/workspace-settings.js';
import { section } from './blocks.js';
import { policyBlocks } from './policy-modal.js';
import { escapeMrkdwn } from './text.js';

const STATUS: Record<AutomaticStatus, string> = {
  scheduled: ':calendar: scheduled',
  sending: ':hourglass_flowing_sand: sending',
  sent: ':white_check_mark: sent',
  not_sent: ':x: not sent',
  unknown: ':warning: not confirmed',
  cancelled: ':no_entry_sign: cancelled',
};

function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function whom(request: AutomaticRequest): string {
  const ticket = request.external_id ? ` (ticket ${escapeMrkdwn(request.external_id)})` : '';
  return `${escapeMrkdwn(request.customer)}${ticket}`;
}

/** One line per request: when, whom, status and the reason in plain words. */
function line(request: AutomaticRequest): string {
  const test = request.test ? ' (test)' : '';
  const reason = request.reason ? `: ${escapeMrkdwn(request.reason.message)}` : '';
  const at = request.status === 'scheduled' ? `for ${when(request.send_after)}` : when(request.created_at);
  return `${at} · ${whom(request)}${test} · ${STATUS[request.status]}${reason}`;
}

/** What App Home shows of automatic sending: the latest requests to supervisors, and the policy to admins. */
export interface AutomaticHome {
  latest: AutomaticRequest[];
  policy?: SendingPolicy;
}

/** App Home's part on automatic requests, with each one's status and reason. Never a score. */
export function automaticRequestsBlocks({ latest, policy }: AutomaticHome): KnownBlock[] {
  return [
    { type: 'divider' },
    { type: 'header', block_id: 'automatic_header', text: { type: 'plain_text', text: 'Automatic requests' } },
    ...(policy ? policyBlocks(policy) : []),
    section(
      latest.length ? latest.map(line).join('\n') : '_None yet: no helpdesk or workflow has asked for feedback._',
      'automatic_latest',
    ),
  ];
}

const VERDICT: Record<AutomaticStatus, string> = {
  scheduled: 'is scheduled',
  sending: 'is being sent',
  sent: 'was sent',
  not_sent: 'was not sent',
  unknown: 'may not have reached the customer',
  cancelled: 'was cancelled',
};

/** The outcome of one automatic request, as posted where the request said (its `notify`): mrkdwn, escaped. */
export function automaticOutcomeText(request: AutomaticRequest): string {
  const [emoji] = STATUS[request.status].split(' ');
  const test = request.test ? ' test' : '';
  const id = request.feedback_id ? ` (feedback id ${request.feedback_id})` : '';
  const reason = request.reason ? `: ${escapeMrkdwn(request.reason.message)}` : '.';
  return `${emoji} The automatic${test} feedback request to ${whom(request)} ${VERDICT[request.status]}${id}${reason}`;
}
