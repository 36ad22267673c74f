import test from 'ava';
import { WebClient } from '@slack/web-api';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackFetch } from '../app/slack/transport.js';
import { closedPort } from './support/temporary.js';

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
  await t.throwsAsync(slackFetch(`${base}/api/x`, { method: 'POST', body: '', redirect: 'error' }), { instanceOf: TypeError, message: /redirect/ });
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
    const perSocket = ((req.socket as unknown as { served?: number }).served ??= 0) + 1;
    (req.socket as unknown as { served?: number }).served = perSocket;
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
  await t.throwsAsync(slackFetch('http://127.0.0.1:1/x', { method: 'POST', body: 7 as unknown as string }), { instanceOf: TypeError, message: /cannot be sent/ });
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
  const client = new WebClient('xoxb-test', { slackApiUrl: `${base}/api/`, fetch: slackFetch, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const opened = await client.views.open({ trigger_id: '1.2.3', view: { type: 'modal', title: { type: 'plain_text', text: 'Hi' }, blocks: [] } });
  t.is((opened.view as { id: string }).id, 'V1');
  const refused = await t.throwsAsync(client.chat.postMessage({ channel: 'C1', text: 'x' }));
  t.is((refused as { data?: { error?: string } }).data?.error, 'not_in_channel');
  const limited = await t.throwsAsync(client.users.info({ user: 'U1' }));
  t.is((limited as { retryAfter?: number }).retryAfter, 7);
  t.is(calls, 3);
});
