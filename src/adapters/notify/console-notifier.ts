import { toLedgerText } from '../../domain/dates';
import { maskKeyId } from '../../domain/iam';
import { type SweepReport, scheduledDeletions } from '../../domain/report';
import type {
  DeactivatedNotice,
  FinalNotice,
  FindingsDigest,
  FindingsNotice,
  Notifier,
  OwnerUnknownNotice,
  WeekAheadNotice,
} from '../../ports/notifier';
import { digestText } from '../../text/findings';
import type { Messages } from '../../text/messages';

/** Stands in for Slack when no bot token is configured: the same notices, as lines of text. */
export class ConsoleNotifier implements Notifier {
  constructor(
    private readonly write: (line: string) => void,
    /** The final notice names its deletion date in the configured language, as Slack would. */
    private readonly m: Messages,
  ) {}

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

  async deactivated({ row, deleteOn, consoleRemoved }: DeactivatedNotice): Promise<string[]> {
    this.write(
      `[admins] row ${row.rowNumber}: deactivated ${row.iamUser}'s key ${maskKeyId(row.accessKeyId)}` +
        `${consoleRemoved ? ' and console password' : ''}; deleted on ${toLedgerText(deleteOn)} unless reactivated`,
    );
    return [];
  }

  async finalNotice({ row, deleteOn, to }: FinalNotice): Promise<void> {
    const date = toLedgerText(deleteOn);
    const what = `row ${row.rowNumber}: ${row.name}, IAM user ${row.iamUser}, key ${maskKeyId(row.accessKeyId)}, ended ${toLedgerText(row.endDate)}`;
    this.write(
      to.kind === 'owner'
        ? `[final notice → ${to.slackId}, copy to admins] ${this.m.finalNoticeTitle(date)} — ${what}`
        : `[admins] ${this.m.finalOwnerUnknownTitle(date)} — ${what}: ${to.reason}`,
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
    for (const { deleteOn, count } of scheduledDeletions(report))
      this.write(`[admins] ${this.m.scheduledDeletions(count, toLedgerText(deleteOn))}`);
  }
}
