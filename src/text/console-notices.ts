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
 * The notices Slack would carry, as console lines for a run without a bot token, in the
 * configured language. Each line says who Slack would have told (`[notice → U…]`, `[admins]`);
 * the console is not Slack, so nothing here is escaped.
 */
export function weekAheadLine({ row, slackId, daysLeft }: WeekAheadNotice, m: Messages): string {
  const t = m.console;
  return `${t.toOwner(slackId)} ${t.weekAhead({
    name: row.name,
    iamUser: row.iamUser,
    key: maskKeyId(row.accessKeyId),
    endDate: toLedgerText(row.endDate),
    daysLeft,
  })}`;
}

export function ownerUnknownLine({ row, reason }: OwnerUnknownNotice, m: Messages): string {
  const t = m.console;
  return `${t.toAdmins} ${t.ownerUnknown(row.rowNumber, row.iamUser, toLedgerText(row.endDate), m.reasons.ownerUnknown(reason))}`;
}

export function deactivatedLine({ row, deleteOn, consoleRemoved }: DeactivatedNotice, m: Messages): string {
  const t = m.console;
  return `${t.toAdmins} ${t.deactivated({
    rowNumber: row.rowNumber,
    iamUser: row.iamUser,
    key: maskKeyId(row.accessKeyId),
    consoleRemoved,
    deleteOn: toLedgerText(deleteOn),
  })}`;
}

/** The final notice names its deletion date in the configured language, as Slack would. */
export function finalNoticeLine({ row, deleteOn, to }: FinalNotice, m: Messages): string {
  const t = m.console;
  const date = toLedgerText(deleteOn);
  const what = t.finalRow({
    rowNumber: row.rowNumber,
    name: row.name,
    iamUser: row.iamUser,
    key: maskKeyId(row.accessKeyId),
    endDate: toLedgerText(row.endDate),
  });
  return to.kind === 'owner'
    ? `${t.toOwnerFinal(to.slackId)} ${m.finalNoticeTitle(date)} — ${what}`
    : `${t.toAdmins} ${m.finalOwnerUnknownTitle(date)} — ${what}: ${m.reasons.ownerUnknown(to.reason)}`;
}

/** Each finding worded from its facts (`Messages.findings.detail`), as the DM words it. */
export function findingsText({ slackId, findings, account }: FindingsNotice, m: Messages): string {
  const t = m.console;
  return [
    `${t.toOwnerOnly(slackId)} ${t.findingsHeading(findings.length)}`,
    ...(account === undefined ? [] : [`  ${m.findingsAccount(account)}`]),
    ...findings.map((finding) => `  ${t.findingLine(finding.user, m.findings.detail(finding))}`),
  ].join('\n');
}

/** Plain text, not Slack's mrkdwn; `savedTo` is where the attached report was written. */
export function findingsDigestText(digest: FindingsDigest, m: Messages, savedTo?: string): string {
  const admins = m.console.toAdmins;
  return `${admins} ${digestText(digest.fresh, digest.counts, m, digestOptions(digest, m), 'plain')}${
    savedTo ? `\n${admins} ${m.reportSaved(savedTo)}` : ''
  }`;
}

/** Stands for the admin-channel post only: the CLI prints the full report itself. */
export function sweepReportLines(report: SweepReport, m: Messages): string[] {
  const t = m.console;
  const attention = report.skips.filter((skip) => skip.attention).length;
  return [
    `${t.toAdmins} ${t.sweepLine(report.sweepId, report.results.length, attention, malformedRows(report.problems).length)}`,
    ...scheduledDeletions(report).map(
      ({ deleteOn, count }) => `${t.toAdmins} ${m.scheduledDeletions(count, toLedgerText(deleteOn))}`,
    ),
  ];
}
