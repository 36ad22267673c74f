import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebhookConfig } from '../config.js';
import { parseAnswerEvent } from '../domain/answers.js';
import type { AnswerSink } from '../services/answer-sink.js';
import { readBody, reply } from './json.js';

export const WEBHOOK_PATH = '/twitter/feedback-events';

/** One event is a card of a few hundred bytes and a comment of at most a DM's length: far below this. */
export const MAX_EVENT_BYTES = 64 * 1024;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * True when the request carries the configured user and password. Both are compared as
 * digests of equal length, in constant time: how long the check takes tells nothing of
 * how much of a guess was right.
 */
function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(req.headers.authorization ?? '');
  const given = digest(match ? Buffer.from(match[1], 'base64').toString('utf8') : '');
  return timingSafeEqual(given, expected) && match !== null;
}

/**
 * POST /twitter/feedback-events: Twitter pushes each change to a card here, one event per
 * request. An answer is acknowledged once it is stored, so one that could not be is sent
 * again by Twitter; the same event sent twice changes nothing the second time.
 */
export function answersWebhook(config: WebhookConfig, sink: AnswerSink, logger: Pick<Logger, 'warn' | 'error'>): CustomRoute {
  const expected = digest(`${config.user}:${config.password}`);
  return {
    path: WEBHOOK_PATH,
    method: ['POST'],
    // Bolt neither awaits a route nor catches its rejection, so every outcome is answered here.
    handler: (req, res) => {
      if (!authorized(req, expected)) {
        reply(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Basic realm="feedback-events", charset="UTF-8"' });
        return;
      }
      readBody(req, MAX_EVENT_BYTES)
        .then(async (body) => {
          if (!body.ok) {
            // Closing the connection stops the sender; the body is not read to its end.
            reply(res, 413, { error: `an event must be at most ${MAX_EVENT_BYTES} bytes` }, { connection: 'close' });
            return;
          }
          let json: unknown;
          try {
            json = JSON.parse(body.text);
          } catch {
            reply(res, 400, { error: 'the body must be one JSON event' });
            return;
          }
          const parsed = parseAnswerEvent(json);
          if (!parsed.ok) {
            logger.warn(`A pushed answer was refused: ${parsed.field} ${parsed.problem}`);
            reply(res, 400, { error: `${parsed.field} ${parsed.problem}` });
            return;
          }
          await sink.record(parsed.value);
          reply(res, 200, { ok: true });
        })
        .catch((error: unknown) => {
          logger.error(`POST ${WEBHOOK_PATH} failed: ${(error as Error).message}`);
          if (res.headersSent) res.destroy();
          else reply(res, 500, { error: 'the answer could not be stored; send it again' });
        });
    },
  };
}
