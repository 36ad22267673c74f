import test from 'ava';
import { WebClient } from '@slack/web-api';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { slackClientOptions } from '../../../app/slack/app.js';
import { slackFetch } from '../../../app/slack/transport.js';
import { DEFAULTS, SlackSimulator } from '../../simulators/slack.js';
import { closedPort } from '../../support/temporary.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(t: { teardown(fn: () => void): void }, handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('sends method, headers and body as given, and answers as fetch does', async (t) => {
  let seen: { method?: string; type?: string; length?: string; body?: string } = {};
  const base = await serve(t, (req, body, res) => {
    seen = { method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], body };
    res.setHeader('x-oauth-scopes', 'commands,chat:write');
    res.setHeader('set-cookie', ['a=1', 'b=2']);
    res.writeHead(201, 'Made', { 'content-type': 'application/json' }).end('{"ok":true,"text":"héllo"}');
  });
  const body = 'text=%C3%A9t%C3%A9&n=1';
  const response = await slackFetch(`${base}/api/chat.postMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  t.deepEqual(seen, { method: 'POST', type: 'application/x-www-form-urlencoded', length: String(Buffer.byteLength(body)), body });
  t.is(response.status, 201);
  t.is(response.statusText, 'Made');
  t.true(response.ok);
  t.is(response.url, `${base}/api/chat.postMessage`);
  t.is(response.headers.get('X-OAuth-Scopes'), 'commands,chat:write');
  t.is(response.headers.get('set-cookie'), 'a=1, b=2');
  t.is(response.headers.get('retry-after'), null);
  t.is(Object.fromEntries(response.headers.entries())['content-type'], 'application/json');
  t.deepEqual(await response.json(), { ok: true, text: 'héllo' });
  t.is(new TextDecoder().decode(await response.arrayBuffer()), '{"ok":true,"text":"héllo"}');
});

test('a redirect is an error under redirect: error, and is never followed otherwise', async (t) => {
  let requests = 0;
  const base = await serve(t, (_req, _body, res) => {
    requests++;
    res.writeHead(302, { location: '/elsewhere' }).end();
  });
  await t.throwsAsync(slackFetch(`${base}/api/x`, { method: 'POST', body: '', redirect: 'error' }), {
    instanceOf: TypeError,
    message: /redirect/,
  });
  const manual = await slackFetch(`${base}/api/x`, { method: 'POST', body: '', redirect: 'manual' });
  t.is(manual.status, 302);
  t.false(manual.ok);
  t.is(requests, 2);
});

test('an abort, before or during the answer, rejects with the signal’s reason', async (t) => {
  const base = await serve(t, (_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"ok":');
    // The rest never comes.
  });
  const before = new AbortController();
  before.abort(new Error('stopped before'));
  await t.throwsAsync(slackFetch(`${base}/`, { signal: before.signal }), { message: 'stopped before' });
  // As with fetch, a timeout's reason is a DOMException, which is not an Error in Node 20.
  const reason = await slackFetch(`${base}/`, { method: 'POST', body: 'a=1', signal: AbortSignal.timeout(100) }).then(
    () => undefined,
    (error: { name?: string }) => error,
  );
  t.is(reason?.name, 'TimeoutError');
});

test('a kept-alive connection the server drops as it is reused is replaced once; a new one that fails is not retried', async (t) => {
  let connections = 0;
  let requests = 0;
  let dropFirst = false;
  const server = createServer((req, res) => {
    requests++;
    const socket = req.socket as unknown as { served?: number };
    socket.served ??= 0;
    const perSocket = socket.served + 1;
    socket.served = perSocket;
    req.resume();
    // As a server closing an idle connection does: the request on it is never answered.
    if (perSocket === 2 || dropFirst) return req.socket.destroy();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/views.update`;
  const post = () => slackFetch(url, { method: 'POST', body: 'view_id=V1' });

  t.true((await post()).ok);
  t.true((await post()).ok, 'sent again on a new connection');
  t.is(requests, 3);
  t.is(connections, 2);

  // No connection is left to reuse: the next request goes on a new one, which fails.
  dropFirst = true;
  server.closeIdleConnections();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = requests;
  const error = await t.throwsAsync(post());
  t.is((error as NodeJS.ErrnoException).code, 'ECONNRESET');
  t.is(requests - before, 1, 'a request that may have been read is not sent twice');
});

