import { createHmac } from 'node:crypto';
import { isFields } from '../simulators/block-kit.js';
import { DEFAULTS, triggerIdAt, type SimulatedView } from '../simulators/slack.js';

/**
 * Slack's side of the conversation with the app: signed HTTP requests carrying slash
 * commands and interaction payloads in the exact shape Slack sends them.
 */

export interface SignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Slack's request signature: `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`, in hex. */
export function signRequest(signingSecret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): SignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestamp) };
}

export interface PostOptions {
  /** Seconds since the epoch, signed as given (an old one makes a stale request); null leaves the header out. */
  timestamp?: number | null;
  /** Sent instead of the correct signature; null leaves the header out. */
  signature?: string | null;
  /** Added last, so they can replace any other header. */
  headers?: Record<string, string>;
}

export interface AppResponse {
  status: number;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON (an empty ack). */
  json: unknown;
}

/** POSTs a body to the app as Slack would: form-encoded unless a content-type header says otherwise. */
export async function postToApp(
  url: string,
  signingSecret: string,
  body: string | URLSearchParams,
  options: PostOptions = {},
): Promise<AppResponse> {
  const raw = body.toString();
  const timestamp = options.timestamp === undefined ? Math.floor(Date.now() / 1000) : options.timestamp;
  const signed = signRequest(signingSecret, raw, timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (timestamp !== null) headers['x-slack-request-timestamp'] = signed['x-slack-request-timestamp'];
  const signature = options.signature === undefined ? signed['x-slack-signature'] : options.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  Object.assign(headers, options.headers);

  const response = await fetch(url, { method: 'POST', headers, body: raw });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Who acts, and where; every field defaults to the simulator's default workspace. */
export interface Actor {
  teamId?: string;
  teamDomain?: string;
  userId?: string;
  userName?: string;
  apiAppId?: string;
}

/** Slack still sends the retired verification token; apps must not rely on it. */
const VERIFICATION_TOKEN = 'retired-verification-token';

function actor(options: Actor) {
  return {
    teamId: options.teamId ?? DEFAULTS.teamId,
    teamDomain: options.teamDomain ?? DEFAULTS.teamDomain,
    userId: options.userId ?? DEFAULTS.userId,
    userName: options.userName ?? DEFAULTS.userName,
    apiAppId: options.apiAppId ?? DEFAULTS.appId,
  };
}

/** A trigger id no simulator issued: views.open answers invalid_trigger_id. */
function unissuedTriggerId(): string {
  return triggerIdAt(Date.now());
}

export interface SlashCommandOptions extends Actor {
  command?: string;
  text?: string;
  channelId?: string;
  channelName?: string;
  /** Required so that no test can make the app answer a real Slack URL. */
  responseUrl: string;
  triggerId?: string;
}

/** A slash command invocation, form-encoded in the order Slack sends the fields. */
export function slashCommandBody(options: SlashCommandOptions): URLSearchParams {
  const who = actor(options);
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: who.teamId,
    team_domain: who.teamDomain,
    channel_id: options.channelId ?? DEFAULTS.channelId,
    channel_name: options.channelName ?? DEFAULTS.channelName,
    user_id: who.userId,
    user_name: who.userName,
    command: options.command ?? '/feedback',
    text: options.text ?? '',
    api_app_id: who.apiAppId,
    is_enterprise_install: 'false',
    response_url: options.responseUrl,
    trigger_id: options.triggerId ?? unissuedTriggerId(),
  });
}

/** What the user has entered, by block_id: text, an option's value, several values, or nothing. */
export type EnteredValues = Record<string, string | string[] | null>;

type Fields = Record<string, unknown>;
type StateValue = Fields & { type: string };
export type ViewState = { values: Record<string, Record<string, StateValue>> };

const STATEFUL = [
  'plain_text_input',
  'static_select',
  'radio_buttons',
  'checkboxes',
  'multi_users_select',
  'multi_conversations_select',
];

