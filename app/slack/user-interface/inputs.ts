import type { KnownBlock } from '@slack/types';
import { truncate } from './text.js';

/** Slack's ceiling for any plain_text_input. */
export const SLACK_INPUT_MAX = 3000;

export interface TextInputOptions {
  placeholder?: string;
  hint?: string;
  optional?: boolean;
  multiline?: boolean;
  max?: number;
  /** Report each keystroke as a block action (for a live preview). */
  dispatch?: boolean;
}

/** A text input whose block_id and action_id are the name of what it feeds. */
export function textInput(name: string, label: string, value: string | undefined, options: TextInputOptions = {}): KnownBlock {
  const max = options.max ?? SLACK_INPUT_MAX;
  return {
    type: 'input',
    block_id: name,
    optional: options.optional ?? false,
    dispatch_action: options.dispatch ?? false,
    label: { type: 'plain_text', text: label },
    ...(options.hint ? { hint: { type: 'plain_text', text: options.hint } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: name,
      multiline: options.multiline ?? false,
      max_length: max,
      ...(value ? { initial_value: truncate(value, max) } : {}),
      ...(options.placeholder ? { placeholder: { type: 'plain_text', text: options.placeholder } } : {}),
      ...(options.dispatch ? { dispatch_action_config: { trigger_actions_on: ['on_character_entered'] } } : {}),
    },
  };
}

/** An optional people picker whose block_id and action_id are the name of what it feeds. */
export function usersInput(name: string, label: string, initial: string[], hint: string): KnownBlock {
  return {
    type: 'input',
    block_id: name,
    optional: true,
    label: { type: 'plain_text', text: label },
    hint: { type: 'plain_text', text: hint },
    element: {
      type: 'multi_users_select',
      action_id: name,
      ...(initial.length ? { initial_users: initial } : {}),
    },
  };
}
