import { LogLevel, type Logger } from '@slack/logger';
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { API_KEY_ANYWHERE, formatApiKey } from '../../app/domain/api-key.js';
import { withoutSecrets } from '../../app/secret-free-logger.js';

function capturing(lines: unknown[][]): Logger {
  const push = (...msg: unknown[]) => void lines.push(msg);
  return { debug: push, info: push, warn: push, error: push, setLevel() {}, getLevel: () => LogLevel.DEBUG, setName() {} };
}

test('keys made while the app runs are hidden by their shape, in text and in objects', (t) => {
  const lines: unknown[][] = [];
  const logger = withoutSecrets(capturing(lines), ['fixed-secret'], [API_KEY_ANYWHERE]);
  const key = formatApiKey('T0123ABCD', randomBytes(32));
  logger.debug(`ack() body: ${key} and fixed-secret`);
  logger.error({ headers: { authorization: `Bearer ${key}` } });
  const printed = JSON.stringify(lines);
  t.false(printed.includes(key));
  t.false(printed.includes(key.slice(-43)));
  t.false(printed.includes('fixed-secret'));
  t.regex(printed, /ack\(\) body: \[hidden\] and \[hidden\]/);
});
