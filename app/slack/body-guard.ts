import { HTTPModuleFunctions as bolt, type BufferedIncomingMessage, type HTTPReceiver } from '@slack/bolt';
import type { Logger } from '@slack/logger';

/**
 * Bolt's receiver reads fields of a signed body inside a promise nobody awaits, so a body
 * that parses to anything but an object (`payload=null`, a JSON `null`) would reject it
 * and stop the whole process. Such a body is answered 400 here, once its signature is
 * checked; every other request goes on to Bolt, already read, and Bolt answers it as ever.
 */
export function guardSlackBodies(receiver: HTTPReceiver, signingSecret: string, logger: Logger, path = '/slack/events'): void {
  const handle = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://localhost').pathname !== path) return handle(req, res);
    void readBody(req, signingSecret).then(
      (read) => {
        if (read !== 'not an object') return handle(read, res);
        logger.warn('A signed Slack request whose body is not a JSON object was refused');
        bolt.buildNoBodyResponse(res, 400);
      },
      (error: unknown) => bolt.buildNoBodyResponse(res, bolt.isRawBodyError(error) && error.statusCode === 413 ? 413 : 400),
    );
  };
}

async function readBody(
  req: Parameters<HTTPReceiver['requestListener']>[0],
  signingSecret: string,
): Promise<BufferedIncomingMessage | 'not an object'> {
  const read = await bolt.bufferIncomingMessage(req, bolt.defaultBodyLimit);
  let body: unknown;
  try {
    await bolt.parseAndVerifyHTTPRequest({ signingSecret }, read);
    body = bolt.parseHTTPRequestBody(read);
  } catch {
    return read;
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? read : 'not an object';
}
