/**
 * What may stay Latin in Japanese output, and a check that finds the rest: used by the
 * catalogue's test over every surface and by the test over real sweeps in Japanese.
 */

/** Tokens a Japanese reader expects in Latin letters: names of things, not sentences. */
export const ALLOWED_PATTERNS: readonly RegExp[] = [
  /<@U[0-9A-Z]+>/g, // mentions
  /\bU0[0-9A-Z]+\b/g, // Slack user ids
  /\bAKIA[0-9A-Z]{16}\b/g, // access key ids
  /\bAKIA…\d{4}\b/g, // masked access key ids
  /\barn:aws:[^\s,、）)]+/g, // ARNs
  /\b[a-z0-9]+:\/\/[^\s、）)]+/g, // URLs, s3:// included
  /[\w.-]+\.(csv|json)\b/g, // file names
  /\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, // ISO timestamps (the credential report's own clock)
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, // sweep ids
  /\/iam-audit( (help|ledger|keys|passwords|unused|mfa|user|report|sweep))?/g, // the slash command
  /\bkeywarden (audit|sweep|unlock|serve)\b/g, // CLI commands
  /--(apply|force)\b/g, // CLI options
  /^keywarden:/gm, // the CLI's prefix on what it tells the terminal
  /\bSIG(INT|TERM|KILL)\b/g, // signal names
  /\bip-[\d-]+\b/g, // host names
  /[\w.~-]*(?:\/[\w.~-]*)+/g, // file system paths, examples/ included
  /aws iam create-login-profile --user-name \S+ --password-reset-required/g, // a command to copy
  /:warning:/g, // emoji code
  /\b(SlackId|Email) タグ/g, // the IAM tags an owner is looked up by
  /[\w.+-]+@[\w.-]+/g, // email addresses
  /&lt;root_account&gt;|<root_account>/g, // IAM's name for the root user
  /\b[a-z]+(?:_[a-z0-9]+)+\b/g, // credential report column names (mfa_active)
  /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, // setting names (LEDGER_COLUMNS)
  /\btrue か false\b|が true なのに/g, // the values a credential report column takes
  /\bAKIA で始まる/g, // the prefix of every access key id
];

/**
 * Technical terms Japanese IAM documentation itself writes in Latin letters, the product's
 * name, and Slack's. Keep this short: a new word here needs the same justification.
 */
export const ALLOWED_WORDS = new Set([
  'IAM',
  'AWS',
  'DynamoDB',
  'MFA',
  'CSV',
  'DM',
  'ID',
  'Slack',
  'Keywarden',
  // AWS's service names, as its Japanese documentation writes them.
  'Lambda',
]);

/**
 * The English words left in `text` once `data` (verbatim pieces: error texts, cells, paths),
 * the allowed tokens and `names` (IAM user names, as whole words) are taken out.
 */
export function englishIn(text: string, data: readonly string[], names: readonly string[]): string[] {
  let rest = text;
  // Longest first, so that one piece of data inside another goes with it.
  for (const piece of [...data].sort((a, b) => b.length - a.length)) rest = rest.replaceAll(piece, ' ');
  for (const pattern of ALLOWED_PATTERNS) rest = rest.replace(pattern, ' ');
  for (const name of names) rest = rest.replace(new RegExp(`(?<![\\w-])${name}(?![\\w-])`, 'g'), ' ');
  return (rest.match(/[A-Za-z]+(?:['-][A-Za-z]+)*/g) ?? []).filter((word) => !ALLOWED_WORDS.has(word));
}
