import { digestText } from '../../audit/render-findings';
import { toLedgerText } from '../../domain/dates';
import { maskKeyId } from '../../domain/iam';
import type { SweepReport } from '../../domain/report';
import type {
  DeactivatedNotice,
  FindingsDigest,
  FindingsNotice,
  Notifier,
  OwnerUnknownNotice,
  WeekAheadNotice,
} from '../../ports/notifier';

/** Stands in for Slack when no bot token is configured: the same notices, as lines of text. */
export class ConsoleNotifier implements Notifier {
  constructor(private readonly write: (line: string) => void) {}

  async weekAhead({ row, slackId, daysLeft }: WeekAheadNotice): Promise<void> {
    this.write(
      `[notice → ${slackId}, copy to admins] ${row.name}: IAM user ${row.iamUser}, key ${maskKeyId(row.accessKeyId)}, ` +
        `ends ${toLedgerText(row.endDate)} (${daysLeft} days left). Extend or delete?`,
    );
  }

  async ownerUnknown({ row, reason }: OwnerUnknownNotice): Promise<void> {
    this.write(
      `[admins] row ${row.rowNumber}: no Slack user found for ${row.iamUser} ending ${toLedgerText(row.endDate)}: ${reason}`,
    );
  }

  async deactivated({ row, deleteOn, consoleRemoved }: DeactivatedNotice): Promise<void> {
    this.write(
      `[admins] row ${row.rowNumber}: deactivated ${row.iamUser}'s key ${maskKeyId(row.accessKeyId)}` +
        `${consoleRemoved ? ' and console password' : ''}; deleted on ${toLedgerText(deleteOn)} unless reactivated`,
    );
  }

  async findings({ slackId, findings }: FindingsNotice): Promise<void> {
    this.write(
      [
        `[notice → ${slackId}] ${findings.length} IAM hygiene finding(s):`,
        ...findings.map((finding) => `  IAM user ${finding.user}: ${finding.detail}`),
      ].join('\n'),
    );
  }

  async findingsDigest(digest: FindingsDigest): Promise<void> {
    this.write(
      `[admins] ${digestText(digest.fresh, digest.counts, { generatedAt: digest.generatedAt })}${
        digest.attachment ? `\n[admins] attached ${digest.attachment.filename}` : ''
      }`,
    );
  }

  /** The CLI prints the full report itself; this line stands for the admin-channel post. */
  async sweepReport(report: SweepReport): Promise<void> {
    const attention = report.skips.filter((skip) => skip.attention).length;
    this.write(
      `[admins] sweep ${report.sweepId}: ${report.results.length} actions, ${attention} need attention, ` +
        `${report.problems.length} malformed rows`,
    );
  }
}
