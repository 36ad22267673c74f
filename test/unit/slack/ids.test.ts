import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { App } from '@slack/bolt';
import { PARAMS } from '../../../app/domain/feedback-request.js';
import { FEEDBACK_TYPES } from '../../../app/domain/survey-types.js';
import { SETTINGS_DEFAULTS } from '../../../app/domain/workspace-settings.js';
import * as ids from '../../../app/slack/ids.js';
import { registerListeners } from '../../../app/slack/listeners/index.js';
import type { Services } from '../../../app/slack/dependencies.js';
import { feedbackModal, readForm } from '../../../app/slack/user-interface/feedback-modal.js';
import { readSettings, settingsModal } from '../../../app/slack/user-interface/settings-modal.js';
import { readResultsSettings, resultsSettingsModal } from '../../../app/slack/user-interface/results-settings-modal.js';
import { policyModal, readPolicy } from '../../../app/slack/user-interface/policy-modal.js';
import { repoRoot } from '../../support/paths.js';

interface Manifest {
  features: {
    shortcuts: { type: 'global' | 'message'; callback_id: string }[];
    slash_commands: { command: string; usage_hint?: string }[];
  };
  functions?: Record<string, unknown>;
  settings: { event_subscriptions: { bot_events: string[] } };
}

const read = (file: string) => parse(readFileSync(join(repoRoot, file), 'utf8')) as Manifest;
const manifest = read('manifest.yml');
const multiWorkspace = read('manifest.multi-workspace.yml');

type Id = string | RegExp;
interface Registered {
  commands: Id[];
  shortcuts: Array<{ type: string; callback_id: Id }>;
  actions: Id[];
  views: Id[];
  events: string[];
  functions: string[];
}

/** What each listener is registered for, read off a stand-in for Bolt's App; by default in multi-workspace mode. */
function registered(mode: 'one' | 'many' = 'many'): Registered {
  const seen: Registered = { commands: [], shortcuts: [], actions: [], views: [], events: [], functions: [] };
  const idOf = (constraint: Id | Record<string, Id>, key: string): Id =>
    typeof constraint === 'string' || constraint instanceof RegExp ? constraint : constraint[key];
  const app = {
    use: () => undefined,
    command: (name: Id) => seen.commands.push(name),
    shortcut: (constraint: { type: string; callback_id: Id }) => seen.shortcuts.push(constraint),
    action: (constraint: Id | Record<string, Id>) => seen.actions.push(idOf(constraint, 'action_id')),
    view: (constraint: Id | Record<string, Id>) => seen.views.push(idOf(constraint, 'callback_id')),
    event: (name: string) => seen.events.push(name),
    function: (callbackId: string) => seen.functions.push(callbackId),
  };
  const installations = { forget: async () => undefined, deleteInstallation: async () => undefined };
  const services = mode === 'many' ? { installations } : {};
  registerListeners(app as unknown as App, services as unknown as Services);
  return seen;
}

const moduleIds: Id[] = (Object.values(ids) as unknown[]).filter(
  (value): value is Id => typeof value === 'string' || value instanceof RegExp,
);

test('the slash command and the shortcuts are the ones manifest.yml declares', (t) => {
  const seen = registered();
  t.deepEqual(
    manifest.features.slash_commands.map((c) => c.command),
    [ids.FEEDBACK_COMMAND],
  );
  t.deepEqual(seen.commands, [ids.FEEDBACK_COMMAND]);
  const byType = (type: string) => manifest.features.shortcuts.filter((s) => s.type === type).map((s) => s.callback_id);
  t.deepEqual(byType('global'), [ids.SEND_FEEDBACK_SHORTCUT]);
  t.deepEqual(byType('message'), [ids.REQUEST_FEEDBACK_SHORTCUT]);
  // Bolt names a global shortcut `shortcut` and a message shortcut `message_action`.
  t.deepEqual(
    seen.shortcuts.map((s) => [s.type, s.callback_id]),
    [
      ['shortcut', ids.SEND_FEEDBACK_SHORTCUT],
      ['message_action', ids.REQUEST_FEEDBACK_SHORTCUT],
    ],
  );
  t.deepEqual([...seen.events].sort(), [...multiWorkspace.settings.event_subscriptions.bot_events].sort());
});

test('the Workflow Builder step is served in one-workspace mode only, as each mode’s manifest declares', (t) => {
  const one = registered('one');
  t.deepEqual(one.functions, [ids.REQUEST_FEEDBACK_STEP]);
  t.deepEqual(Object.keys(manifest.functions ?? {}), [ids.REQUEST_FEEDBACK_STEP]);
  t.deepEqual(registered('many').functions, []);
  t.is(multiWorkspace.functions, undefined);
  // Bolt hears a step's runs as function_executed events; uninstalls are for many workspaces only, and harmless in one.
  t.deepEqual(
    [...new Set([...one.events, ...registered('many').events, 'function_executed'])].sort(),
    [...manifest.settings.event_subscriptions.bot_events].sort(),
  );
});

test('the command’s usage hint offers every survey type', (t) => {
  t.true(manifest.features.slash_commands[0].usage_hint?.startsWith(`[${FEEDBACK_TYPES.join('|')}]`));
});

test('every id a listener is registered for comes from the ids module', (t) => {
  const seen = registered();
  for (const id of [...seen.commands, ...seen.shortcuts.map((s) => s.callback_id), ...seen.actions, ...seen.views]) {
    t.true(moduleIds.includes(id), `${id} is not in app/slack/ids.ts`);
  }
});

test('the ids are unique, and no button is taken for a change to the feedback form', (t) => {
  const strings = moduleIds.filter((id): id is string => typeof id === 'string');
  t.deepEqual(
    strings.filter((id, i) => strings.indexOf(id) !== i),
    [],
  );
  t.deepEqual(
    ids.PREVIEW_ACTION_IDS.filter((id, i) => ids.PREVIEW_ACTION_IDS.indexOf(id) !== i),
    [],
  );
  for (const id of ids.PREVIEW_ACTION_IDS) t.regex(id, ids.PREVIEW_ACTIONS);
  for (const id of registered().actions) {
    if (typeof id === 'string') t.notRegex(id, ids.PREVIEW_ACTIONS, `${id} would also redraw the feedback form`);
  }
});

test('each form field’s block_id is the name its value is read and its error is given under', (t) => {
  const blockIds = (view: { blocks: unknown[] }) => view.blocks.map((b) => (b as { block_id?: string }).block_id);
  const form = blockIds(
    feedbackModal(
      { type: FEEDBACK_TYPES[0], question_variant_id: 0, test: false },
      {
        team_id: 'T1',
        business_name: 'Acme',
        accounts: [1, 2].map((n) => ({ user_id: `${n}`, screen_name: `a${n}`, name: `A${n}` })),
      },
    ),
  );
  for (const param of [...PARAMS, ...Object.keys(readForm({})), ids.SEND_AS])
    t.true(form.includes(param), `feedback form: ${param}`);
  const settings = blockIds(settingsModal({ ...SETTINGS_DEFAULTS, message: 'Thanks!' }));
  for (const field of Object.keys(readSettings({}))) t.true(settings.includes(field), `settings: ${field}`);
  const results = blockIds(resultsSettingsModal({ ...SETTINGS_DEFAULTS, message: 'Thanks!' }));
  for (const field of Object.keys(readResultsSettings({}))) t.true(results.includes(field), `results settings: ${field}`);
  const policy = blockIds(policyModal(SETTINGS_DEFAULTS.policy));
  for (const field of Object.keys(readPolicy({}))) t.true(policy.includes(field), `policy: ${field}`);
});
