import test from 'ava';
import _Ajv from 'ajv';
import _addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fixture, repoRoot as root } from '../support/paths.js';

// Both packages are CommonJS: under NodeNext their default export is the `default` field.
const Ajv = _Ajv.default;
const addFormats = _addFormats.default;

interface Manifest {
  features: {
    slash_commands: { command: string; url?: string; should_escape?: boolean }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
    org_deploy_enabled: boolean;
    function_runtime?: string;
    event_subscriptions: { bot_events: string[] };
  };
}

const read = (file: string) => parse(readFileSync(join(root, file), 'utf8')) as Manifest;
const manifest = read('manifest.yml');
const multiWorkspace = read('manifest.multi-workspace.yml');

/**
 * The schema, with a function's parameters as Slack documents and its own templates write
 * them (`properties` and a `required` list); the schema's copy lists them bare.
 */
function manifestSchema(): Record<string, any> {
  const schema = JSON.parse(readFileSync(fixture('slack-manifest.schema.json'), 'utf8'));
  const parameters = {
    type: 'object',
    required: ['properties'],
    additionalProperties: false,
    properties: {
      properties: { $ref: '#/definitions/app-manifests.v1.hermes.types' },
      required: { type: 'array', items: { type: 'string' } },
    },
  };
  const fn = schema.definitions['app-manifests.v1.hermes.functions'].patternProperties['.*'].properties;
  fn.input_parameters = parameters;
  fn.output_parameters = parameters;
  return schema;
}

for (const [file, checked] of [
  ['manifest.yml', manifest],
  ['manifest.multi-workspace.yml', multiWorkspace],
] as const)
  test(`${file} is a valid Slack app manifest`, (t) => {
    t.true(validManifest(t, checked));
  });

test('the multi-workspace manifest is the one-workspace manifest without the Workflow Builder step', (t) => {
  const { functions, settings, ...rest } = manifest as Manifest & { functions?: Record<string, unknown> };
  t.truthy(functions?.request_twitter_feedback);
  t.true(settings.org_deploy_enabled);
  t.is(settings.function_runtime, 'remote');
  t.true(settings.event_subscriptions.bot_events.includes('function_executed'));
  const { functions: none, settings: multiSettings, ...multiRest } = multiWorkspace as Manifest & { functions?: unknown };
  t.is(none, undefined);
  t.deepEqual(multiRest, rest);
  const { function_runtime: _runtime, ...kept } = settings;
  t.deepEqual(multiSettings, {
    ...kept,
    org_deploy_enabled: false,
    event_subscriptions: {
      ...settings.event_subscriptions,
      bot_events: settings.event_subscriptions.bot_events.filter((e) => e !== 'function_executed'),
    },
  });
  // Every input the step reads and every output it writes, and only those, are declared.
  const step = functions!.request_twitter_feedback as Record<string, { properties: Record<string, unknown>; required: string[] }>;
  t.deepEqual(Object.keys(step.input_parameters.properties), ['customer', 'ticket', 'type', 'question', 'message', 'test']);
  t.deepEqual(step.input_parameters.required, ['customer']);
  t.deepEqual(Object.keys(step.output_parameters.properties), ['feedback_id', 'status']);
});

function validManifest(t: { log(...values: unknown[]): void }, checked: Manifest): boolean {
  const schema = manifestSchema();
  // The schema's union types trip Ajv's type strictness; its two extra keywords are kept:
  // `regex` is Slack's own spelling of `pattern`, `_note` is a comment.
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv);
  ajv.addKeyword({ keyword: '_note' });
  ajv.addKeyword({
    keyword: 'regex',
    type: 'string',
    schemaType: 'string',
    validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
  });
  const validate = ajv.compile(schema);
  const valid = validate(checked);
  if (!valid) t.log(ajv.errorsText(validate.errors, { dataVar: 'manifest', separator: '\n' }));
  return valid;
}

test('commands and interactions reach the path the app serves', (t) => {
  const [command] = manifest.features.slash_commands;
  t.is(command.command, '/feedback');
  t.false(command.should_escape);
  t.true(manifest.settings.interactivity.is_enabled);
  if (manifest.settings.socket_mode_enabled) {
    t.is(command.url, undefined, 'Socket Mode delivers commands over the socket: drop the URL');
  } else {
    t.regex(command.url ?? '', /^https:\/\/[^/]+\/slack\/events$/);
    t.is(manifest.settings.interactivity.request_url, command.url);
  }
});

/** The bot scopes each Web API method needs (views.* only need the trigger `commands` gives). */
const SCOPES_BY_METHOD: Record<string, string[]> = {
  'auth.test': [],
  'views.open': [],
  'views.push': [],
  'views.update': [],
  'views.publish': [],
  'chat.postMessage': ['chat:write'],
  'functions.completeSuccess': [],
  'functions.completeError': [],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.getPermalink': [],
  'chat.delete': ['chat:write'],
  'users.info': ['users:read'],
  'usergroups.users.list': ['usergroups:read'],
  'users.lookupByEmail': ['users:read.email'],
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.members': ['channels:read', 'groups:read'],
  'conversations.open': ['im:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  filesUploadV2: ['files:write'],
  'team.info': ['team:read'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
}

/** Web API methods the app's source calls: `client.x.y(`, `apiCall('x.y'`, and Bolt's `say(`. */
function calledMethods(): Set<string> {
  const methods = new Set<string>();
  for (const file of sourceFiles(join(root, 'app'))) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\bclient\s*\.\s*([a-z]+(?:\s*\.\s*[A-Za-z]+)+)\s*\(/g)) {
      methods.add(match[1].replace(/\s/g, ''));
    }
    for (const match of source.matchAll(/\bapiCall\s*\(\s*['"`]([a-z]+\.[A-Za-z.]+)['"`]/g)) methods.add(match[1]);
    // WebClient's own upload in three steps, with files:write.
    if (/\bclient\s*\.\s*filesUploadV2\s*\(/.test(source)) methods.add('filesUploadV2');
    // Bolt's say() posts with chat.postMessage.
    if (/\bsay\s*\(/.test(source)) methods.add('chat.postMessage');
  }
  return methods;
}

test('the bot scopes are exactly commands plus what the called methods need', (t) => {
  const methods = [...calledMethods()].sort();
  const unknown = methods.filter((m) => !(m in SCOPES_BY_METHOD));
  t.deepEqual(unknown, [], 'add these methods and their scopes to SCOPES_BY_METHOD');
  const needed = new Set(['commands', ...methods.flatMap((m) => SCOPES_BY_METHOD[m] ?? [])]);
  t.deepEqual(
    [...manifest.oauth_config.scopes.bot].sort(),
    [...needed].sort(),
    `methods called: ${methods.join(', ') || 'none'}`,
  );
});
