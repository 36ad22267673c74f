import { LogLevel, type Logger } from '@slack/logger';
import { inspect } from 'node:util';

const HIDDEN = '[hidden]';

/**
 * `logger`, with every occurrence of `secrets`, and of text that `shapes` match, in what is
 * logged replaced. The libraries log more than the app decides: at debug level
 * @slack/web-api prints each request's body, redacting only fields named like tokens, so
 * the installer's `client_secret` would show; Bolt prints every answer to Slack, which is
 * where a new API key is shown. `shapes` are global expressions, for secrets made while
 * the app runs.
 */
export function withoutSecrets(
  logger: Logger,
  secrets: ReadonlyArray<string | undefined>,
  shapes: readonly RegExp[] = [],
): Logger {
  // Longest first, so a secret containing another is hidden whole.
  const hidden = [...new Set(secrets.filter((s): s is string => !!s))].sort((a, b) => b.length - a.length);
  const hide = (text: string) =>
    shapes.reduce(
      (out, shape) => out.replace(shape, HIDDEN),
      hidden.reduce((out, secret) => out.replaceAll(secret, HIDDEN), text),
    );
  const clean = (parts: unknown[]) =>
    parts.map((part) => {
      if (typeof part === 'string') return hide(part);
      // Objects and errors pass unchanged unless their printed form holds a secret.
      const printed = inspect(part, { depth: Infinity });
      const cleaned = hide(printed);
      return cleaned === printed ? part : cleaned;
    });
  // Cleaning costs: a line below the level is dropped before anything is printed or scrubbed.
  const order = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const shown = (level: LogLevel) => order.indexOf(level) >= order.indexOf(logger.getLevel());
  return {
    debug: (...msg) => {
      if (shown(LogLevel.DEBUG)) logger.debug(...clean(msg));
    },
    info: (...msg) => {
      if (shown(LogLevel.INFO)) logger.info(...clean(msg));
    },
    warn: (...msg) => {
      if (shown(LogLevel.WARN)) logger.warn(...clean(msg));
    },
    error: (...msg) => {
      if (shown(LogLevel.ERROR)) logger.error(...clean(msg));
    },
    setLevel: (level) => logger.setLevel(level),
    getLevel: () => logger.getLevel(),
    setName: (name) => logger.setName(name),
  };
}
