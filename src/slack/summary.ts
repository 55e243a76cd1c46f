import type { KnownBlock } from '@slack/types';
import { toLedgerText } from '../domain/dates';
import { malformedRows } from '../domain/ledger';
import { countByKind, rowsOf, type SweepReport, scheduledDeletions } from '../domain/report';
import type { Messages } from '../text/messages';
import { clipEscaped, escapeText } from '../text/mrkdwn';
import { describeAction, hygieneLines } from '../text/sweep-report';

/** Slack caps a section at 3,000 characters; long lists are cut with a count of the rest. */
const MAX_LINES = 20;

/** Every line is ledger, IAM or error text: escaped whole, since none carries a mention. */
function list(title: string, lines: readonly string[]): KnownBlock[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, MAX_LINES).map((line) => escapeText(line.slice(0, 500)));
  const more = lines.length > MAX_LINES ? `\n…and ${lines.length - MAX_LINES} more` : '';
  const text = `*${title}*\n${shown.map((line) => `• ${line}`).join('\n')}${more}`;
  return [{ type: 'section', text: { type: 'mrkdwn', text: clipEscaped(text, 2900) } }];
}

/** The admin-channel post at the end of an apply sweep. */
export function sweepSummary(report: SweepReport, m: Messages): { text: string; blocks: KnownBlock[] } {
  const scheduled = scheduledDeletions(report).map(({ deleteOn, count }) =>
    m.scheduledDeletions(count, toLedgerText(deleteOn)),
  );
  const attention = report.skips.filter((skip) => skip.attention);
  const problems = malformedRows(report.problems);
  const counts = Object.entries(countByKind(report.results))
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
  const text =
    `Keywarden sweep ${escapeText(report.today)}: ${report.results.length} actions` +
    `${counts ? ` (${counts})` : ''}, ${attention.length} need attention, ${problems.length} malformed rows` +
    `${report.stopped ? ' — stopped early' : ''}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      ...(scheduled.length > 0
        ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: scheduled.join('\n') } }]
        : []),
      ...list(
        'Actions',
        report.results.map(
          (r) =>
            `row ${rowsOf(r.action)
              .map((row) => row.rowNumber)
              .join(
                ',',
              )}: ${describeAction(r.action)} — ${r.outcome}${r.outcome === 'failed' ? `: ${r.detail}` : ''}`,
        ),
      ),
      ...list(
        'Needs attention',
        attention.map((skip) => `row ${skip.row.rowNumber} (${skip.row.iamUser}): ${skip.detail}`),
      ),
      ...list(
        'Malformed rows (never acted on)',
        problems.map((problem) => `row ${problem.rowNumber}: ${problem.problems.join('; ')}`),
      ),
      ...list(
        'Accounts not swept',
        (report.accounts ?? []).filter((a) => !a.ok).map((a) => `${a.account}: ${a.error}`),
      ),
      ...(report.hygiene ? list('IAM hygiene', hygieneLines(report.hygiene)) : []),
      ...list('Stopped early: the next sweep does the rest', report.stopped ? [report.stopped.reason] : []),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: escapeText(`sweep ${report.sweepId} · ${report.ledger}`) }],
      },
    ],
  };
}