/** The one element of a block that holds state, or undefined when it holds none. */
function statefulElement(block: Fields): Fields | undefined {
  const candidates = [block.element, block.accessory, ...(Array.isArray(block.elements) ? block.elements : [])].filter(
    (e): e is Fields => isFields(e) && STATEFUL.includes(e.type as string),
  );
  if (candidates.length > 1)
    throw new Error(`block ${String(block.block_id)} has several elements with state; name one by action`);
  if (block.type === 'input' && isFields(block.element) && candidates.length === 0) {
    throw new Error(`block ${String(block.block_id)}: ${String(block.element.type)} is not supported by stateFor`);
  }
  return candidates[0];
}

function optionsOf(element: Fields): Fields[] {
  if (Array.isArray(element.option_groups)) {
    return element.option_groups.flatMap((group) => (isFields(group) && Array.isArray(group.options) ? group.options : []));
  }
  return Array.isArray(element.options) ? element.options : [];
}

/** An option as Slack echoes it back: what the view offered, nothing else. */
function selected(element: Fields, value: string, blockId: string): Fields {
  const option = optionsOf(element).find((o) => o.value === value);
  if (!option) throw new Error(`block ${blockId} offers no option with value ${JSON.stringify(value)}`);
  const echoed: Fields = { text: option.text, value: option.value };
  if (option.description !== undefined) echoed.description = option.description;
  return echoed;
}

function stateValue(element: Fields, blockId: string, entered: string | string[] | null | undefined): StateValue {
  const type = element.type as string;
  const initial = entered === undefined;
  const single = (): string | null => {
    if (Array.isArray(entered)) throw new TypeError(`block ${blockId} (${type}) takes one value, not a list`);
    return entered ?? null;
  };
  switch (type) {
    case 'plain_text_input': {
      // Slack sends null, never '', for an empty field.
      const value = initial ? (element.initial_value as string | undefined) : single();
      return { type, value: value ? value : null };
    }
    case 'static_select':
    case 'radio_buttons': {
      if (initial) {
        const option = element.initial_option as Fields | undefined;
        return { type, selected_option: option ? selected(element, option.value as string, blockId) : null };
      }
      const value = single();
      return { type, selected_option: value === null ? null : selected(element, value, blockId) };
    }
    case 'multi_users_select': {
      if (!initial && !Array.isArray(entered) && entered !== null) {
        throw new TypeError(`block ${blockId} (multi_users_select) takes a list of user ids`);
      }
      return { type, selected_users: initial ? ((element.initial_users as string[] | undefined) ?? []) : (entered ?? []) };
    }
    case 'multi_conversations_select': {
      if (!initial && !Array.isArray(entered) && entered !== null) {
        throw new TypeError(`block ${blockId} (multi_conversations_select) takes a list of conversation ids`);
      }
      return {
        type,
        selected_conversations: initial ? ((element.initial_conversations as string[] | undefined) ?? []) : (entered ?? []),
      };
    }
    case 'checkboxes': {
      if (!initial && !Array.isArray(entered) && entered !== null) {
        throw new TypeError(`block ${blockId} (checkboxes) takes a list of values`);
      }
      const values = initial
        ? ((element.initial_options as Fields[] | undefined) ?? []).map((o) => o.value as string)
        : (entered ?? []);
      return { type, selected_options: values.map((v) => selected(element, v, blockId)) };
    }
    default:
      throw new Error(`block ${blockId}: ${type} is not supported by stateFor`);
  }
}

/**
 * `view.state` as Slack sends it with an interaction: every input block (with what was
 * entered, else the element's initial value, else null), plus any other block named in
 * `values`. Values are taken from the view, so an option the view does not offer throws.
 */
