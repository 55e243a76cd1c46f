import { localTime, toLedgerText } from '../domain/dates';
import { FINDING_KINDS } from '../domain/hygiene';
import { malformedRows } from '../domain/ledger';
import type { Action } from '../domain/planner';
import {
  type AccountOutcome,
  type ActionOutcome,
  type ActionResult,
  type HygieneSummary,
  hygieneByAccount,
  hygieneTotals,
  hygieneWorthListing,
  rowsOf,
  type SweepReport,
  scheduledDeletions,
} from '../domain/report';
import type { Messages } from './messages';
import { type Layout, PLAIN_LAYOUT, type Tone } from './style';
import { alignColumns } from './table';

/** `12` or, for an action on several rows of one user, `12,13`. */
function rowNumbers(action: Action): string {
  return rowsOf(action)
    .map((row) => row.rowNumber)
    .join(',');
}

function resultRow(result: ActionResult, m: Messages): string[] {
  return [
    rowNumbers(result.action),
    m.sweep.actionKind[result.action.kind],
    m.sweep.outcome[result.outcome],
    m.sweep.describe(result.action),
    result.outcome === 'planned' ? '' : m.reasons.action(result.detail),
  ];
}

/** How many actions of each kind ended how, in the order each pair first occurs. */
function outcomeCounts(
  results: readonly ActionResult[],
): { readonly kind: Action['kind']; readonly outcome: ActionOutcome; readonly count: number }[] {
  const counts = new Map<string, { kind: Action['kind']; outcome: ActionOutcome; count: number }>();
  for (const { action, outcome } of results) {
    const key = `${action.kind}:${outcome}`;
    const seen = counts.get(key) ?? { kind: action.kind, outcome, count: 0 };
    counts.set(key, { ...seen, count: seen.count + 1 });
  }
  return [...counts.values()];
}

/** When the credential report was generated: in `timeZone` on a console, as recorded elsewhere. */
function reportTime(generatedAt: string, timeZone: string | undefined): string {
  const instant = new Date(generatedAt);
  return timeZone && !Number.isNaN(instant.getTime()) ? localTime(instant, timeZone) : generatedAt;
}

/** Why an account is not ok: its error as reported, or the reason its own step stopped. */
function accountProblem(account: AccountOutcome, m: Messages): string {
  return account.stopped ? m.reasons.stop(account.stopped) : (account.error ?? '');
}

/** `count kind` pieces, kinds in FINDING_KINDS order, zero counts left out. */
function kindCounts(counts: HygieneSummary['counts'], m: Messages): string[] {
  return FINDING_KINDS.filter((kind) => counts[kind] > 0).map((kind) =>
    m.sweep.hygieneKindCount(counts[kind], m.findings.kind[kind]),
  );
}

/** What else an account's checks found or did: stale keys deactivated, unread report rows and mute tags. */
function hygieneDetails(hygiene: HygieneSummary, m: Messages): string[] {
  const t = m.sweep;
  return [
    ...hygiene.deactivated.map((key) => t.staleKey(m.reasons.staleKey(key))),
    ...hygiene.problems.map((problem) => t.reportProblem(m.reasons.reportProblem(problem))),
    ...hygiene.unreadMuteTags.map((tag) => `  ${m.mutes.unreadTag(tag.user, tag.key, tag.problem)}`),
  ];
}

/** Accounts listed under the total in a sweep over several; the rest are counted. */
const HYGIENE_ACCOUNT_LINES = 10;

/**
 * The report's hygiene: one account's line as ever, or over several accounts their total,
 * then the accounts not checked or with findings (at most ten, with a count of the rest).
 */
