import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../log';
import { errorMessage } from '../util/errors';

const LEVELS: readonly LogLevel[] = [LogLevel.ERROR, LogLevel.WARN, LogLevel.INFO, LogLevel.DEBUG];

/** Bolt and WebClient log loose argument lists; one JSON line each, through winston's redaction. */
function line(parts: readonly unknown[]): { message: string; details?: unknown[] } {
  const text = parts.map((part) => (part instanceof Error ? errorMessage(part) : part));
  const [first, ...rest] = text;
  return typeof first === 'string'
    ? { message: first, ...(rest.length > 0 ? { details: rest } : {}) }
    : { message: '', details: text };
}

/**
 * Slack's `logger` interface over the app's winston logger, so Bolt's and the WebClient's
 * lines are JSON and redacted like every other line. Levels below `level` are dropped here
 * because Bolt builds some debug lines eagerly.
 */
export function slackLogger(logger: Logger, name = 'slack', level: LogLevel = LogLevel.WARN): SlackLogger {
  let current = level;
  let source = name;
  const enabled = (at: LogLevel) => LEVELS.indexOf(at) <= LEVELS.indexOf(current);
  const emit = (at: LogLevel, parts: readonly unknown[]) => {
    if (enabled(at)) logger.log(at, { source, ...line(parts) });
  };
  return {
    debug: (...msg: unknown[]) => emit(LogLevel.DEBUG, msg),
    info: (...msg: unknown[]) => emit(LogLevel.INFO, msg),
    warn: (...msg: unknown[]) => emit(LogLevel.WARN, msg),
    error: (...msg: unknown[]) => emit(LogLevel.ERROR, msg),
    setLevel: (next: LogLevel) => {
      current = next;
    },
    getLevel: () => current,
    setName: (next: string) => {
      source = next;
    },
  };
}
