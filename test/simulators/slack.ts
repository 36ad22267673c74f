import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERACTIVE_ELEMENTS, validateMessageBlocks, validateView } from './block-kit.js';

/**
 * Slack's Web API as the app meets it, over real HTTP on 127.0.0.1: the same answers,
 * the same error codes and the same refusals (expired triggers, stale hashes, channels
 * the bot is not in, Block Kit that breaks a limit), for any number of workspaces.
 */

export interface WorkspaceOptions {
  teamId: string;
  domain?: string;
  /** The workspace's name; default its domain. */
  name?: string;
  /** The Enterprise Grid organisation the workspace belongs to. */
  enterpriseId?: string;
  botToken: string;
  botUserId: string;
  botId?: string;
}

export interface UserOptions {
  id: string;
  teamId: string;
  name?: string;
  realName?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isBot?: boolean;
  tz?: string;
}

export type ChannelKind = 'public' | 'private' | 'im' | 'mpim';

export interface ChannelOptions {
  id: string;
  teamId: string;
  name?: string;
  kind?: ChannelKind;
  /** User ids, the bot's included when it was invited. */
  members?: string[];
  archived?: boolean;
}

export interface SlackSimulatorOptions {
  /** Without any, one workspace with one agent in one channel is set up (see DEFAULTS). */
  workspaces?: WorkspaceOptions[];
  users?: UserOptions[];
  channels?: ChannelOptions[];
  appId?: string;
  /** The app's OAuth credentials, which oauth.v2.access checks; without them it knows no client. */
  oauthClient?: { clientId: string; clientSecret: string };
  /** The clock trigger ids and response URLs age by; tests move it instead of sleeping. */
  now?: () => number;
  /** How long a trigger id can open a view: Slack's 3 seconds unless a test needs room on a busy machine. */
  triggerLifetimeMs?: number;
}

export const DEFAULTS = {
  teamId: 'T0SIMTEAM1',
  teamDomain: 'simulated',
  botToken: 'xoxb-sim-bot',
  botUserId: 'U0SIMBOT01',
  botId: 'B0SIMBOT01',
  appId: 'A0SIMAPP01',
  userId: 'U0SIMUSER1',
  userName: 'agent',
  channelId: 'C0SIMCHAN1',
  channelName: 'support',
} as const;

/** Slack's documented lifetimes. */
export const TRIGGER_LIFETIME_MS = 3000;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
export const RESPONSE_URL_USES = 5;
export const OAUTH_CODE_LIFETIME_MS = 10 * 60 * 1000;
const VIEW_STACK_DEPTH = 3;

type Args = Record<string, unknown>;

export interface RecordedCall {
  /** Position in the order calls arrived, from 0. */
  seq: number;
  /** A Web API method, or `response_url` for posts to a response URL. */
  method: string;
  /** What the app sent, nested JSON already parsed; the token is never kept. */
  args: Args;
  /** The workspace the token (or the response URL) belongs to. */
  team?: string;
  at: number;
  status: number;
  response: Args;
  /** For `response_url` calls: the URL posted to. */
  url?: string;
}

/** A view as Slack returns it from views.open / update / push / publish. */
export interface SimulatedView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title: Args;
  blocks: Args[];
  close: Args | null;
  submit: Args | null;
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, Args>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string | null;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface TriggerContext {
  teamId?: string;
  userId?: string;
  /** The view the interaction happened in: views.push stacks onto it. */
  viewId?: string;
}

export interface ResponseUrlContext {
  teamId?: string;
  channelId?: string;
  userId?: string;
}

/** What a user grants on Slack's consent page; the code it yields is exchanged with oauth.v2.access. */
export interface OAuthCodeOptions {
  /** The installing workspace; not needed for an organisation-wide install. */
  teamId?: string;
  teamName?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** The app is installed for the whole organisation `enterpriseId` rather than one workspace. */
  isEnterpriseInstall?: boolean;
  /** The bot scopes granted. */
  scopes: string[];
  botUserId: string;
  /** Who clicked Allow; default the default user. */
  userId?: string;
  /** The redirect_uri the consent page was given, if any: the exchange must name the same. */
  redirectUri?: string;
}

export interface FailureOptions {
  status?: number;
  /** Seconds, sent as Retry-After (429 answers get 1 when none is given). */
  retryAfter?: number;
}

interface Workspace {
  teamId: string;
  domain: string;
  name: string;
  enterpriseId?: string;
  botToken: string;
  botUserId: string;
  botId: string;
}

/** An organisation-wide install: one bot token for every workspace of the organisation. */
interface Organization {
  enterpriseId: string;
  name: string;
  botToken: string;
  botUserId: string;
  botId: string;
}

interface OAuthCode extends OAuthCodeOptions {
  issuedAt: number;
}

interface Channel {
  id: string;
  teamId: string;
  name: string;
  kind: ChannelKind;
  members: Set<string>;
  archived: boolean;
}

interface Trigger {
  teamId: string;
  userId?: string;
  viewId?: string;
  issuedAt: number;
  used: boolean;
}

interface ResponseTarget extends ResponseUrlContext {
  teamId: string;
  issuedAt: number;
  uses: number;
}

interface Answer {
  status: number;
  body: Args;
  headers?: Record<string, string>;
}

interface Waiter {
  method: string;
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
}

/** Fields that @slack/web-api sends JSON-encoded inside a form body. */
const JSON_FIELDS = ['view', 'blocks', 'attachments', 'metadata', 'files', 'outputs'];

