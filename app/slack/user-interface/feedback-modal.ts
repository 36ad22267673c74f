import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { LIMITS, type RawDraft } from '../../domain/feedback-request.js';
import { FEEDBACK_TYPES, isFeedbackType, SURVEY_TYPES, type FeedbackType } from '../../domain/survey-types.js';
import { findVariant, questionText, variantsOf } from '../../domain/variants.js';
import { SETTINGS_DEFAULTS } from '../../domain/workspace-settings.js';
import { FEEDBACK_MODAL, questionActionId, SEND_AS } from '../ids.js';
import { textInput } from './inputs.js';
import { truncate } from './text.js';
import { checkedIn, selectedIn, stringOf, textIn, type StateValues } from './view-state.js';

const OPTION_TEXT_MAX = 75;

/** What the modal shows; every field is named after the parameter it feeds. */
export interface FeedbackForm {
  type: FeedbackType;
  question_variant_id: number;
  to_user_id?: string;
  message?: string;
  privacy_url?: string;
  external_id?: string;
  display_name?: string;
  test: boolean;
  /** The business account chosen under "Send as" (its Twitter user id). */
  send_as?: string;
  /** Said under a field that could not be prefilled, in place of its usual hint. */
  hints?: Partial<Record<'to_user_id' | 'external_id', string>>;
}

/** Where the modal was opened from and on whose behalf; travels in private_metadata. */
export interface ModalContext {
  team_id: string;
  channel_id?: string;
  response_url?: string;
  /** Set when opened on a ticket thread: the outcome is replied there. */
  thread_ts?: string;
  /** The business account's Twitter name: the preview's fallback display name. */
  business_name: string;
  /** Set when the workspace has several accounts: the agent picks one under "Send as". */
  accounts?: Array<{ user_id: string; screen_name: string; name: string }>;
}

export function variantOption(type: FeedbackType, id: number, displayName: string): PlainTextOption {
  return {
    text: { type: 'plain_text', text: truncate(`${id} · ${questionText(type, id, displayName)}`, OPTION_TEXT_MAX) },
    value: String(id),
  };
}

function typeOption(type: FeedbackType): PlainTextOption {
  const { label, measures, scale } = SURVEY_TYPES[type];
  return { text: { type: 'plain_text', text: `${label}: ${measures}, scored ${scale.min}–${scale.max}` }, value: type };
}

function previewBlocks(form: FeedbackForm, businessName: string): KnownBlock[] {
  const shownAs = form.display_name || businessName;
  return [
    {
      type: 'context',
      block_id: 'preview_label',
      elements: [{ type: 'mrkdwn', text: '*The customer will see this question:*' }],
    },
    {
      type: 'section',
      block_id: 'preview',
      // plain_text: the preview must be the exact words, with no mrkdwn reading of them.
      text: { type: 'plain_text', text: questionText(form.type, form.question_variant_id, shownAs), emoji: true },
    },
  ];
}

function sendAsBlock(accounts: NonNullable<ModalContext['accounts']>, chosen: string | undefined): KnownBlock {
  const options: PlainTextOption[] = accounts.map((a) => ({
    text: { type: 'plain_text', text: truncate(`@${a.screen_name} (${a.name})`, OPTION_TEXT_MAX) },
    value: a.user_id,
  }));
  return {
    type: 'input',
    block_id: SEND_AS,
    dispatch_action: true,
    label: { type: 'plain_text', text: 'Send as' },
    element: {
      type: 'static_select',
      action_id: SEND_AS,
      options,
      initial_option: options.find((o) => o.value === chosen) ?? options[0],
    },
  };
}

