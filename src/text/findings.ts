import { stringify } from 'csv-stringify/sync';
import type { ReportRowProblem } from '../domain/credential-report';
import { type LocalDate, localTime } from '../domain/dates';
import { FINDING_KINDS, type Finding, type FindingKind, summarise } from '../domain/hygiene';
import type { ExpiredMute, Mute, MutedFinding, MuteTagProblem, UnreadMuteTag } from '../domain/mutes';
import type { FindingsDigest } from '../ports/notifier';
import type { Messages } from './messages';
import { reasonsEn } from './messages-reasons';
import { escapeText } from './mrkdwn';
import { type MuteMessages, silenceText } from './mutes';
import { type Layout, PLAIN_LAYOUT } from './style';
import { alignColumns } from './table';

/** How `keywarden audit` prints findings. */
export const FINDINGS_FORMATS = ['table', 'json', 'csv'] as const;
export type FindingsFormat = (typeof FINDINGS_FORMATS)[number];

export interface RenderFindingsOptions {
  /** When IAM generated the credential report the findings came from. */
  readonly generatedAt?: Date;
  /** Report rows that could not be read, and so were not audited. */
  readonly problems?: readonly ReportRowProblem[];
  /** Which findings are muted or had a mute run out, and the words for it. */
  readonly mutes?: MuteListing;
  /** The table's width and colour on a terminal. */
  readonly layout?: Layout;
  /** Shows `generatedAt` in the ledger's time zone in the table (JSON keeps the ISO instant). */
  readonly timeZone?: string;
  /** The digest's AWS account, named when the sweep covers several. */
  readonly account?: string;
}

/**
 * The version of `audit --format json`'s document. Field names are stable within a version; a
 * change that removes or renames a field, or changes its meaning, bumps it.
 */
export const FINDINGS_SCHEMA_VERSION = 1;

