import type { KnownBlock } from '@slack/types';
import type { SweepReport } from '../domain/report';
import type { Messages } from '../text/messages';
import { clipEscaped, escapeText } from '../text/mrkdwn';
import { summarizeSweep } from '../text/sweep-report';

/** Slack caps a section at 3,000 characters; long lists are cut with a count of the rest. */
const MAX_LINES = 20;

/** Every line is ledger, IAM or error text: escaped whole, since none carries a mention. */
function list(title: string, lines: readonly string[], m: Messages): KnownBlock[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, MAX_LINES).map((line) => escapeText(line.slice(0, 500)));
  const more = lines.length > MAX_LINES ? `\n${m.sweep.more(lines.length - MAX_LINES)}` : '';
  const text = `*${title}*\n${shown.map((line) => `• ${line}`).join('\n')}${more}`;
  return [{ type: 'section', text: { type: 'mrkdwn', text: clipEscaped(text, 2900) } }];
}

/** The admin-channel post at the end of an apply sweep. */
export function sweepSummary(
  report: SweepReport,
  m: Messages,
  timeZone?: string,
): { text: string; blocks: KnownBlock[] } {
  const summary = summarizeSweep(report, m, timeZone);
  const text = escapeText(summary.headline);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      ...(summary.scheduled.length > 0
        ? [
            {
              type: 'section' as const,
              text: { type: 'mrkdwn' as const, text: summary.scheduled.join('\n') },
            },
          ]
        : []),
      ...summary.sections.flatMap((section) => list(section.title, section.lines, m)),
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeText(summary.footer) }] },
    ],
  };
}