function hygieneLines(report: SweepReport, m: Messages, timeZone?: string): string[] {
  const t = m.sweep;
  const accounts = hygieneByAccount(report);
  if (!report.accounts) {
    const hygiene = accounts[0]?.hygiene;
    if (!hygiene) return [];
    if ('error' in hygiene) return [t.hygieneNotChecked(hygiene.error)];
    const kinds = kindCounts(hygiene.counts, m);
    return [
      t.hygieneLine({ ...hygiene, generatedAt: reportTime(hygiene.generatedAt, timeZone), kinds }),
      ...hygieneDetails(hygiene, m),
    ];
  }
  if (accounts.length === 0) return [];
  const totals = hygieneTotals(accounts);
  const listed = hygieneWorthListing(accounts);
  const shown = listed.slice(0, HYGIENE_ACCOUNT_LINES);
  return [
    t.hygieneTotalLine({ ...totals, kinds: kindCounts(totals.counts, m) }),
    ...shown.flatMap(({ account, hygiene }) =>
      'error' in hygiene
        ? [t.hygieneAccountNotChecked(account, hygiene.error)]
        : [
            t.hygieneAccountLine(account, {
              ...hygiene,
              generatedAt: reportTime(hygiene.generatedAt, timeZone),
              kinds: kindCounts(hygiene.counts, m),
            }),
            ...hygieneDetails(hygiene, m).map((line) => `  ${line}`),
          ],
    ),
    ...(listed.length > shown.length ? [t.hygieneMoreAccounts(listed.length - shown.length)] : []),
  ];
}

/** Requests awaiting issuance: how many, how many are old, and whom the admins were told about. */
function pendingLine(pending: NonNullable<SweepReport['pending']>, m: Messages): string {
  return m.sweep.pendingLine({
    total: pending.total,
    rows: pending.rows,
    stale: pending.stale,
    reportDays: pending.reportDays,
    reminded: pending.reminded,
    outcome: pending.outcome,
    error: pending.error ?? null,
  });
}

/** How a console report is laid out; the time zone shows IAM's timestamps as the ledger's people read them. */
export interface ReportLayout extends Layout {
  readonly timeZone?: string;
}

const OUTCOME_TONE: Readonly<Record<ActionOutcome, Tone>> = { failed: 'bad', done: 'good', planned: 'dim' };

/** The report a person reads at the end of `keywarden sweep`. */
export function renderReport(report: SweepReport, m: Messages, layout: ReportLayout = PLAIN_LAYOUT): string {
  const t = m.sweep;
  const { paint } = layout;
  const title = (text: string) => paint('heading', text);
  // The header row in bold; the long columns give way on a narrow terminal.
  const table = (
    rows: readonly (readonly string[])[],
    flexible: readonly number[],
    tone: (row: number, column: number) => Tone | null = () => null,
  ) =>
    alignColumns(rows, {
      ...(layout.columns ? { maxWidth: layout.columns } : {}),
      flexible,
      style: (text, row, column) => {
        const toned = row === 0 ? 'heading' : tone(row - 1, column);
        return toned ? paint(toned, text) : text;
      },
    });
  const lines: string[] = [
    title(t.title(report.sweepId, report.mode)),
    t.todayAndLedger(report.today, report.ledger),
    '',
  ];
  if (report.results.length > 0) {
    lines.push(
      title(t.actionsHeading),
      ...table(
        [t.actionColumns, ...report.results.map((result) => resultRow(result, m))],
        [3, 4],
        (row, column) => {
          const outcome = report.results[row]?.outcome;
          return column === 2 && outcome ? OUTCOME_TONE[outcome] : null;
        },
      ),
      '',
    );
  } else lines.push(title(t.actionsNone), '');

  const scheduled = scheduledDeletions(report);
  if (scheduled.length > 0)
    lines.push(
      title(t.scheduledHeading),
      ...scheduled.map(({ deleteOn, count }) => `  ${m.scheduledDeletions(count, toLedgerText(deleteOn))}`),
      '',
    );

  const attention = report.skips.filter((skip) => skip.attention);
  if (attention.length > 0)
    lines.push(
      paint('warn', t.attentionHeading),
      ...table(
        [
          t.attentionColumns,
          ...attention.map((skip) => [
            String(skip.row.rowNumber),
            t.skipReason[skip.reason],
            m.reasons.skip(skip.detail),
          ]),
        ],
        [2],
      ),
      '',
    );
  const problems = malformedRows(report.problems);
  if (problems.length > 0)
    lines.push(
      paint('warn', t.malformedHeading),
      ...problems.map((problem) =>
        t.malformedLine(problem.rowNumber, problem.problems.map(m.reasons.rowFault)),
      ),
      '',
    );

  if (report.pending) lines.push(pendingLine(report.pending, m), '');
  if (report.ledgerRowsMoved) lines.push(paint('warn', t.movedRows(report.ledgerRowsMoved)), '');

  if (report.accounts)
    lines.push(
      title(t.accountsHeading),
      ...report.accounts.map((a) => {
        const line = t.accountLine(a.account, a.ok ? null : accountProblem(a, m));
        return a.ok ? line : paint('bad', line);
      }),
      '',
    );
  const hygiene = hygieneLines(report, m, layout.timeZone);
  if (hygiene.length > 0) lines.push(...hygiene, '');
  if (report.stopped) {
    const [first = '', ...rest] = t.stoppedEarly(m.reasons.stop(report.stopped.reason));
    lines.push(paint('bad', first), ...rest, '');
  }

  const counts = outcomeCounts(report.results)
    .map(({ kind, outcome, count }) => t.reportCount(kind, outcome, count))
    .join(' ');
  lines.push(
    t.summaryLine({
      actions: report.results.length,
      counts,
      attention: attention.length,
      leftAlone: report.skips.length - attention.length,
      malformed: problems.length,
      pending: report.pending?.total ?? 0,
      cellsWritten: report.ledgerCellsWritten,
      durationMs: report.durationMs,
    }),
  );
  return lines.join('\n');
}

