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

/** JSON lines on stderr: stdout belongs to the CLI's report. */
export function createLogger(level: string, context: Record<string, string> = {}): Logger {
  return winston.createLogger({
    level,
    defaultMeta: context,
    format: winston.format.combine(redaction(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}