test('refuses what it cannot send, and reports a refused connection by its code', async (t) => {
  await t.throwsAsync(slackFetch('ftp://127.0.0.1/x'), { instanceOf: TypeError, message: /ftp:/ });
  await t.throwsAsync(slackFetch('http://127.0.0.1:1/x', { method: 'POST', body: 7 as unknown as string }), {
    instanceOf: TypeError,
    message: /cannot be sent/,
  });
  const error = await t.throwsAsync(slackFetch(`http://127.0.0.1:${await closedPort()}/x`));
  t.is((error as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('WebClient works through it: a call, an error answer, and HTTP 429 with Retry-After', async (t) => {
  let calls = 0;
  const base = await serve(t, (req, body, res) => {
    calls++;
    const params = new URLSearchParams(body);
    if (req.url === '/api/views.open') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, view: { id: 'V1', ...JSON.parse(params.get('view') ?? '{}') } }));
    } else if (req.url === '/api/chat.postMessage') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"not_in_channel"}');
    } else {
      res.writeHead(429, { 'retry-after': '7' }).end();
    }
  });
  const client = new WebClient('xoxb-test', {
    slackApiUrl: `${base}/api/`,
    fetch: slackFetch,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  const opened = await client.views.open({
    trigger_id: '1.2.3',
    view: { type: 'modal', title: { type: 'plain_text', text: 'Hi' }, blocks: [] },
  });
  t.is((opened.view as { id: string }).id, 'V1');
  const refused = await t.throwsAsync(client.chat.postMessage({ channel: 'C1', text: 'x' }));
  t.is((refused as { data?: { error?: string } }).data?.error, 'not_in_channel');
  const limited = await t.throwsAsync(client.users.info({ user: 'U1' }));
  t.is((limited as { retryAfter?: number }).retryAfter, 7);
  t.is(calls, 3);
});

test('WebClient’s filesUploadV2 sends a 1 MB CSV through it byte for byte, and the file is shared to the channel', async (t) => {
  const sim = await SlackSimulator.start();
  t.teardown(() => sim.close());
  const client = new WebClient(DEFAULTS.botToken, slackClientOptions(sim.apiUrl));
  const lines = ['agent,score,comment'];
  for (let i = 0, size = 0; size < 1024 * 1024; i++) {
    lines.push(`Zoë ${i},${i % 11},"Très bien — 👍 ${i}"`);
    size += lines[i + 1].length;
  }
  // A byte that is not UTF-8 at all, as a spreadsheet's own encoding may give.
  const csv = Buffer.concat([Buffer.from(lines.join('\n'), 'utf8'), Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a])]);

  const result = await client.filesUploadV2({
    channel_id: DEFAULTS.channelId,
    file: csv,
    filename: 'scores.csv',
    title: 'Scores',
    initial_comment: 'This week’s scores',
  });

  const id = (result as unknown as { files: Array<{ files: Array<{ id: string }> }> }).files[0].files[0].id;
  const file = sim.file(id)!;
  t.true(file.bytes!.equals(csv), 'the bytes arrived exactly');
  t.true(csv.length > 1024 * 1024);
  t.like(file, { filename: 'scores.csv', completed: true });
  t.like(file.shares[0], { channel: DEFAULTS.channelId, initialComment: 'This week’s scores' });
});

test('sends bytes, streams and forms with their own content type unless one is given', async (t) => {
  const seen: Array<{ type?: string; body: Buffer }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ type: req.headers['content-type'], body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
  const bytes = new Uint8Array([0xe9, 0x00, 0xff]);
  await slackFetch(url, { method: 'POST', body: bytes, headers: { 'Content-Type': 'text/csv' } });
  await slackFetch(url, { method: 'POST', body: Readable.from([Buffer.from('ab'), Buffer.from([0xff])]) });
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'text/csv' }), 'a.csv');
  await slackFetch(url, { method: 'POST', body: form });

  t.deepEqual(seen[0], { type: 'text/csv', body: Buffer.from(bytes) });
  t.deepEqual(seen[1], { type: undefined, body: Buffer.from([0x61, 0x62, 0xff]) });
  t.regex(seen[2].type!, /^multipart\/form-data; boundary=/);
  const parsed = await new Response(new Uint8Array(seen[2].body), { headers: { 'content-type': seen[2].type! } }).formData();
  const part = parsed.get('file') as File;
  t.is(part.name, 'a.csv');
  t.deepEqual(Buffer.from(await part.arrayBuffer()), Buffer.from(bytes));
});