export function feedbackModal(form: FeedbackForm, context: ModalContext): ModalView {
  const variants = variantsOf(form.type).map((v) => variantOption(form.type, v.id, form.display_name || context.business_name));
  const testOption: PlainTextOption = {
    text: { type: 'plain_text', text: 'Test only: keep it out of analytics' },
    value: 'true',
  };
  return {
    type: 'modal',
    callback_id: FEEDBACK_MODAL,
    private_metadata: JSON.stringify(context),
    title: { type: 'plain_text', text: 'Ask for feedback' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      ...(context.accounts && context.accounts.length > 1 ? [sendAsBlock(context.accounts, form.send_as)] : []),
      textInput('to_user_id', 'Customer', form.to_user_id, {
        placeholder: '@handle or numeric user id',
        hint: form.hints?.to_user_id ?? 'Their Twitter @handle, or their numeric user id.',
        max: 40,
      }),
      {
        type: 'input',
        block_id: 'type',
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Survey' },
        element: {
          type: 'radio_buttons',
          action_id: 'type',
          options: FEEDBACK_TYPES.map(typeOption),
          initial_option: typeOption(form.type),
        },
      },
      {
        type: 'input',
        block_id: 'question_variant_id',
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Question' },
        element: {
          type: 'static_select',
          action_id: questionActionId(form.type),
          options: variants,
          initial_option: variants[form.question_variant_id],
        },
      },
      textInput('display_name', 'Display name in the question', form.display_name, {
        optional: true,
        placeholder: context.business_name,
        hint: 'Replaces the business name in the question only. Empty: your Twitter name.',
        max: LIMITS.display_name,
        dispatch: true,
      }),
      ...previewBlocks(form, context.business_name),
      textInput('message', 'Direct Message', form.message, {
        multiline: true,
        hint: 'Sent with the question; it must make sense on its own.',
      }),
      textInput('external_id', 'Ticket or case id', form.external_id, {
        optional: true,
        placeholder: 'e.g. ticket_5555',
        hint: form.hints?.external_id,
        max: LIMITS.external_id,
      }),
      textInput('privacy_url', 'Privacy policy URL', form.privacy_url, {
        placeholder: 'https://example.com/privacy',
      }),
      {
        type: 'input',
        block_id: 'test',
        optional: true,
        label: { type: 'plain_text', text: 'Test' },
        element: {
          type: 'checkboxes',
          action_id: 'test',
          options: [testOption],
          ...(form.test ? { initial_options: [testOption] } : {}),
        },
      },
    ],
  };
}

/** The parameters as the agent left them. */
export function readForm(values: StateValues | undefined): RawDraft {
  const text = (blockId: string) => textIn(values, blockId);
  return {
    type: selectedIn(values, 'type'),
    question_variant_id: selectedIn(values, 'question_variant_id'),
    to_user_id: text('to_user_id'),
    message: text('message'),
    privacy_url: text('privacy_url'),
    external_id: text('external_id'),
    display_name: text('display_name'),
    test: checkedIn(values, 'test').includes('true'),
  };
}

/** The account chosen under "Send as", when the form offers the choice. */
export function readSendAs(values: StateValues | undefined): string | undefined {
  return selectedIn(values, SEND_AS);
}

export function readContext(privateMetadata: unknown): ModalContext | undefined {
  if (typeof privateMetadata !== 'string') return undefined;
  try {
    const parsed = JSON.parse(privateMetadata) as Partial<ModalContext>;
    if (typeof parsed.team_id !== 'string' || typeof parsed.business_name !== 'string') return undefined;
    return {
      team_id: parsed.team_id,
      business_name: parsed.business_name,
      channel_id: stringOf(parsed.channel_id),
      response_url: stringOf(parsed.response_url),
      thread_ts: stringOf(parsed.thread_ts),
      accounts: Array.isArray(parsed.accounts)
        ? parsed.accounts.filter(
            (a) => typeof a?.user_id === 'string' && typeof a.screen_name === 'string' && typeof a.name === 'string',
          )
        : undefined,
    };
  } catch {
    return undefined;
  }
}

function trimmed(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

/** The form to render again after a change: unknown type or variant fall back to the first. */
export function formFrom(raw: RawDraft): FeedbackForm {
  const type = isFeedbackType(raw.type) ? raw.type : SETTINGS_DEFAULTS.type;
  const id = Number(raw.question_variant_id ?? 0);
  return {
    type,
    question_variant_id: findVariant(type, id) ? id : 0,
    to_user_id: raw.to_user_id,
    message: raw.message,
    privacy_url: raw.privacy_url,
    external_id: raw.external_id,
    display_name: trimmed(raw.display_name),
    test: raw.test === true,
  };
}
