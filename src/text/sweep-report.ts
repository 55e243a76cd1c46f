import { localTime, toLedgerText } from '../domain/dates';
import { maskKeyId } from '../domain/iam';
import { malformedRows } from '../domain/ledger';
import type { Action } from '../domain/planner';
import {
  type ActionOutcome,
  type ActionResult,
  countByKind,
  rowsOf,
  type SweepReport,
  scheduledDeletions,
} from '../domain/report';
import type { Messages } from './messages';
import { type Layout, PLAIN_LAYOUT, type Tone } from './style';
import { alignColumns } from './table';

function describeAction(action: Action): string {
  switch (action.kind) {
    case 'notify-week-ahead':
      return `DM ${action.slackId}: ${action.row.iamUser} ends ${toLedgerText(action.row.endDate)} (${action.daysLeft} days left)`;
    case 'notify-owner-unknown':
      return `tell admins: no owner for ${action.row.iamUser} (${action.reason})`;
    case 'notify-final':
      return `final notice ${action.to.kind === 'owner' ? `DM ${action.to.slackId}` : `to admins (${action.to.reason})`}: ${action.row.iamUser} key ${maskKeyId(action.row.accessKeyId)} ended ${toLedgerText(action.row.endDate)}, deleted on ${toLedgerText(action.deleteOn)}`;
    case 'teardown-user':
      return `delete IAM user ${action.userName} and everything it holds${
        action.customerPolicyArns.length > 0 ? `, then its unused customer-managed policies` : ''
      }`;
    case 'delete-key':
      return `delete key ${maskKeyId(action.row.accessKeyId)} only (${action.keptBecause})`;
    case 'deactivate-user':
      return `deactivate the keys and console password of ${action.userName}; delete it on ${toLedgerText(action.deleteOn)}`;
    case 'deactivate-key':
      return `deactivate key ${maskKeyId(action.row.accessKeyId)}; delete it on ${toLedgerText(action.deleteOn)}`;
    case 'finish-teardown':
      return `finish the interrupted teardown of ${action.row.iamUser}`;
    case 'record-deleted':
      return `mark row deleted (IAM work already done for ${action.row.iamUser})`;
  }
}

/** `12` or, for an action on several rows of one user, `12,13`. */
function rowNumbers(action: Action): string {
  return rowsOf(action)
    .map((row) => row.rowNumber)
    .join(',');
}

function resultRow(result: ActionResult): string[] {
  return [
    rowNumbers(result.action),
    result.action.kind,
    result.outcome,
    describeAction(result.action),
    result.outcome === 'planned' ? '' : result.detail,
  ];
}

/** When the credential report was generated: in `timeZone` on a console, as recorded elsewhere. */
function reportTime(generatedAt: string, timeZone: string | undefined): string {
  const instant = new Date(generatedAt);
  return timeZone && !Number.isNaN(instant.getTime()) ? localTime(instant, timeZone) : generatedAt;
}