export interface MuteListing {
  readonly muted: readonly MutedFinding[];
  readonly expired: readonly ExpiredMute[];
  readonly unread: readonly UnreadMuteTag[];
  readonly text: MuteMessages;
  /** `audit --date`: the day the findings were computed for. */
  readonly asOf?: LocalDate;
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

/** When IAM generated the report: in the ledger's zone when one is given, else the ISO instant. */
function shownTime(generatedAt: Date, timeZone: string | undefined): string {
  return timeZone ? localTime(generatedAt, timeZone) : generatedAt.toISOString();
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
  const { paint, columns } = options.layout ?? PLAIN_LAYOUT;
  const lines: string[] = [];
  const mutes = options.mutes;
  if (mutes?.asOf) lines.push(mutes.text.asOf(mutes.asOf));
  if (options.generatedAt) lines.push(t.reportGenerated(shownTime(options.generatedAt, options.timeZone)));
  if (lines.length > 0) lines.push('');
  const quiet = new Map(mutes?.muted.map((muted) => [muted.finding.key, muted.silence]));
  const loud = found.filter((f) => !quiet.has(f.key));
  if (loud.length > 0)
    lines.push(
      ...alignColumns(
        [
          t.tableHeader,
          ...loud.map((f) => [f.user, t.kind[f.kind], t.credential(credentialOf(f)), t.detail(f)]),
        ],
        {
          ...(columns ? { maxWidth: columns } : {}),
          flexible: [0, 3],
          style: (text, row) => (row === 0 ? paint('heading', text) : text),
        },
      ),
      '',
    );
  if (mutes && mutes.muted.length > 0)
    lines.push(
      `${mutes.text.mutedHeading(mutes.muted.length)}:`,
      ...alignColumns(
        mutes.muted.map(({ finding: f, silence }) => [
          f.user,
          t.kind[f.kind],
          t.credential(credentialOf(f)),
          t.detail(f),
          mutes.text.silence(silenceText(silence)),
        ]),
        // Indented by two, so two columns fewer; the detail gives way before the reason.
        { ...(columns ? { maxWidth: columns - 2 } : {}), flexible: [0, 3] },
      ).map((line) => `  ${line}`),
      '',
    );
  if (mutes && mutes.expired.length > 0)
    lines.push(
      `${mutes.text.expiredHeading(mutes.expired.length)}:`,
      ...mutes.expired.map(
        ({ finding: f, mute }) =>
          `  ${f.user} ${t.kind[f.kind]}: ${mutes.text.expiredOn(mute.until, mute.reason)}`,
      ),
      '',
    );
  if (mutes && mutes.unread.length > 0)
    lines.push(...mutes.unread.map((tag) => mutes.text.unreadTag(tag.user, tag.key, tag.problem)), '');
  lines.push(countsLine(summarise(found), m));
  const problems = options.problems ?? [];
  if (problems.length > 0)
    lines.push(
      '',
      t.rowsNotAudited(problems.length),
      ...problems.map((problem) => `  ${m.reasons.reportProblem(problem)}`),
    );
  return `${lines.join('\n')}\n`;
}

function renderJson(found: readonly Finding[], options: RenderFindingsOptions): string {
  // Dates serialise through Date#toJSON, i.e. as ISO strings.
  const mutes = options.mutes;
  const document = {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    generatedAt: options.generatedAt?.toISOString() ?? null,
    ...(mutes?.asOf ? { asOf: mutes.asOf } : {}),
    counts: summarise(found),
    findings: found,
    muted: (mutes?.muted ?? []).map(({ finding, silence }) => ({
      key: finding.key,
      ...(silence.kind === 'protected' ? { protected: true } : muteFields(silence.mute)),
    })),
    expiredMutes: (mutes?.expired ?? []).map(({ finding, mute }) => ({
      key: finding.key,
      ...muteFields(mute),
    })),
    unreadMuteTags: mutes?.unread ?? [],
    // A machine record: English, whatever LANGUAGE is.
    problems: (options.problems ?? []).map(reasonsEn.reportProblem),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const muteFields = (mute: Mute) => ({ until: mute.until, reason: mute.reason, source: mute.source });

function renderCsv(found: readonly Finding[], options: RenderFindingsOptions): string {
  const quiet = new Map(options.mutes?.muted.map((m) => [m.finding.key, m.silence]));
  const muteCells = (f: Finding): [string, string] => {
    const silence = quiet.get(f.key);
    if (!silence) return ['', ''];
    return silence.kind === 'protected' ? ['protected', ''] : [silence.mute.until, silence.mute.reason];
  };
  return stringify(
    found.map((f) => [f.user, f.kind, credentialOf(f), f.detail, f.key, ...muteCells(f)]),
    {
      header: true,
      // muted_until: the mute's last day, or `protected` for a protected user; empty when loud.
      columns: ['user', 'kind', 'credential', 'detail', 'key', 'muted_until', 'mute_reason'],
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
      return renderCsv(found, options);
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

interface Markup {
  bold(text: string): string;
  code(text: string): string;
  data(text: string): string;
}

const MARKUP: Readonly<Record<TextMarkup, Markup>> = {
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
  const title =
    options.account === undefined ? t.digestTitle : t.digestTitleInAccount(mark.data(options.account));
  const lines = [`${mark.bold(title)}: ${countsLine(counts, m)}`];
  if (options.generatedAt) lines.push(t.digestGenerated(shownTime(options.generatedAt, options.timeZone)));
  const rank = (f: Finding) => DIGEST_ORDER.indexOf(f.kind);
  // Array#sort is stable, so findings of one kind keep report order.
  const top = [...found].sort((a, b) => rank(a) - rank(b)).slice(0, DIGEST_LINES);
  // The root user's name is `<root_account>`: every name and detail goes through the markup's data rule.
  for (const f of top)
    lines.push(`• ${mark.code(mark.data(f.user))} ${t.kind[f.kind]}: ${mark.data(t.detail(f))}`);
  if (found.length > top.length) lines.push(t.digestMore(found.length - top.length));
  if (options.mutes) lines.push(...digestMuteLines(options.mutes, m, mark));
  const problems = options.problems?.length ?? 0;
  if (problems > 0) lines.push(t.digestUnreadRows(problems));
  return lines.join('\n');
}

/** The digest's muted findings (with reason and until-date), run-out mutes and unread mute tags. */
function digestMuteLines({ muted, expired, unread, text }: MuteListing, m: Messages, mark: Markup): string[] {
  const t = m.findings;
  const lines: string[] = [];
  const cap = <T>(items: readonly T[], line: (item: T) => string) => [
    ...items.slice(0, DIGEST_LINES).map(line),
    ...(items.length > DIGEST_LINES ? [t.digestMore(items.length - DIGEST_LINES)] : []),
  ];
  if (muted.length > 0)
    lines.push(
      mark.bold(text.mutedHeading(muted.length)),
      ...cap(
        muted,
        ({ finding: f, silence }) =>
          `• ${mark.code(mark.data(f.user))} ${t.kind[f.kind]}: ${mark.data(t.detail(f))} — ${text.silence(silenceText(silence, mark.data))}`,
      ),
    );
  if (expired.length > 0)
    lines.push(
      mark.bold(text.expiredHeading(expired.length)),
      ...cap(
        expired,
        ({ finding: f, mute }) =>
          `• ${mark.code(mark.data(f.user))} ${t.kind[f.kind]}: ${text.expiredOn(mute.until, mark.data(mute.reason))}`,
      ),
    );
  lines.push(
    ...unread.map(
      (tag) =>
        `• ${text.unreadTag(mark.data(tag.user), mark.data(tag.key), dataProblem(tag.problem, mark.data))}`,
    ),
  );
  return lines;
}

function dataProblem(problem: MuteTagProblem, data: (text: string) => string): MuteTagProblem {
  if (problem.kind === 'date') return { kind: 'date', text: data(problem.text) };
  if (problem.kind === 'kinds') return { kind: 'kinds', unknown: problem.unknown.map(data) };
  return problem;
}

/** How a notifier words a digest: the report's time and, when any, its muted findings. */
export function digestOptions(digest: FindingsDigest, m: Messages): RenderFindingsOptions {
  const muted = digest.muted ?? [];
  const expired = digest.expiredMutes ?? [];
  const unread = digest.unreadMuteTags ?? [];
  const any = muted.length + expired.length + unread.length > 0;
  return {
    generatedAt: digest.generatedAt,
    timeZone: digest.timeZone,
    ...(digest.account === undefined ? {} : { account: digest.account }),
    ...(any ? { mutes: { muted, expired, unread, text: m.mutes } } : {}),
  };
}
