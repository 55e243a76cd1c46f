import { stringify } from 'csv-stringify/sync';
import { FINDING_KINDS, type Finding, type FindingKind, summarise } from '../domain/hygiene';
import type { Messages } from './messages';
import { escapeText } from './mrkdwn';
import { alignColumns } from './table';

/** How `keywarden audit` prints findings. */
export const FINDINGS_FORMATS = ['table', 'json', 'csv'] as const;
export type FindingsFormat = (typeof FINDINGS_FORMATS)[number];

export interface RenderFindingsOptions {
  /** When IAM generated the credential report the findings came from. */
  readonly generatedAt?: Date;
  /** Report rows that could not be read, and so were not audited. */
  readonly problems?: readonly string[];
}

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
function countsLine(counts: Readonly<Record<FindingKind, number>>, m: Messages): string {
  const total = FINDING_KINDS.reduce((sum, kind) => sum + counts[kind], 0);
  if (total === 0) return m.findings.noFindings;
  const parts = FINDING_KINDS.filter((kind) => counts[kind] > 0).map((kind) =>
    m.findings.kindCount(counts[kind], m.findings.kind[kind]),
  );
  return m.findings.counts(total, parts);
}

function renderTable(found: readonly Finding[], m: Messages, options: RenderFindingsOptions): string {
  const t = m.findings;
  const lines: string[] = [];
  if (options.generatedAt) lines.push(t.reportGenerated(options.generatedAt.toISOString()), '');
  if (found.length > 0)
    lines.push(
      ...alignColumns([
        t.tableHeader,
        ...found.map((f) => [f.user, t.kind[f.kind], t.credential(credentialOf(f)), t.detail(f)]),
      ]),
      '',
    );
  lines.push(countsLine(summarise(found), m));
  const problems = options.problems ?? [];
  if (problems.length > 0)
    lines.push('', t.rowsNotAudited(problems.length), ...problems.map((problem) => `  ${problem}`));
  return `${lines.join('\n')}\n`;
}

function renderJson(found: readonly Finding[], options: RenderFindingsOptions): string {
  // Dates serialise through Date#toJSON, i.e. as ISO strings.
  const document = {
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
  m: Messages,
  options: RenderFindingsOptions = {},
): string {
  switch (format) {
    case 'table':
      return renderTable(found, m, options);
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

/** How the digest marks its words: Slack mrkdwn, or plain text for a terminal. */
export type TextMarkup = 'mrkdwn' | 'plain';

const MARKUP: Readonly<
  Record<TextMarkup, { bold(text: string): string; code(text: string): string; data(text: string): string }>
> = {
  // The root user's name is `<root_account>`: every name and detail goes through the escaper.
  mrkdwn: { bold: (text) => `*${text}*`, code: (text) => `\`${text}\``, data: escapeText },
  plain: { bold: (text) => text, code: (text) => text, data: (text) => text },
};

/**
 * The weekly digest: counts by kind, then up to 20 findings, most urgent first. `counts` is
 * passed separately so a digest can list only new findings under the full counts. The same
 * words go to Slack (mrkdwn) and to the console (plain).
 */
export function digestText(
  found: readonly Finding[],
  counts: Readonly<Record<FindingKind, number>>,
  m: Messages,
  options: RenderFindingsOptions = {},
  markup: TextMarkup = 'mrkdwn',
): string {
  const t = m.findings;
  const mark = MARKUP[markup];
  const lines = [`${mark.bold(t.digestTitle)}: ${countsLine(counts, m)}`];
  if (options.generatedAt) lines.push(t.digestGenerated(options.generatedAt.toISOString()));
  const rank = (f: Finding) => DIGEST_ORDER.indexOf(f.kind);
  // Array#sort is stable, so findings of one kind keep report order.
  const top = [...found].sort((a, b) => rank(a) - rank(b)).slice(0, DIGEST_LINES);
  // The root user's name is `<root_account>`: every name and detail goes through the markup's data rule.
  for (const f of top)
    lines.push(`• ${mark.code(mark.data(f.user))} ${t.kind[f.kind]}: ${mark.data(t.detail(f))}`);
  if (found.length > top.length) lines.push(t.digestMore(found.length - top.length));
  const problems = options.problems?.length ?? 0;
  if (problems > 0) lines.push(t.digestUnreadRows(problems));
  return lines.join('\n');
}