export function stateFor(view: SimulatedView, values: EnteredValues = {}): ViewState {
  const blocks = new Map(view.blocks.map((b) => [b.block_id as string, b]));
  for (const blockId of Object.keys(values)) {
    if (!blocks.has(blockId)) throw new Error(`the view has no block ${blockId}`);
  }
  const state: ViewState = { values: {} };
  for (const [blockId, block] of blocks) {
    const named = Object.hasOwn(values, blockId);
    if (block.type !== 'input' && !named) continue;
    const element = statefulElement(block);
    if (!element) {
      if (named) throw new Error(`block ${blockId} has no element that holds a value`);
      continue;
    }
    state.values[blockId] = { [element.action_id as string]: stateValue(element, blockId, values[blockId]) };
  }
  return state;
}

function user(who: ReturnType<typeof actor>) {
  return { id: who.userId, username: who.userName, name: who.userName, team_id: who.teamId };
}

function payloadBody(payload: Fields): URLSearchParams {
  return new URLSearchParams({ payload: JSON.stringify(payload) });
}

export interface BlockActionOptions extends Actor {
  blockId: string;
  /** Needed only when the block has several elements (an actions block). */
  actionId?: string;
  /** The new value of the element acted on (ignored for buttons). */
  value?: string | string[] | null;
  /** What the other fields of the view hold at that moment. */
  values?: EnteredValues;
  triggerId?: string;
}

function findAction(block: Fields, actionId: string | undefined): Fields {
  const elements = [block.element, block.accessory, ...(Array.isArray(block.elements) ? block.elements : [])].filter(isFields);
  const matches = actionId === undefined ? elements : elements.filter((e) => e.action_id === actionId);
  if (matches.length !== 1) {
    throw new Error(
      `block ${String(block.block_id)} has ${matches.length} elements${actionId ? ` with action_id ${actionId}` : ''}`,
    );
  }
  return matches[0];
}