/** One titled list of the admins' sweep summary; an empty one is left out where it is shown. */
export interface SummarySection {
  readonly title: string;
  readonly lines: readonly string[];
}

/**
 * The admins' summary at the end of an apply sweep, in plain words: the Slack adapter escapes
 * the headline, sections and footer (ledger, IAM and error text) and lays them out as blocks.
 * `scheduled` are catalogue sentences with nothing from data but dates and counts.
 */
export interface SweepSummary {
  readonly headline: string;
  readonly scheduled: readonly string[];
  readonly sections: readonly SummarySection[];
  readonly footer: string;
}

export function summarizeSweep(report: SweepReport, m: Messages, timeZone?: string): SweepSummary {
  const attention = report.skips.filter((skip) => skip.attention);
  const problems = malformedRows(report.problems);
  const t = m.sweep;
  const counts = outcomeCounts(report.results).map(({ kind, outcome, count }) =>
    t.headlineCount(kind, outcome, count),
  );
  return {
    headline: t.headline({
      today: report.today,
      actions: report.results.length,
      counts,
      attention: attention.length,
      malformed: problems.length,
      stopped: report.stopped !== undefined,
    }),
    scheduled: scheduledDeletions(report).map(({ deleteOn, count }) =>
      m.scheduledDeletions(count, toLedgerText(deleteOn)),
    ),
    sections: [
      {
        title: t.sections.actions,
        lines: report.results.map((r) =>
          t.actionLine(
            rowNumbers(r.action),
            t.describe(r.action),
            t.outcome[r.outcome],
            r.outcome === 'failed' ? m.reasons.action(r.detail) : null,
          ),
        ),
      },
      {
        title: t.sections.attention,
        lines: [
          ...attention.map(t.attentionLine),
          ...(report.ledgerRowsMoved ? [t.movedRows(report.ledgerRowsMoved)] : []),
        ],
      },
      {
        title: t.sections.malformed,
        lines: problems.map((problem) =>
          t.malformedLine(problem.rowNumber, problem.problems.map(m.reasons.rowFault)).trimStart(),
        ),
      },
      {
        title: t.sections.accounts,
        lines: (report.accounts ?? [])
          .filter((a) => !a.ok)
          .map((a) => `${a.account}: ${accountProblem(a, m)}`),
      },
      { title: t.sections.pending, lines: report.pending ? [pendingLine(report.pending, m)] : [] },
      { title: t.sections.hygiene, lines: hygieneLines(report, m, timeZone) },
      { title: t.sections.stopped, lines: report.stopped ? [m.reasons.stop(report.stopped.reason)] : [] },
    ],
    footer: t.footer(report.sweepId, report.ledger),
  };
}
