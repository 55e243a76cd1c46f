import winston from 'winston';

export type Logger = winston.Logger;

const SECRET_KEY = /token|secret|password|private_?key|authorization|credentials?$|signature/i;
/** Slack tokens, AWS secret keys, PEM blocks and bearer headers, wherever they hide in a string. */
const SECRET_TEXT: readonly RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]+/g,
  /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
];

/** A secret-sounding field is hidden whole, unless it holds a count or a flag (`password-expired: 3`). */
function hidden(key: string, value: unknown): boolean {
  return SECRET_KEY.test(key) && typeof value !== 'number' && typeof value !== 'boolean';
}

export function redactText(text: string): string {
  return SECRET_TEXT.reduce((acc, pattern) => acc.replace(pattern, '[REDACTED]'), text);
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      hidden(key, item) ? '[REDACTED]' : redact(item, depth + 1),
    ]),
  );
}

const redaction = winston.format((info) => {
  for (const key of Object.keys(info)) {
    info[key] = hidden(key, info[key]) ? '[REDACTED]' : redact(info[key]);
  }
  return info;
});

export type LogFormat = 'json' | 'text';

/** `level: message key=value …`, for a person at a terminal; no timestamp, the terminal's clock is theirs. */
const humanLine = winston.format.printf(({ level, message, timestamp: _timestamp, ...fields }) => {
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${level}: ${String(message)}${extra ? ` ${extra}` : ''}`;
});

/**
 * What the logs look like: `LOG_FORMAT` when set; otherwise JSON lines for machines (a pipe, a
 * file, Lambda, a service manager) and text on a terminal, where lines below `warn` are left out
 * because the command's own output already says what they would.
 */
export function logOutput(
  level: string,
  format: LogFormat | undefined,
  stderrIsTTY: boolean,
): { readonly format: LogFormat; readonly level: string } {
  if (format) return { format, level };
  if (!stderrIsTTY) return { format: 'json', level };
  return { format: 'text', level: level === 'error' ? 'error' : 'warn' };
}

/** Log lines on stderr (stdout belongs to the CLI's report), redacted, in the format `logOutput` picks. */
export function createLogger(
  level: string,
  context: Record<string, string> = {},
  format?: LogFormat,
  stderrIsTTY = process.stderr.isTTY === true,
): Logger {
  const output = logOutput(level, format, stderrIsTTY);
  return winston.createLogger({
    level: output.level,
    defaultMeta: context,
    format: winston.format.combine(
      redaction(),
      ...(output.format === 'json' ? [winston.format.timestamp(), winston.format.json()] : [humanLine]),
    ),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}