/** A `block_actions` interaction with an element of a view (a modal or the Home tab). */
export function blockActionsBody(view: SimulatedView, options: BlockActionOptions): URLSearchParams {
  const who = actor({ teamId: view.team_id, ...options });
  const block = view.blocks.find((b) => b.block_id === options.blockId);
  if (!block) throw new Error(`the view has no block ${options.blockId}`);
  const element = findAction(block, options.actionId);
  const type = element.type as string;
  const stateful = STATEFUL.includes(type);
  const values =
    stateful && options.value !== undefined ? { ...options.values, [options.blockId]: options.value } : { ...options.values };
  const action: Fields = {
    type,
    block_id: options.blockId,
    action_id: element.action_id,
    action_ts: (Date.now() / 1000).toFixed(6),
  };
  if (type === 'button') {
    action.text = element.text;
    if (element.value !== undefined) action.value = element.value;
    if (element.style !== undefined) action.style = element.style;
  } else if (stateful) {
    const { type: _type, ...current } = stateValue(element, options.blockId, options.value);
    Object.assign(action, current);
    if (element.placeholder !== undefined) action.placeholder = element.placeholder;
  } else {
    throw new Error(`block ${options.blockId}: ${type} is not supported by blockActionsBody`);
  }
  return payloadBody({
    type: 'block_actions',
    user: user(who),
    api_app_id: who.apiAppId,
    token: VERIFICATION_TOKEN,
    container: { type: 'view', view_id: view.id },
    trigger_id: options.triggerId ?? unissuedTriggerId(),
    team: { id: who.teamId, domain: who.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    view: { ...view, state: stateFor(view, values) },
    actions: [action],
  });
}

export interface ViewSubmissionOptions extends Actor {
  values?: EnteredValues;
  triggerId?: string;
}

/** A `view_submission` of a modal the simulator returned, with what the user entered. */
export function viewSubmissionBody(view: SimulatedView, options: ViewSubmissionOptions = {}): URLSearchParams {
  const who = actor({ teamId: view.team_id, ...options });
  return payloadBody({
    type: 'view_submission',
    team: { id: who.teamId, domain: who.teamDomain },
    user: user(who),
    api_app_id: who.apiAppId,
    token: VERIFICATION_TOKEN,
    trigger_id: options.triggerId ?? unissuedTriggerId(),
    view: { ...view, state: stateFor(view, options.values) },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

export interface MessageShortcutOptions extends Actor {
  callbackId?: string;
  channelId?: string;
  channelName?: string;
  /** The message the shortcut was used on, as Slack describes it. */
  message: Fields & { ts: string };
  responseUrl: string;
  triggerId?: string;
}

/** A message shortcut ("message_action") used on a message. */
export function messageShortcutBody(options: MessageShortcutOptions): URLSearchParams {
  const who = actor(options);
  return payloadBody({
    type: 'message_action',
    token: VERIFICATION_TOKEN,
    action_ts: (Date.now() / 1000).toFixed(6),
    team: { id: who.teamId, domain: who.teamDomain },
    user: user(who),
    channel: { id: options.channelId ?? DEFAULTS.channelId, name: options.channelName ?? DEFAULTS.channelName },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: options.callbackId ?? 'request_feedback',
    trigger_id: options.triggerId ?? unissuedTriggerId(),
    response_url: options.responseUrl,
    message_ts: options.message.ts,
    message: { type: 'message', ...options.message },
  });
}

export interface GlobalShortcutOptions extends Actor {
  callbackId?: string;
  triggerId?: string;
}

/** A global shortcut, from the shortcuts menu: no channel, no response_url. */
export function globalShortcutBody(options: GlobalShortcutOptions = {}): URLSearchParams {
  const who = actor(options);
  return payloadBody({
    type: 'shortcut',
    token: VERIFICATION_TOKEN,
    action_ts: (Date.now() / 1000).toFixed(6),
    team: { id: who.teamId, domain: who.teamDomain },
    user: { id: who.userId, username: who.userName, team_id: who.teamId },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: options.callbackId ?? 'send_feedback',
    trigger_id: options.triggerId ?? unissuedTriggerId(),
  });
}

export interface MessageButtonOptions extends Actor {
  /** The blocks of the (ephemeral) message holding the button. */
  blocks: Fields[];
  actionId: string;
  channelId?: string;
  responseUrl: string;
  triggerId?: string;
  /** A message in the channel for everyone (an alert), rather than an ephemeral one. */
  messageTs?: string;
}

/** A click on a button in a message: an ephemeral one, such as a confirmation, unless `messageTs` names a posted one. */
export function messageButtonBody(options: MessageButtonOptions): URLSearchParams {
  const who = actor(options);
  const block = options.blocks.find(
    (b) => Array.isArray(b.elements) && b.elements.some((e) => isFields(e) && e.action_id === options.actionId),
  );
  if (!block) throw new Error(`no button ${options.actionId} in the message`);
  const button = (block.elements as Fields[]).find((e) => e.action_id === options.actionId)!;
  const channelId = options.channelId ?? DEFAULTS.channelId;
  return payloadBody({
    type: 'block_actions',
    user: user(who),
    api_app_id: who.apiAppId,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: options.messageTs ?? (Date.now() / 1000).toFixed(6),
      channel_id: channelId,
      is_ephemeral: options.messageTs === undefined,
    },
    trigger_id: options.triggerId ?? unissuedTriggerId(),
    team: { id: who.teamId, domain: who.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: DEFAULTS.channelName },
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: block.block_id,
        text: button.text,
        value: button.value,
        ...(button.style ? { style: button.style } : {}),
        action_ts: (Date.now() / 1000).toFixed(6),
      },
    ],
  });
}

/** An Events API delivery, JSON as Slack posts it. */
export function eventBody(event: Fields, teamId: string = DEFAULTS.teamId): string {
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: DEFAULTS.appId,
    event: { event_ts: (Date.now() / 1000).toFixed(6), ...event },
    type: 'event_callback',
    event_id: `Ev${Date.now().toString(36).toUpperCase()}${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: DEFAULTS.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}
