import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { RawPolicy } from '../../domain/sending-policy.js';
import type { SendingPolicy } from '../../domain/workspace-settings.js';
import { HOME_EDIT_POLICY, POLICY_MODAL } from '../ids.js';
import { section } from './blocks.js';
import { textInput } from './inputs.js';
import { checkedIn, textIn, type StateValues } from './view-state.js';
import { escapeMrkdwn, truncateMrkdwn } from './text.js';

const TEST_MODE: PlainTextOption = {
  text: { type: 'plain_text', text: 'Test mode: every automatic request goes out as a test' },
  description: { type: 'plain_text', text: 'Kept out of Twitter’s analytics while the team tries it out.' },
  value: 'on',
};

/** How helpdesks' and workflows' requests are sent; each block_id names the setting it feeds. */
export function policyModal(policy: SendingPolicy): ModalView {
  const testMode: KnownBlock = {
    type: 'input',
    block_id: 'test_mode',
    optional: true,
    label: { type: 'plain_text', text: 'Test mode' },
    element: {
      type: 'checkboxes',
      action_id: 'test_mode',
      options: [TEST_MODE],
      ...(policy.test_mode ? { initial_options: [TEST_MODE] } : {}),
    },
  };
  return {
    type: 'modal',
    callback_id: POLICY_MODAL,
    title: { type: 'plain_text', text: 'Automatic sending' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        'How requests from helpdesks (the HTTP API) and Workflow Builder are sent. Requests agents send themselves are not affected.',
        'policy_intro',
      ),
      textInput('delay_minutes', 'Delay after the trigger (minutes)', String(policy.delay_minutes), {
        max: 5,
        hint: 'A request that gives its own send_after keeps it. 0: send at once.',
      }),
      textInput('sampling_percent', 'Share of customers asked (%)', String(policy.sampling_percent), {
        max: 3,
        hint: '0 to 100. The choice is fixed per customer and ticket, so a repeated trigger decides the same way.',
      }),
      textInput('excluded', 'Never ask automatically', policy.excluded.join('\n'), {
        optional: true,
        multiline: true,
        hint: 'Handles or user ids, one per line. Their requests are recorded as not sent (excluded).',
      }),
      testMode,
    ],
  };
}

/** The form as text; the rules are checked by the domain. */
export function readPolicy(values: StateValues | undefined): RawPolicy {
  return {
    delay_minutes: textIn(values, 'delay_minutes'),
    sampling_percent: textIn(values, 'sampling_percent'),
    excluded: textIn(values, 'excluded'),
    test_mode: checkedIn(values, 'test_mode').includes('on'),
  };
}

/** App Home's summary of the policy for admins, with the button that opens its form. */
export function policyBlocks(policy: SendingPolicy): KnownBlock[] {
  const excluded = policy.excluded.length ? escapeMrkdwn(policy.excluded.join(', ')) : '_none_';
  const fields = [
    `*Delay*\n${policy.delay_minutes} minute${policy.delay_minutes === 1 ? '' : 's'}`,
    `*Customers asked*\n${policy.sampling_percent} %`,
    `*Never asked automatically*\n${excluded}`,
    `*Test mode*\n${policy.test_mode ? 'on: every automatic request is a test' : 'off'}`,
  ];
  return [
    {
      type: 'section',
      block_id: 'automatic_policy',
      fields: fields.map((text) => ({ type: 'mrkdwn' as const, text: truncateMrkdwn(text, 2000) })),
    },
    {
      type: 'actions',
      block_id: 'automatic_actions',
      elements: [{ type: 'button', action_id: HOME_EDIT_POLICY, text: { type: 'plain_text', text: 'Automatic sending' } }],
    },
  ];
}
