import { toLedgerText } from '../domain/dates';
import { maskKeyId } from '../domain/iam';
import { malformedRows } from '../domain/ledger';
import { type SweepReport, scheduledDeletions } from '../domain/report';
import type {
  DeactivatedNotice,
  FinalNotice,
  FindingsDigest,
  FindingsNotice,
  OwnerUnknownNotice,
  WeekAheadNotice,
} from '../ports/notifier';
import { digestOptions, digestText } from './findings';
import type { Messages } from './messages';

/**
 * The notices Slack would carry, as console lines for a run without a bot token. Each line
 * says who Slack would have told (`[notice → U…]`, `[admins]`); the console is not Slack, so
 * nothing here is escaped.
 */
export function weekAheadLine({ row, slackId, daysLeft }: WeekAheadNotice): string {
  return (
    `[notice → ${slackId}, copy to admins] ${row.name}: IAM user ${row.iamUser}, key ${maskKeyId(row.accessKeyId)}, ` +
    `ends ${toLedgerText(row.endDate)} (${daysLeft} days left). Extend or delete?`
  );
}

export function ownerUnknownLine({ row, reason }: OwnerUnknownNotice, m: Messages): string {
  return `[admins] row ${row.rowNumber}: no Slack user found for ${row.iamUser} ending ${toLedgerText(row.endDate)}: ${m.reasons.ownerUnknown(reason)}`;
}

export function deactivatedLine({ row, deleteOn, consoleRemoved }: DeactivatedNotice): string {
  return (
    `[admins] row ${row.rowNumber}: deactivated ${row.iamUser}'s key ${maskKeyId(row.accessKeyId)}` +
    `${consoleRemoved ? ' and console password' : ''}; deleted on ${toLedgerText(deleteOn)} unless reactivated`
  );
}

/** The final notice names its deletion date in the configured language, as Slack would. */
export function finalNoticeLine({ row, deleteOn, to }: FinalNotice, m: Messages): string {
  const date = toLedgerText(deleteOn);
  const what = `row ${row.rowNumber}: ${row.name}, IAM user ${row.iamUser}, key ${maskKeyId(row.accessKeyId)}, ended ${toLedgerText(row.endDate)}`;
  return to.kind === 'owner'
    ? `[final notice → ${to.slackId}, copy to admins] ${m.finalNoticeTitle(date)} — ${what}`
    : `[admins] ${m.finalOwnerUnknownTitle(date)} — ${what}: ${m.reasons.ownerUnknown(to.reason)}`;
}

export function findingsText({ slackId, findings }: FindingsNotice): string {
  return [
    `[notice → ${slackId}] ${findings.length} IAM hygiene finding(s):`,
    ...findings.map((finding) => `  IAM user ${finding.user}: ${finding.detail}`),
  ].join('\n');
}

/** Plain text, not Slack's mrkdwn; `savedTo` is where the attached report was written. */
export function findingsDigestText(digest: FindingsDigest, m: Messages, savedTo?: string): string {
  return `[admins] ${digestText(digest.fresh, digest.counts, m, digestOptions(digest, m), 'plain')}${
    savedTo ? `\n[admins] ${m.reportSaved(savedTo)}` : ''
  }`;
}

/** Stands for the admin-channel post only: the CLI prints the full report itself. */
export function sweepReportLines(report: SweepReport, m: Messages): string[] {
  const attention = report.skips.filter((skip) => skip.attention).length;
  return [
    `[admins] sweep ${report.sweepId}: ${report.results.length} actions, ${attention} need attention, ` +
      `${malformedRows(report.problems).length} malformed rows`,
    ...scheduledDeletions(report).map(
      ({ deleteOn, count }) => `[admins] ${m.scheduledDeletions(count, toLedgerText(deleteOn))}`,
    ),
  ];
}