/** A file from files.getUploadURLExternal on: its bytes once uploaded, its shares once completed. */
export interface SimulatedFile {
  id: string;
  teamId: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  /** What arrived at the upload URL, undefined until then. */
  bytes?: Buffer;
  /** The content type the upload was sent with (a multipart form's file part's own type). */
  contentType?: string;
  title?: string;
  completed: boolean;
  /** Channels it was shared to, with the message that carried it. */
  shares: Array<{ channel: string; ts: string; initialComment?: string; threadTs?: string }>;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A trigger id in Slack's format (`<seconds>.<number>.<hex>`); only issued ones are accepted. */
/** A custom step as the app's manifest declares it under `functions`, with its callback_id. */
export interface FunctionStep {
  callback_id: string;
  title: string;
  description: string;
  input_parameters: { properties: Record<string, { type: string }>; required?: string[] };
  output_parameters: { properties: Record<string, { type: string }>; required?: string[] };
}

/** What a step's parameter type reads as in JSON. */
const JS_TYPE: Record<string, string> = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean' };

interface FunctionExecution {
  id: string;
  teamId: string;
  step: FunctionStep;
  token: string;
  state: 'running' | 'completed' | 'failed';
  outputs?: Args;
  error?: string;
}

export function triggerIdAt(now: number): string {
  return `${Math.floor(now / 1000)}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
}

function randomId(prefix: string, size: number): string {
  const bytes = randomBytes(size);
  let id = prefix;
  for (const byte of bytes) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return id;
}

function ok(body: Args = {}): Answer {
  return { status: 200, body: { ok: true, ...body } };
}

/** Slack answers refusals with HTTP 200 and `ok: false`. */
function fail(error: string, extra: Args = {}): Answer {
  return { status: 200, body: { ok: false, error, ...extra } };
}

function invalid(error: 'invalid_arguments' | 'invalid_blocks', messages: string[]): Answer {
  const extra: Args = { response_metadata: { messages } };
  // Message methods also list the problems without the [ERROR] prefix, as Slack does.
  if (error === 'invalid_blocks') extra.errors = messages.map((m) => m.replace(/^\[ERROR\] /, ''));
  return fail(error, extra);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * What Slack adds to what it was given: `emoji` on plain_text, `verbatim` on mrkdwn, and
 * block and action ids where the app set none.
 */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== 'object' || value === null) return value;
  const out: Args = {};
  for (const [key, item] of Object.entries(value)) out[key] = normalize(item);
  if (out.type === 'plain_text' && out.emoji === undefined) out.emoji = true;
  if (out.type === 'mrkdwn' && out.verbatim === undefined) out.verbatim = false;
  return out;
}

function withIds(blocks: unknown[]): Args[] {
  return blocks.map((raw) => {
    const block = normalize(raw) as Args;
    block.block_id ??= randomId('', 5);
    const elements = [block.element, block.accessory, ...(Array.isArray(block.elements) ? block.elements : [])];
    for (const element of elements) {
      const fields = element as Args | undefined;
      if (fields && INTERACTIVE_ELEMENTS.includes(fields.type as string)) fields.action_id ??= randomId('', 5);
    }
    return block;
  });
}

export class SlackSimulator {
  readonly calls: RecordedCall[] = [];
  readonly apiUrl: string;
  readonly baseUrl: string;

  private readonly workspaces = new Map<string, Workspace>();
  private readonly users = new Map<string, Required<UserOptions>>();
  /** User group id → its team and members. */
  private readonly usergroups = new Map<string, { teamId: string; users: string[] }>();
  private readonly channels = new Map<string, Channel>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly views = new Map<string, SimulatedView>();
  private readonly homeViews = new Map<string, string>();
  private readonly responseTargets = new Map<string, ResponseTarget>();
  private readonly failures = new Map<string, Answer[]>();
  private readonly waiters = new Set<Waiter>();
  /** By bot token. */
  private readonly organizations = new Map<string, Organization>();
  private readonly oauthCodes = new Map<string, OAuthCode>();
  /** By file id; the upload URL's secret part maps to the id. */
  private readonly files = new Map<string, SimulatedFile>();
  private readonly uploadUrls = new Map<string, string>();
  /** The bot's messages as they stand, by `channel/ts`. */
  private readonly messages = new Map<string, Args>();
  /** Workflow Builder steps run, by function_execution_id. */
  private readonly executions = new Map<string, FunctionExecution>();
  private readonly oauthClient?: { clientId: string; clientSecret: string };
  private readonly appId: string;
  private readonly now: () => number;
  private readonly triggerLifetimeMs: number;
  private lastTs = 0;

  private constructor(
    private readonly server: Server,
    options: SlackSimulatorOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api/`;
    this.appId = options.appId ?? DEFAULTS.appId;
    this.oauthClient = options.oauthClient;
    this.now = options.now ?? Date.now;
    this.triggerLifetimeMs = options.triggerLifetimeMs ?? TRIGGER_LIFETIME_MS;
    const defaults = options.workspaces === undefined;
    const workspaces = options.workspaces ?? [
      {
        teamId: DEFAULTS.teamId,
        domain: DEFAULTS.teamDomain,
        botToken: DEFAULTS.botToken,
        botUserId: DEFAULTS.botUserId,
        botId: DEFAULTS.botId,
      },
    ];
    for (const workspace of workspaces) this.addWorkspace(workspace);
    const users = options.users ?? (defaults ? [{ id: DEFAULTS.userId, teamId: DEFAULTS.teamId, name: DEFAULTS.userName }] : []);
    for (const user of users) this.addUser(user);
    const channels =
      options.channels ??
      (defaults
        ? [
            {
              id: DEFAULTS.channelId,
              teamId: DEFAULTS.teamId,
              name: DEFAULTS.channelName,
              members: [DEFAULTS.userId, DEFAULTS.botUserId],
            },
          ]
        : []);
    for (const channel of channels) this.addChannel(channel);
  }

