import { stringify } from 'csv-stringify/sync';
import { localTime } from '../domain/dates';
import { FINDING_KINDS, type Finding, type FindingKind, summarise } from '../domain/hygiene';
import { escapeText } from './mrkdwn';
import { type Layout, PLAIN_LAYOUT } from './style';
import { alignColumns } from './table';

/** How `keywarden audit` prints findings. */
export const FINDINGS_FORMATS = ['table', 'json', 'csv'] as const;
export type FindingsFormat = (typeof FINDINGS_FORMATS)[number];

export interface RenderFindingsOptions {
  /** When IAM generated the credential report the findings came from. */
  readonly generatedAt?: Date;
  /** Report rows that could not be read, and so were not audited. */
  readonly problems?: readonly string[];
  /** The table's width and colour on a terminal. */
  readonly layout?: Layout;
  /** Shows `generatedAt` in the ledger's time zone in the table (JSON keeps the ISO instant). */
  readonly timeZone?: string;
}

/**
 * The version of `audit --format json`'s document. Field names are stable within a version; a
 * change that removes or renames a field, or changes its meaning, bumps it.
 */
export const FINDINGS_SCHEMA_VERSION = 1;

/** What a finding is about: `password`, `key-1`, `key-2` or `mfa`. */
export function credentialOf(finding: Finding): string {
  switch (finding.kind) {
    case 'password-expiring':
    case 'password-expired':
      return 'password';
    case 'key-expiring':
    case 'key-too-old':
    case 'root-access-keys':
      return `key-${finding.slot}`;
    case 'unused-credentials':
    case 'root-recent-use':
      return finding.credential.type === 'password' ? 'password' : `key-${finding.credential.slot}`;
    case 'no-mfa':
    case 'root-no-mfa':
      return 'mfa';
  }
}

/** `3 findings: 2 key-too-old, 1 no-mfa`, kinds in FINDING_KINDS order, zero counts left out. */
function countsLine(counts: Readonly<Record<FindingKind, number>>): string {
  const total = FINDING_KINDS.reduce((sum, kind) => sum + counts[kind], 0);
  if (total === 0) return 'no findings';
  const parts = FINDING_KINDS.filter((kind) => counts[kind] > 0).map((kind) => `${counts[kind]} ${kind}`);
  return `${total} ${total === 1 ? 'finding' : 'findings'}: ${parts.join(', ')}`;
}

function renderTable(found: readonly Finding[], options: RenderFindingsOptions): string {
  const { paint, columns } = options.layout ?? PLAIN_LAYOUT;
  const lines: string[] = [];
  if (options.generatedAt) {
    const when = options.timeZone
      ? localTime(options.generatedAt, options.timeZone)
      : options.generatedAt.toISOString();
    lines.push(`Credential report generated ${when}`, '');
  }
  if (found.length > 0)
    lines.push(
      ...alignColumns(
        [
          ['user', 'kind', 'credential', 'detail'],
          ...found.map((f) => [f.user, f.kind, credentialOf(f), f.detail]),
        ],
        {
          ...(columns ? { maxWidth: columns } : {}),
          flexible: [0, 3],
          style: (text, row) => (row === 0 ? paint('heading', text) : text),
        },
      ),
      '',
    );
  lines.push(countsLine(summarise(found)));
  const problems = options.problems ?? [];
  if (problems.length > 0)
    lines.push(
      '',
      `Report rows not audited (${problems.length}):`,
      ...problems.map((problem) => `  ${problem}`),
    );
  return `${lines.join('\n')}\n`;
}

function renderJson(found: readonly Finding[], options: RenderFindingsOptions): string {
  // Dates serialise through Date#toJSON, i.e. as ISO strings.
  const document = {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    generatedAt: options.generatedAt?.toISOString() ?? null,
    counts: summarise(found),
    findings: found,
    problems: options.problems ?? [],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function renderCsv(found: readonly Finding[]): string {
  return stringify(
    found.map((f) => [f.user, f.kind, credentialOf(f), f.detail, f.key]),
    {
      header: true,
      columns: ['user', 'kind', 'credential', 'detail', 'key'],
      // IAM user names may start with + - = @; a spreadsheet opening the file must not run them.
      escape_formulas: true,
    },
  );
}

/** Findings as a person (table), a program (json) or a spreadsheet (csv) wants them. */
export function renderFindings(
  found: readonly Finding[],
  format: FindingsFormat,
  options: RenderFindingsOptions = {},
): string {
  switch (format) {
    case 'table':
      return renderTable(found, options);
    case 'json':
      return renderJson(found, options);
    case 'csv':
      return renderCsv(found);
  }
}

/** Most urgent first: what exposes the account now, then what will soon, then housekeeping. */
const DIGEST_ORDER: readonly FindingKind[] = [
  'root-access-keys',
  'root-no-mfa',
  'root-recent-use',
  'password-expired',
  'key-too-old',
  'no-mfa',
  'unused-credentials',
  'password-expiring',
  'key-expiring',
];

const DIGEST_LINES = 20;

/**
 * The weekly digest for Slack: counts by kind, then up to 20 findings, most urgent first.
 * `counts` is passed separately so a digest can list only new findings under the full counts.
 */
export function digestText(
  found: readonly Finding[],
  counts: Readonly<Record<FindingKind, number>>,
  options: RenderFindingsOptions = {},
): string {
  const lines = [`*IAM hygiene digest*: ${countsLine(counts)}`];
  if (options.generatedAt) lines.push(`credential report generated ${options.generatedAt.toISOString()}`);
  const rank = (f: Finding) => DIGEST_ORDER.indexOf(f.kind);
  // Array#sort is stable, so findings of one kind keep report order.
  const top = [...found].sort((a, b) => rank(a) - rank(b)).slice(0, DIGEST_LINES);
  // The root user's name is `<root_account>`: every name and detail goes through the escaper.
  for (const f of top) lines.push(`• \`${escapeText(f.user)}\` ${f.kind}: ${escapeText(f.detail)}`);
  if (found.length > top.length) lines.push(`…and ${found.length - top.length} more`);
  const problems = options.problems?.length ?? 0;
  if (problems > 0)
    lines.push(
      `${problems} report ${problems === 1 ? 'row' : 'rows'} could not be read and ${problems === 1 ? 'was' : 'were'} not audited`,
    );
  return lines.join('\n');
}
