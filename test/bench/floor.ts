import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRequest } from '../support/slack-requests.js';
import { serve } from './child.js';

/**
 * The floor: the least any endpoint for Slack must do. It reads the body, checks Slack's
 * signature and the timestamp's age, and answers 200 with nothing.
 */

const MAX_AGE_S = 5 * 60;
const signingSecret = process.env.SLACK_SIGNING_SECRET ?? '';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    const given = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
    const expected = Buffer.from(
      signRequest(signingSecret, Buffer.concat(chunks).toString('utf8'), timestamp)['x-slack-signature'],
    );
    const fresh = Math.abs(Date.now() / 1000 - timestamp) <= MAX_AGE_S;
    const valid = fresh && given.length === expected.length && timingSafeEqual(given, expected);
    res.writeHead(valid ? 200 : 401).end();
  });
});

server.listen(0, '127.0.0.1', () => {
  serve((server.address() as AddressInfo).port, async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
});