function hygieneLines(hygiene: NonNullable<SweepReport['hygiene']>, timeZone?: string): string[] {
  if ('error' in hygiene) return [`IAM hygiene: not checked — ${hygiene.error}`];
  const kinds = Object.entries(hygiene.counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  return [
    `IAM hygiene (credential report of ${reportTime(hygiene.generatedAt, timeZone)}): ${hygiene.total} findings${kinds ? ` (${kinds})` : ''}, ` +
      `${hygiene.fresh} new this window, ${hygiene.notified} owner DMs (${hygiene.notifiedFindings} findings); details: keywarden audit`,
    ...hygiene.deactivated.map((line) => `  stale key ${line}`),
    ...hygiene.problems.map((problem) => `  credential report ${problem}`),
  ];
}

/** How a console report is laid out; the time zone shows IAM's timestamps as the ledger's people read them. */
export interface ReportLayout extends Layout {
  readonly timeZone?: string;
}

const OUTCOME_TONE: Readonly<Record<ActionOutcome, Tone>> = { failed: 'bad', done: 'good', planned: 'dim' };

/** The report a person reads at the end of `keywarden sweep`. */
export function renderReport(report: SweepReport, layout: ReportLayout = PLAIN_LAYOUT): string {
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
    title(
      `Keywarden sweep ${report.sweepId} — ${report.mode === 'apply' ? 'APPLY' : 'dry run (nothing changed; pass --apply to act)'}`,
    ),
    `today ${report.today}, ledger ${report.ledger}`,
    '',
  ];
  if (report.results.length > 0) {
    const rows = [['row', 'action', 'outcome', 'what', 'detail'], ...report.results.map(resultRow)];
    lines.push(
      title('Actions:'),
      ...table(rows, [3, 4], (row, column) => {
        const outcome = report.results[row]?.outcome;
        return column === 2 && outcome ? OUTCOME_TONE[outcome] : null;
      }),
      '',
    );
  } else lines.push(`${title('Actions:')} none`, '');

  const scheduled = scheduledDeletions(report);
  if (scheduled.length > 0)
    lines.push(
      title('Scheduled deletions (final notice sent; a new end date or an extension request stops them):'),
      ...scheduled.map(
        ({ deleteOn, count }) =>
          `  ${count === 1 ? '1 key' : `${count} keys`} will be deleted on ${toLedgerText(deleteOn)}`,
      ),
      '',
    );

  const attention = report.skips.filter((skip) => skip.attention);
  if (attention.length > 0)
    lines.push(
      paint('warn', 'Needs attention (not acted on):'),
      ...table(
        [
          ['row', 'reason', 'detail'],
          ...attention.map((skip) => [String(skip.row.rowNumber), skip.reason, skip.detail]),
        ],
        [2],
      ),
      '',
    );
  const problems = malformedRows(report.problems);
  if (problems.length > 0)
    lines.push(
      paint('warn', 'Malformed rows (never acted on):'),
      ...problems.map((problem) => `  row ${problem.rowNumber}: ${problem.problems.join('; ')}`),
      '',
    );

  if (report.accounts)
    lines.push(
      title('Accounts:'),
      ...report.accounts.map(
        (a) => `  ${a.account}: ${a.ok ? 'swept' : paint('bad', `FAILED — ${a.error}`)}`,
      ),
      '',
    );
  if (report.hygiene) lines.push(...hygieneLines(report.hygiene, layout.timeZone), '');
  if (report.stopped)
    lines.push(
      paint('bad', `STOPPED EARLY: ${report.stopped.reason}.`),
      'Actions not listed above were not started; the next sweep does them (the journal remembers what is done).',
      '',
    );

  const counts = Object.entries(countByKind(report.results))
    .map(([key, n]) => `${key}=${n}`)
    .join(' ');
  lines.push(
    `Summary: ${report.results.length} actions (${counts || 'none'}), ${attention.length} need attention, ` +
      `${report.skips.length - attention.length} rows left alone, ${problems.length} malformed, ` +
      `${report.ledgerCellsWritten} ledger cells written, ${report.durationMs} ms`,
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

export function summarizeSweep(report: SweepReport, m: Messages): SweepSummary {
  const attention = report.skips.filter((skip) => skip.attention);
  const problems = malformedRows(report.problems);
  const counts = Object.entries(countByKind(report.results))
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
  return {
    headline:
      `Keywarden sweep ${report.today}: ${report.results.length} actions` +
      `${counts ? ` (${counts})` : ''}, ${attention.length} need attention, ${problems.length} malformed rows` +
      `${report.stopped ? ' — stopped early' : ''}`,
    scheduled: scheduledDeletions(report).map(({ deleteOn, count }) =>
      m.scheduledDeletions(count, toLedgerText(deleteOn)),
    ),
    sections: [
      {
        title: 'Actions',
        lines: report.results.map(
          (r) =>
            `row ${rowNumbers(r.action)}: ${describeAction(r.action)} — ${r.outcome}${r.outcome === 'failed' ? `: ${r.detail}` : ''}`,
        ),
      },
      {
        title: 'Needs attention',
        lines: attention.map((skip) => `row ${skip.row.rowNumber} (${skip.row.iamUser}): ${skip.detail}`),
      },
      {
        title: 'Malformed rows (never acted on)',
        lines: problems.map((problem) => `row ${problem.rowNumber}: ${problem.problems.join('; ')}`),
      },
      {
        title: 'Accounts not swept',
        lines: (report.accounts ?? []).filter((a) => !a.ok).map((a) => `${a.account}: ${a.error}`),
      },
      { title: 'IAM hygiene', lines: report.hygiene ? hygieneLines(report.hygiene) : [] },
      {
        title: 'Stopped early: the next sweep does the rest',
        lines: report.stopped ? [report.stopped.reason] : [],
      },
    ],
    footer: `sweep ${report.sweepId} · ${report.ledger}`,
  };
}
