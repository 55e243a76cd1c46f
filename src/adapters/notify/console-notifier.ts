import type { SweepReport } from '../../domain/report';
import type {
  DeactivatedNotice,
  FinalNotice,
  FindingsDigest,
  FindingsNotice,
  Notifier,
  OwnerUnknownNotice,
  WeekAheadNotice,
} from '../../ports/notifier';
import {
  deactivatedLine,
  finalNoticeLine,
  findingsDigestText,
  findingsText,
  ownerUnknownLine,
  sweepReportLines,
  weekAheadLine,
} from '../../text/console-notices';
import type { Messages } from '../../text/messages';

/** Stands in for Slack when no bot token is configured: the same notices, as lines of text. */
export class ConsoleNotifier implements Notifier {
  constructor(
    private readonly write: (line: string) => void,
    /** The final notice names its deletion date in the configured language, as Slack would. */
    private readonly m: Messages,
  ) {}

  async weekAhead(notice: WeekAheadNotice): Promise<void> {
    this.write(weekAheadLine(notice));
  }

  async ownerUnknown(notice: OwnerUnknownNotice): Promise<void> {
    this.write(ownerUnknownLine(notice));
  }

  async deactivated(notice: DeactivatedNotice): Promise<string[]> {
    this.write(deactivatedLine(notice));
    return [];
  }

  async finalNotice(notice: FinalNotice): Promise<void> {
    this.write(finalNoticeLine(notice, this.m));
  }

  async findings(notice: FindingsNotice): Promise<void> {
    this.write(findingsText(notice));
  }

  async findingsDigest(digest: FindingsDigest): Promise<void> {
    this.write(findingsDigestText(digest, this.m));
  }

  async sweepReport(report: SweepReport): Promise<void> {
    for (const line of sweepReportLines(report, this.m)) this.write(line);
  }
}