  static async start(options: SlackSimulatorOptions = {}): Promise<SlackSimulator> {
    let simulator: SlackSimulator | undefined;
    const server = createServer((req, res) => {
      void simulator!.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    simulator = new SlackSimulator(server, options);
    return simulator;
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) waiter.reject(new Error(`the simulator closed while waiting for ${waiter.method}`));
    this.waiters.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addWorkspace(options: WorkspaceOptions): void {
    const domain = options.domain ?? options.teamId.toLowerCase();
    this.workspaces.set(options.teamId, {
      teamId: options.teamId,
      domain,
      name: options.name ?? domain,
      enterpriseId: options.enterpriseId,
      botToken: options.botToken,
      botUserId: options.botUserId,
      botId: options.botId ?? `B${options.botUserId.slice(1)}`,
    });
  }

  addUser(options: UserOptions): void {
    this.users.set(options.id, {
      name: options.id.toLowerCase(),
      realName: options.name ?? options.id,
      isAdmin: false,
      isOwner: false,
      isBot: false,
      tz: 'Europe/London',
      ...options,
    });
  }

  addUsergroup(id: string, teamId: string, users: string[]): void {
    this.usergroups.set(id, { teamId, users: [...users] });
  }

  addChannel(options: ChannelOptions): void {
    this.channels.set(options.id, {
      id: options.id,
      teamId: options.teamId,
      name: options.name ?? options.id.toLowerCase(),
      kind: options.kind ?? 'public',
      members: new Set(options.members ?? []),
      archived: options.archived ?? false,
    });
  }

  /** Someone (the bot is a user too) joins or leaves a channel. */
  setMember(channelId: string, userId: string, member: boolean): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId} in the simulator`);
    if (member) channel.members.add(userId);
    else channel.members.delete(userId);
  }

  /** What Slack sends in an interaction payload, valid for 3 seconds and for one view. */
  issueTriggerId(context: TriggerContext = {}): string {
    const teamId = context.teamId ?? this.firstTeam();
    const id = triggerIdAt(this.now());
    this.triggers.set(id, { teamId, userId: context.userId, viewId: context.viewId, issuedAt: this.now(), used: false });
    return id;
  }

  /**
   * The code Slack's consent page hands the app's redirect URL once a user allowed the
   * install: single use, for 10 minutes, and only for the simulator's OAuth client.
   */
  issueOAuthCode(options: OAuthCodeOptions): string {
    if (!this.oauthClient) throw new Error('the simulator was started without an oauthClient');
    if (options.isEnterpriseInstall ? !options.enterpriseId : !options.teamId) {
      throw new Error('an install names its workspace (teamId), or its organisation (enterpriseId) when organisation-wide');
    }
    const code = `${Math.floor(this.now() / 1000)}.${randomBytes(4).readUInt32BE()}.${randomBytes(32).toString('hex')}`;
    this.oauthCodes.set(code, { ...options, issuedAt: this.now() });
    return code;
  }

  /**
   * A workflow reaches the app's custom step: the execution is running until the app
   * completes it (functions.completeSuccess or completeError), once. Answers the
   * function_executed event Slack sends, with the step's short-lived token.
   */
  executeFunction(step: FunctionStep, inputs: Args, teamId: string = this.firstTeam()): { executionId: string; event: Args } {
    const executionId = `Fx${randomId('', 10)}`;
    const token = `xwfp-${randomBytes(16).toString('hex')}`;
    this.executions.set(executionId, { id: executionId, teamId, step, token, state: 'running' });
    const parameters = (declared: FunctionStep['input_parameters']) =>
      Object.entries(declared.properties).map(([name, p]) => ({
        name,
        ...p,
        is_required: declared.required?.includes(name) ?? false,
      }));
    return {
      executionId,
      event: {
        type: 'function_executed',
        function: {
          id: `Fn${randomId('', 10)}`,
          callback_id: step.callback_id,
          title: step.title,
          description: step.description,
          type: 'app',
          input_parameters: parameters(step.input_parameters),
          output_parameters: parameters(step.output_parameters),
          app_id: this.appId,
          date_created: Math.floor(this.now() / 1000),
          date_updated: Math.floor(this.now() / 1000),
          date_deleted: 0,
        },
        inputs,
        function_execution_id: executionId,
        workflow_execution_id: `Wx${randomId('', 10)}`,
        bot_access_token: token,
      },
    };
  }

  /** How a step's run ended: running still, or completed with outputs, or failed with an error. */
  execution(executionId: string): Omit<FunctionExecution, 'token' | 'step'> | undefined {
    const found = this.executions.get(executionId);
    if (!found) return undefined;
    const { token: _token, step: _step, ...shown } = found;
    return shown;
  }

  /** A slash command's or a view submission's response_url, answered by this simulator. */
  responseUrl(context: ResponseUrlContext = {}): string {
    const id = randomBytes(12).toString('hex');
    this.responseTargets.set(id, { ...context, teamId: context.teamId ?? this.firstTeam(), issuedAt: this.now(), uses: 0 });
    return `${this.baseUrl}/response/${id}`;
  }

  /**
   * The next call of `method` (or of `response_url`, any of them) fails with `error`, with
   * HTTP 200 as Slack answers refusals unless another status is given.
   */
  failNext(method: string, error: string, options: FailureOptions = {}): void {
    const status = options.status ?? 200;
    const retryAfter = options.retryAfter ?? (status === 429 ? 1 : undefined);
    const answer: Answer = {
      status,
      body: { ok: false, error },
      headers: retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) },
    };
    this.failures.set(method, [...(this.failures.get(method) ?? []), answer]);
  }

  /** The view as it stands now, after every update. */
  view(viewId: string): SimulatedView | undefined {
    const view = this.views.get(viewId);
    return view && structuredClone(view);
  }

  /** A message the bot posted, as it stands after every chat.update. */
  message(channelId: string, ts: string): Args | undefined {
    const message = this.messages.get(`${channelId}/${ts}`);
    return message && structuredClone(message);
  }

  /** A file as it stands: what was uploaded for it and where it was shared. */
  file(fileId: string): SimulatedFile | undefined {
    const file = this.files.get(fileId);
    return file && { ...file, shares: [...file.shares] };
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /**
   * The first call of `method` (already made or still to come) that `predicate` accepts.
   * Earlier calls count too, so there is no race with an app that answers quickly; tell
   * calls apart with the predicate (e.g. `call.seq > n`). The wait is long: a busy machine
   * is slow, and only a call that never comes costs the time.
   */
  waitForCall(
    method: string,
    predicate: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<RecordedCall> {
    const found = this.calls.find((call) => call.method === method && predicate(call));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.calls.map((call) => call.method).join(', ') || 'none';
        reject(new Error(`no ${method} call within ${timeoutMs} ms (calls so far: ${seen})`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private firstTeam(): string {
    const first = this.workspaces.keys().next();
    if (first.done) throw new Error('the simulator has no workspace');
    return first.value;
  }

  private record(call: Omit<RecordedCall, 'seq' | 'at'>): void {
    const recorded: RecordedCall = { ...call, seq: this.calls.length, at: this.now() };
    this.calls.push(recorded);
    for (const waiter of this.waiters) {
      if (waiter.method === recorded.method && waiter.predicate(recorded)) {
        this.waiters.delete(waiter);
        waiter.resolve(recorded);
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
    const raw = bytes.toString('utf8');
    if (url.pathname.startsWith('/upload/')) {
      const [status, text] = await this.upload(url, req, bytes);
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
      return;
    }
    let answer: Answer;
    try {
      if (url.pathname.startsWith('/api/')) answer = this.api(url.pathname.slice('/api/'.length), req, url, raw);
      else if (url.pathname.startsWith('/response/') && req.method === 'POST') answer = this.respond(url, req, raw);
      else answer = { status: 404, body: { ok: false, error: 'not_found' } };
    } catch (error) {
      // A fault of the simulator itself must surface in the test, not hang it.
      answer = { status: 500, body: { ok: false, error: 'simulator_fault', detail: String(error) } };
    }
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private api(method: string, req: IncomingMessage, url: URL, raw: string): Answer {
    const parsed = this.parseArgs(req, url, raw);
    const header = req.headers.authorization;
    if (method === 'oauth.v2.access') return this.oauthAccess(parsed, header);
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    const { token: bodyToken, ...args } = parsed.args;
    const token = bearer || str(bodyToken);
    // A step's own token acts in its workspace while the step runs, as the bot's does.
    const stepToken = token ? [...this.executions.values()].find((e) => e.token === token && e.state === 'running') : undefined;
    const workspace = token
      ? [...this.workspaces.values()].find((w) => w.botToken === token || w.teamId === stepToken?.teamId)
      : undefined;
    const organization = token ? this.organizations.get(token) : undefined;

    let answer: Answer;
    if (parsed.error) answer = fail(parsed.error);
    else if (!token) answer = fail('not_authed');
    else if (organization) answer = this.failures.get(method)?.shift() ?? this.organizationCall(method, organization);
    else if (!workspace) answer = fail('invalid_auth');
    else answer = this.failures.get(method)?.shift() ?? this.dispatch(method, args, workspace);
    this.record({ method, args, team: workspace?.teamId, status: answer.status, response: answer.body });
    return answer;
  }

  /** The exchange of a consent page's code for a bot token, which from then on works like Slack's. */
  private oauthAccess(parsed: { args: Args; error?: string }, authorization: string | undefined): Answer {
    // Slack takes the client's credentials as HTTP Basic auth or as form fields.
    const basic = authorization?.startsWith('Basic ')
      ? Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8')
      : undefined;
    const colon = basic?.indexOf(':') ?? -1;
    const { client_secret: bodySecret, ...args } = parsed.args;
    const clientId = basic && colon >= 0 ? basic.slice(0, colon) : str(args.client_id);
    const clientSecret = basic && colon >= 0 ? basic.slice(colon + 1) : str(bodySecret);
    const code = str(args.code);
    const grant = code ? this.oauthCodes.get(code) : undefined;

    let answer: Answer;
    if (parsed.error) answer = fail(parsed.error);
    else if (!this.oauthClient || clientId !== this.oauthClient.clientId) answer = fail('invalid_client_id');
    else if (clientSecret !== this.oauthClient.clientSecret) answer = fail('bad_client_secret');
    else if (!grant || this.now() - grant.issuedAt > OAUTH_CODE_LIFETIME_MS) answer = fail('invalid_code');
    else if (str(args.redirect_uri) !== grant.redirectUri) answer = fail('bad_redirect_uri');
    else answer = this.failures.get('oauth.v2.access')?.shift() ?? this.install(code!, grant);
    // The client secret is never kept, like tokens.
    this.record({ method: 'oauth.v2.access', args, team: grant?.teamId, status: answer.status, response: answer.body });
    return answer;
  }

  private install(code: string, grant: OAuthCode): Answer {
    this.oauthCodes.delete(code);
    const botToken = `xoxb-${randomBytes(16).toString('hex')}`;
    const bot = { botToken, botUserId: grant.botUserId, botId: `B${grant.botUserId.slice(1)}` };
    const enterprise = grant.enterpriseId ? { id: grant.enterpriseId, name: grant.enterpriseName ?? grant.enterpriseId } : null;
    let team: Args | null = null;
    if (grant.isEnterpriseInstall) {
      for (const [token, organization] of this.organizations) {
        if (organization.enterpriseId === grant.enterpriseId) this.organizations.delete(token);
      }
      this.organizations.set(botToken, { enterpriseId: enterprise!.id, name: enterprise!.name, ...bot });
    } else {
      // Installing again replaces the token: the previous one stops working.
      const existing = this.workspaces.get(grant.teamId!);
      const name = grant.teamName ?? existing?.name ?? grant.teamId!;
      this.addWorkspace({ teamId: grant.teamId!, domain: existing?.domain, name, enterpriseId: grant.enterpriseId, ...bot });
      team = { id: grant.teamId, name };
    }
    return ok({
      app_id: this.appId,
      authed_user: { id: grant.userId ?? DEFAULTS.userId },
      scope: grant.scopes.join(','),
      token_type: 'bot',
      access_token: botToken,
      bot_user_id: grant.botUserId,
      team,
      enterprise,
      is_enterprise_install: grant.isEnterpriseInstall === true,
    });
  }

  /** An organisation-wide token acts in many workspaces; only auth.test, which names none, is simulated. */
  private organizationCall(method: string, organization: Organization): Answer {
    if (method !== 'auth.test') throw new Error(`${method} with an organisation-wide token is not simulated`);
    return ok({
      url: `https://${organization.enterpriseId.toLowerCase()}.enterprise.slack.com/`,
      team: organization.name,
      user: 'feedback',
      team_id: organization.enterpriseId,
      user_id: organization.botUserId,
      bot_id: organization.botId,
      enterprise_id: organization.enterpriseId,
      is_enterprise_install: true,
    });
  }

  private parseArgs(req: IncomingMessage, url: URL, raw: string): { args: Args; error?: string } {
    const args: Args = Object.fromEntries(url.searchParams);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (raw === '') return { args };
    if (type === 'application/json') {
      try {
        const body: unknown = JSON.parse(raw);
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return { args, error: 'invalid_json' };
        return { args: { ...args, ...(body as Args) } };
      } catch {
        return { args, error: 'invalid_json' };
      }
    }
    if (type === 'application/x-www-form-urlencoded') {
      for (const [key, value] of new URLSearchParams(raw)) {
        args[key] = value;
        if (JSON_FIELDS.includes(key)) {
          try {
            args[key] = JSON.parse(value);
          } catch {
            return { args, error: 'invalid_arguments' };
          }
        }
      }
      return { args };
    }
    return { args, error: 'invalid_form_data' };
  }

  private dispatch(method: string, args: Args, workspace: Workspace): Answer {
    switch (method) {
      case 'auth.test':
        return ok({
          url: `https://${workspace.domain}.slack.com/`,
          team: workspace.domain,
          user: 'feedback',
          team_id: workspace.teamId,
          user_id: workspace.botUserId,
          bot_id: workspace.botId,
          ...(workspace.enterpriseId && { enterprise_id: workspace.enterpriseId }),
          is_enterprise_install: false,
        });
      case 'views.open':
        return this.viewsOpen(args, workspace, false);
      case 'views.push':
        return this.viewsOpen(args, workspace, true);
      case 'views.update':
        return this.viewsUpdate(args, workspace);
      case 'views.publish':
        return this.viewsPublish(args, workspace);
      case 'chat.postMessage':
        return this.postMessage(args, workspace);
      case 'chat.postEphemeral':
        return this.postEphemeral(args, workspace);
      case 'chat.update':
        return this.chatUpdate(args, workspace);
      case 'chat.getPermalink':
        return this.getPermalink(args, workspace);
      case 'users.info':
        return this.usersInfo(args, workspace);
      case 'usergroups.users.list': {
        const group = this.usergroups.get(str(args.usergroup) ?? '');
        if (!group || group.teamId !== workspace.teamId) return fail('no_such_subteam');
        return ok({ users: group.users });
      }
      case 'conversations.info':
        return this.conversationsInfo(args, workspace);
      case 'conversations.open': {
        // The app's DM with one person; several people would make a group DM, which the app never opens.
        const users = (str(args.users) ?? '').split(',').filter(Boolean);
        if (users.length === 0) return fail('users_list_not_supplied');
        if (users.length > 1) return fail('not_supported');
        const channel = this.directMessage(users[0], workspace);
        return channel ? ok({ channel: { id: channel.id } }) : fail('user_not_found');
      }
      case 'functions.completeSuccess':
      case 'functions.completeError':
        return this.completeFunction(method, args, workspace);
      case 'files.getUploadURLExternal':
        return this.getUploadUrl(args, workspace);
      case 'files.completeUploadExternal':
        return this.completeUpload(args, workspace);
      default:
        // Slack's own answer to a method it does not have is a 404.
        return { status: 404, body: { ok: false, error: 'unknown_method', req_method: method } };
    }
  }

  private checkView(args: Args, type: 'modal' | 'home'): Answer | undefined {
    if (args.view === undefined) return invalid('invalid_arguments', ['[ERROR] missing required field: view [json-pointer:/]']);
    const messages = validateView(args.view);
    if (messages.length > 0) return invalid('invalid_arguments', messages);
    if ((args.view as Args).type !== type) {
      return invalid('invalid_arguments', ['[ERROR] must be a valid enum value [json-pointer:/view/type]']);
    }
    return undefined;
  }

  private useTrigger(args: Args, workspace: Workspace): Trigger | Answer {
    const id = str(args.trigger_id) ?? str(args.interactivity_pointer);
    if (!id) return invalid('invalid_arguments', ['[ERROR] missing required field: trigger_id [json-pointer:/]']);
    const trigger = this.triggers.get(id);
    if (!trigger || trigger.teamId !== workspace.teamId) return fail('invalid_trigger_id');
    if (trigger.used) return fail('exchanged_trigger_id');
    if (this.now() - trigger.issuedAt > this.triggerLifetimeMs) return fail('expired_trigger_id');
    return trigger;
  }

  private externalIdTaken(externalId: string, teamId: string, except?: string): boolean {
    return [...this.views.values()].some((v) => v.team_id === teamId && v.external_id === externalId && v.id !== except);
  }

  private build(
    input: Args,
    workspace: Workspace,
    base: { id: string; root: string | null; previous: string | null },
  ): SimulatedView {
    const type = input.type as 'modal' | 'home';
    return {
      id: base.id,
      team_id: workspace.teamId,
      type,
      title: normalize(input.title ?? { type: 'plain_text', text: 'View Title' }) as Args,
      blocks: withIds(input.blocks as unknown[]),
      close: (normalize(input.close) as Args | undefined) ?? null,
      submit: (normalize(input.submit) as Args | undefined) ?? null,
      private_metadata: (input.private_metadata as string | undefined) ?? '',
      callback_id: (input.callback_id as string | undefined) ?? '',
      external_id: (input.external_id as string | undefined) ?? '',
      state: { values: {} },
      hash: `${Math.floor(this.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      clear_on_close: (input.clear_on_close as boolean | undefined) ?? false,
      notify_on_close: (input.notify_on_close as boolean | undefined) ?? false,
      root_view_id: base.root,
      previous_view_id: base.previous,
      app_id: this.appId,
      app_installed_team_id: workspace.teamId,
      bot_id: workspace.botId,
    };
  }

  private store(view: SimulatedView): Answer {
    this.views.set(view.id, view);
    return ok({ view: structuredClone(view) });
  }

  private viewsOpen(args: Args, workspace: Workspace, push: boolean): Answer {
    const refused = this.checkView(args, 'modal');
    if (refused) return refused;
    const trigger = this.useTrigger(args, workspace);
    if (!('issuedAt' in trigger)) return trigger;
    const input = args.view as Args;
    const externalId = str(input.external_id);
    if (externalId && this.externalIdTaken(externalId, workspace.teamId)) return fail('duplicate_external_id');

    const id = randomId('V', 10);
    const under = push && trigger.viewId ? this.views.get(trigger.viewId) : undefined;
    if (under && this.depth(under) >= VIEW_STACK_DEPTH) return fail('push_limit_reached');
    trigger.used = true;
    return this.store(this.build(input, workspace, { id, root: under?.root_view_id ?? id, previous: under?.id ?? null }));
  }

  private depth(view: SimulatedView): number {
    let depth = 1;
    for (let v = view; v.previous_view_id && this.views.has(v.previous_view_id); v = this.views.get(v.previous_view_id)!) depth++;
    return depth;
  }

  private viewsUpdate(args: Args, workspace: Workspace): Answer {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    if (!viewId && !externalId) return invalid('invalid_arguments', ['[ERROR] missing required field: view_id [json-pointer:/]']);
    const current = viewId
      ? this.views.get(viewId)
      : [...this.views.values()].find((v) => v.team_id === workspace.teamId && v.external_id === externalId);
    if (!current || current.team_id !== workspace.teamId) return fail('not_found');
    const refused = this.checkView(args, current.type);
    if (refused) return refused;
    if (args.hash !== undefined && args.hash !== current.hash) return fail('hash_conflict');
    const input = args.view as Args;
    const newExternalId = str(input.external_id);
    if (newExternalId && this.externalIdTaken(newExternalId, workspace.teamId, current.id)) return fail('duplicate_external_id');
    return this.store(
      this.build(input, workspace, { id: current.id, root: current.root_view_id, previous: current.previous_view_id }),
    );
  }

  private viewsPublish(args: Args, workspace: Workspace): Answer {
    const userId = str(args.user_id);
    if (!userId) return invalid('invalid_arguments', ['[ERROR] missing required field: user_id [json-pointer:/]']);
    const user = this.users.get(userId);
    if (!user || user.teamId !== workspace.teamId) return fail('user_not_found');
    const refused = this.checkView(args, 'home');
    if (refused) return refused;
    const key = `${workspace.teamId}/${userId}`;
    const existing = this.homeViews.get(key);
    const current = existing ? this.views.get(existing) : undefined;
    if (current && args.hash !== undefined && args.hash !== current.hash) return fail('hash_conflict');
    const id = current?.id ?? randomId('V', 10);
    this.homeViews.set(key, id);
    return this.store(this.build(args.view as Args, workspace, { id, root: null, previous: null }));
  }

  private nextTs(): string {
    // Message timestamps are unique per channel and only ever grow.
    const micros = Math.max(this.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  /** The channel as the bot sees it, or why it cannot post there. */
  private reachable(channelId: string | undefined, workspace: Workspace): Channel | Answer {
    const channel = channelId ? this.channels.get(channelId) : undefined;
    if (!channel || channel.teamId !== workspace.teamId) return fail('channel_not_found');
    const member = channel.members.has(workspace.botUserId);
    // A bot cannot even see a private conversation it was not invited to.
    if (!member && channel.kind !== 'public') return fail('channel_not_found');
    if (channel.archived) return fail('is_archived');
    if (!member) return fail('not_in_channel');
    return channel;
  }

  private checkMessage(args: Args): Answer | undefined {
    if (args.blocks === undefined && !str(args.text)) return fail('no_text');
    if (args.blocks !== undefined) {
      const messages = validateMessageBlocks(args.blocks);
      if (messages.length > 0) return invalid('invalid_blocks', messages);
    }
    return undefined;
  }

  /** The app's own DM with a user, which chat.postMessage opens when given a user id. */
  private directMessage(userId: string, workspace: Workspace): Channel | undefined {
    const user = this.users.get(userId);
    if (!user || user.teamId !== workspace.teamId) return undefined;
    const existing = [...this.channels.values()].find(
      (c) => c.kind === 'im' && c.teamId === workspace.teamId && c.members.has(userId) && c.members.has(workspace.botUserId),
    );
    if (existing) return existing;
    const id = randomId('D', 10);
    this.addChannel({ id, teamId: workspace.teamId, kind: 'im', name: userId, members: [userId, workspace.botUserId] });
    return this.channels.get(id);
  }

  private postMessage(args: Args, workspace: Workspace): Answer {
    const target = str(args.channel);
    const channel =
      target && /^[UW]/.test(target)
        ? (this.directMessage(target, workspace) ?? fail('channel_not_found'))
        : this.reachable(target, workspace);
    if (!('members' in channel)) return channel;
    const refused = this.checkMessage(args);
    if (refused) return refused;
    const ts = this.nextTs();
    const message: Args = {
      type: 'message',
      user: workspace.botUserId,
      bot_id: workspace.botId,
      app_id: this.appId,
      team: workspace.teamId,
      text: args.text ?? '',
      ts,
    };
    if (args.blocks !== undefined) message.blocks = withIds(args.blocks as unknown[]);
    if (str(args.thread_ts)) message.thread_ts = args.thread_ts;
    this.messages.set(`${channel.id}/${ts}`, message);
    return ok({ channel: channel.id, ts, message: structuredClone(message) });
  }

  /** Only the bot's own messages, in a channel it can still reach, are edited; the ts stays. */
  private chatUpdate(args: Args, workspace: Workspace): Answer {
    const channelId = str(args.channel);
    const ts = str(args.ts);
    if (!channelId || !ts) return invalid('invalid_arguments', ['[ERROR] missing required field: channel, ts [json-pointer:/]']);
    const channel = this.reachable(channelId, workspace);
    if (!('members' in channel)) return channel;
    const message = this.messages.get(`${channel.id}/${ts}`);
    if (!message || message.team !== workspace.teamId) return fail('message_not_found');
    if (message.bot_id !== workspace.botId) return fail('cant_update_message');
    const refused = this.checkMessage(args);
    if (refused) return refused;
    message.text = args.text ?? '';
    if (args.blocks !== undefined) message.blocks = withIds(args.blocks as unknown[]);
    message.edited = { user: workspace.botUserId, ts: this.nextTs() };
    return ok({ channel: channel.id, ts, text: message.text, message: structuredClone(message) });
  }

  /** A link to any message of a channel the bot can see: Slack needs no scope for it. */
  private getPermalink(args: Args, workspace: Workspace): Answer {
    const channel = this.channels.get(str(args.channel) ?? '');
    const ts = str(args.message_ts);
    if (!channel || channel.teamId !== workspace.teamId) return fail('channel_not_found');
    if (channel.kind !== 'public' && !channel.members.has(workspace.botUserId)) return fail('channel_not_found');
    if (!ts || !/^\d+\.\d{6}$/.test(ts)) return fail('message_not_found');
    return ok({
      channel: channel.id,
      permalink: `https://${workspace.domain}.slack.com/archives/${channel.id}/p${ts.replace('.', '')}`,
    });
  }

  /** As Slack checks it: a running execution of this workspace, outputs as the step declares them, once. */
  private completeFunction(method: string, args: Args, workspace: Workspace): Answer {
    const id = str(args.function_execution_id);
    if (!id) return invalid('invalid_arguments', ['[ERROR] missing required field: function_execution_id [json-pointer:/]']);
    const execution = this.executions.get(id);
    if (!execution || execution.teamId !== workspace.teamId) return fail('function_execution_not_found');
    if (execution.state !== 'running') return fail('execution_not_in_running_state');
    if (method === 'functions.completeError') {
      const error = str(args.error);
      if (!error) return invalid('invalid_arguments', ['[ERROR] missing required field: error [json-pointer:/]']);
      Object.assign(execution, { state: 'failed', error });
      return ok();
    }
    const outputs = args.outputs;
    if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) {
      return invalid('invalid_arguments', ['[ERROR] missing required field: outputs [json-pointer:/]']);
    }
    const declared = execution.step.output_parameters;
    const given = outputs as Args;
    const problems = [
      ...(declared.required ?? []).filter((name) => given[name] === undefined).map((name) => `${name} is required`),
      ...Object.keys(given)
        .filter((name) => !(name in declared.properties))
        .map((name) => `${name} is not an output`),
      ...Object.entries(given)
        .filter(([name, value]) => name in declared.properties && typeof value !== JS_TYPE[declared.properties[name].type])
        .map(([name]) => `${name} must be a ${declared.properties[name].type}`),
    ];
    if (problems.length) return fail('parameter_validation_failed', { errors: problems });
    Object.assign(execution, { state: 'completed', outputs: given });
    return ok();
  }

  private postEphemeral(args: Args, workspace: Workspace): Answer {
    const channel = this.reachable(str(args.channel), workspace);
    if (!('members' in channel)) return channel;
    const userId = str(args.user);
    if (!userId || !channel.members.has(userId)) return fail('user_not_in_channel');
    const refused = this.checkMessage(args);
    if (refused) return refused;
    return ok({ message_ts: this.nextTs() });
  }

  private usersInfo(args: Args, workspace: Workspace): Answer {
    const user = this.users.get(str(args.user) ?? '');
    if (!user || user.teamId !== workspace.teamId) return fail('user_not_found');
    return ok({
      user: {
        id: user.id,
        team_id: user.teamId,
        name: user.name,
        real_name: user.realName,
        deleted: false,
        is_admin: user.isAdmin,
        is_owner: user.isOwner,
        is_primary_owner: false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: user.isBot,
        is_app_user: false,
        tz: user.tz,
        profile: { real_name: user.realName, display_name: user.name, team: user.teamId },
      },
    });
  }

  private conversationsInfo(args: Args, workspace: Workspace): Answer {
    const channel = this.channels.get(str(args.channel) ?? '');
    if (!channel || channel.teamId !== workspace.teamId) return fail('channel_not_found');
    const member = channel.members.has(workspace.botUserId);
    if (!member && channel.kind !== 'public') return fail('channel_not_found');
    return ok({
      channel: {
        id: channel.id,
        name: channel.name,
        // Private channels made before 2021 (ids starting with G) are still "groups".
        is_channel: channel.kind === 'public' || (channel.kind === 'private' && !channel.id.startsWith('G')),
        is_group: channel.kind === 'private' && channel.id.startsWith('G'),
        is_im: channel.kind === 'im',
        is_mpim: channel.kind === 'mpim',
        is_private: channel.kind !== 'public',
        is_archived: channel.archived,
        is_member: member,
        context_team_id: channel.teamId,
      },
    });
  }

  private getUploadUrl(args: Args, workspace: Workspace): Answer {
    const filename = str(args.filename);
    const length = Number(args.length);
    if (!filename) return invalid('invalid_arguments', ['[ERROR] missing required field: filename [json-pointer:/]']);
    if (args.length === undefined)
      return invalid('invalid_arguments', ['[ERROR] missing required field: length [json-pointer:/]']);
    if (!Number.isInteger(length) || length < 1)
      return invalid('invalid_arguments', ['[ERROR] must be a positive integer [json-pointer:/length]']);
    const id = randomId('F', 10);
    const secret = randomBytes(16).toString('hex');
    this.files.set(id, { id, teamId: workspace.teamId, filename, length, completed: false, shares: [] });
    this.uploadUrls.set(secret, id);
    return ok({ upload_url: `${this.baseUrl}/upload/v1/${secret}`, file_id: id });
  }

  /**
   * The POST of a file's content to its upload URL: the raw bytes, or a multipart form
   * whose one file part holds them (what @slack/web-api's filesUploadV2 sends). Slack
   * answers it in plain text, not as the Web API does.
   */
  private async upload(url: URL, req: IncomingMessage, bytes: Buffer): Promise<[number, string]> {
    const file = this.files.get(this.uploadUrls.get(url.pathname.slice('/upload/v1/'.length)) ?? '');
    let status = 200;
    let text: string;
    if (req.method !== 'POST' || !file) {
      status = 404;
      text = 'Not Found';
    } else if (file.completed) {
      status = 400;
      text = 'upload_already_completed';
    } else {
      const type = req.headers['content-type'] ?? 'application/octet-stream';
      let content: { bytes: Buffer; type: string } | undefined = { bytes, type };
      if (type.split(';')[0].trim().toLowerCase() === 'multipart/form-data') {
        content = await this.filePart(bytes, type);
      }
      if (content) {
        file.bytes = content.bytes;
        file.contentType = content.type;
        text = `OK - ${content.bytes.length}`;
      } else {
        status = 400;
        text = 'invalid_form_data';
      }
    }
    const team = file?.teamId;
    this.record({
      method: 'file_upload',
      args: { file_id: file?.id, bytes: bytes.length },
      team,
      status,
      response: { text },
      url: url.href,
    });
    return [status, text];
  }

  /** The one file part of a multipart form, undefined when the form is malformed or holds none. */
  private async filePart(bytes: Buffer, type: string): Promise<{ bytes: Buffer; type: string } | undefined> {
    try {
      const form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': type } }).formData();
      const parts = [...form.values()].filter((value): value is File => typeof value !== 'string');
      if (parts.length !== 1) return undefined;
      return { bytes: Buffer.from(await parts[0].arrayBuffer()), type: parts[0].type };
    } catch {
      return undefined;
    }
  }

  private completeUpload(args: Args, workspace: Workspace): Answer {
    const files = args.files;
    if (!Array.isArray(files) || files.length === 0) {
      return invalid('invalid_arguments', ['[ERROR] missing required field: files [json-pointer:/]']);
    }
    const found: SimulatedFile[] = [];
    for (const entry of files as Args[]) {
      const file = this.files.get(str(entry?.id) ?? '');
      if (!file || file.teamId !== workspace.teamId || file.completed) return fail('file_not_found');
      // Slack completes only what arrived at the upload URL.
      if (!file.bytes) return fail('file_not_found');
      if (file.bytes.length !== file.length) return fail('file_upload_size_mismatch');
      found.push(file);
    }
    const channelId = str(args.channel_id) ?? str(args.channels);
    const initialComment = str(args.initial_comment);
    const threadTs = str(args.thread_ts);
    let share: SimulatedFile['shares'][number] | undefined;
    if (channelId) {
      const channel = this.reachable(channelId, workspace);
      if (!('members' in channel)) return channel;
      share = {
        channel: channel.id,
        ts: this.nextTs(),
        ...(initialComment && { initialComment }),
        ...(threadTs && { threadTs }),
      };
    }
    for (const [i, file] of found.entries()) {
      file.completed = true;
      file.title = str((files as Args[])[i].title) ?? file.filename;
      if (share) file.shares.push(share);
    }
    return ok({
      files: found.map((file) => ({
        id: file.id,
        name: file.filename,
        title: file.title,
        size: file.bytes!.length,
        user_team: workspace.teamId,
        channels: file.shares.map((s) => s.channel),
      })),
    });
  }

  private respond(url: URL, req: IncomingMessage, raw: string): Answer {
    const id = url.pathname.slice('/response/'.length);
    const target = this.responseTargets.get(id);
    let args: Args = {};
    let answer: Answer;
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    try {
      args = type === 'application/json' ? (JSON.parse(raw) as Args) : {};
    } catch {
      args = {};
    }
    if (!target || this.now() - target.issuedAt > RESPONSE_URL_LIFETIME_MS) {
      answer = { status: 404, body: { ok: false, error: 'expired_url' } };
    } else if (target.uses >= RESPONSE_URL_USES) {
      answer = { status: 404, body: { ok: false, error: 'used_url' } };
    } else if (this.failures.get('response_url')?.length) {
      answer = this.failures.get('response_url')!.shift()!;
    } else if (type !== 'application/json' || typeof args !== 'object' || args === null) {
      answer = { status: 400, body: { ok: false, error: 'invalid_payload' } };
    } else {
      target.uses++;
      const refused = args.delete_original === true ? undefined : this.checkMessage(args);
      answer = refused ? { ...refused, status: 400 } : ok();
    }
    this.record({
      method: 'response_url',
      args,
      team: target?.teamId,
      status: answer.status,
      response: answer.body,
      url: url.href,
    });
    return answer;
  }
}
