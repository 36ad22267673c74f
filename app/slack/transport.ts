import type { FetchFunction } from '@slack/web-api';
import { createReadStream } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** Text, bytes (a file's content for its upload URL) or a multipart form, as fetch takes them. */
export type SlackBody = string | Uint8Array | ArrayBuffer | Blob | FormData | Readable;
export type SlackRequestInit = Omit<FetchRequestInit, 'body'> & { body?: SlackBody };

/*
 * How the app reaches Slack: the Web API (as WebClient's `fetch`) and response_urls.
 * Measured on the bench machine, Node's own fetch spent about 0.9 ms of CPU on a
 * views.open and node-fetch 0.7 ms, where http.request with a kept-alive connection
 * spent 0.35 ms; every modal, update and outcome makes such a call, so this is much of
 * what a busy floor costs (the bench's "Bolt + views.open" row is the same modal through
 * Node's fetch). It does
 * what those calls need and no more: one request, a body held in memory, no redirects.
 * A body is read whole before it is sent, a stream included, so that a request can go
 * again on a new connection. A file too large to hold (a CSV export) goes through postFile.
 */

/**
 * An idle connection is closed after this, or a second before the server's own Keep-Alive
 * timeout when it names one (Node's agent takes the shorter only when given a timeout), so
 * that a request is rarely sent on a connection the server is closing.
 */
const IDLE_MS = 30_000;
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
};

class AnswerHeaders implements Pick<FetchResponse['headers'], 'get' | 'entries'> {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) yield [name, this.get(name) ?? ''];
  }
}

/** What Slack answered, read whole. */
class Answer implements FetchResponse {
  readonly ok: boolean;
  readonly headers: AnswerHeaders;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new AnswerHeaders(headers);
  }

  async text(): Promise<string> {
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The bytes to send and, for a form or a typed Blob, the content type that names its encoding. */
async function encode(body: SlackBody): Promise<{ bytes: Buffer; type?: string }> {
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8') };
  if (body instanceof Uint8Array) return { bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  if (body instanceof ArrayBuffer) return { bytes: Buffer.from(body) };
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array));
    return { bytes: Buffer.concat(chunks) };
  }
  if (body instanceof Blob || body instanceof FormData) {
    // The platform's own encoder writes the multipart form and its boundary, as fetch would.
    const encoded = new Response(body);
    return { bytes: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get('content-type') || undefined };
  }
  throw new TypeError(`A body of type ${Object.prototype.toString.call(body)} cannot be sent`);
}

/**
 * A fetch for Slack's calls. Like fetch it rejects with a TypeError for what it cannot
 * send or a redirect under `redirect: 'error'`, and with the signal's reason once aborted;
 * a redirect is otherwise answered as it came (Slack's API has none to follow).
 */
export const slackFetch = async (input: string | URL, init: SlackRequestInit = {}): Promise<FetchResponse> => {
  const url = typeof input === 'string' ? new URL(input) : input;
  if (!(url.protocol in AGENTS)) throw new TypeError(`Only http and https URLs are fetched, not ${url.protocol}`);
  if (init.signal?.aborted) throw init.signal.reason;
  const headers: Record<string, string | number> = { ...init.headers };
  let body: Buffer | undefined;
  if (init.body !== undefined) {
    const encoded = await encode(init.body);
    body = encoded.bytes;
    const named = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    if (encoded.type && !named) headers['content-type'] = encoded.type;
    headers['content-length'] = body.byteLength;
  }
  if (init.signal?.aborted) throw init.signal.reason;
  return send(url, { ...init, headers, body }, false);
};

function send(
  url: URL,
  init: Omit<FetchRequestInit, 'body' | 'headers'> & { headers: Record<string, string | number>; body?: Buffer },
  again: boolean,
): Promise<FetchResponse> {
  return new Promise<FetchResponse>((resolve, reject) => {
    const { body, signal, headers } = init;
    // An abort ends the request, or the answer while it arrives: either way fetch rejects with the signal's reason.
    const fail = (error: Error) => reject(signal?.aborted ? signal.reason : error);
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: init.method ?? 'GET', headers, agent: AGENTS[url.protocol as keyof typeof AGENTS], signal },
      (response) => {
        const status = response.statusCode ?? 0;
        if (init.redirect === 'error' && isRedirect(status)) {
          response.resume();
          return reject(new TypeError(`${url.origin} answered with a redirect (HTTP ${status})`));
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () =>
          resolve(new Answer(url.href, status, response.statusMessage ?? '', response.headers, Buffer.concat(chunks))),
        );
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed just as it was reused: the request was
      // never read, so it goes again, once, on a new connection (as Node's documentation advises).
      if (!again && request.reusedSocket && error.code === 'ECONNRESET' && !signal?.aborted) {
        send(url, init, true).then(resolve, reject);
        return;
      }
      fail(error);
    });
    request.end(body);
  });
}

/**
 * Sends a file from disk as the raw body of a POST, read as it is sent, so that a file of
 * any size costs no more memory than a few chunks (Slack's upload URLs take raw bytes). A
 * kept-alive connection closed just as it was reused gets the file again on a new one.
 */
export async function postFile(
  input: string,
  file: { path: string; bytes: number },
  options: { signal?: AbortSignal } = {},
): Promise<{ status: number; text: string }> {
  const url = new URL(input);
  if (!(url.protocol in AGENTS)) throw new TypeError(`Only http and https URLs are posted to, not ${url.protocol}`);
  const attempt = (again: boolean) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'content-length': file.bytes },
        agent: AGENTS[url.protocol as keyof typeof AGENTS],
        signal: options.signal,
      });
      const source = createReadStream(file.path);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        source.destroy();
        if (!again && request.reusedSocket && error.code === 'ECONNRESET' && !options.signal?.aborted) {
          attempt(true).then(resolve, reject);
          return;
        }
        reject(options.signal?.aborted ? options.signal.reason : error);
      });
      source.on('error', (error) => {
        request.destroy(error);
      });
      source.pipe(request);
    });
  return attempt(false);
}
