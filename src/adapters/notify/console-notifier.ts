import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { NoticeMiss } from '../../domain/action-detail';
import type { SweepReport } from '../../domain/report';
import type {
  DeactivatedNotice,
  FinalNotice,
  FindingsDigest,
  FindingsNotice,
  Notifier,
  OwnerUnknownNotice,
  PendingRequestsNotice,
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

/**
 * Stands in for Slack when no bot token is configured: the same notices, as lines of plain
 * text, and the files Slack would carry written to `filesDir` (under KEYWARDEN_HOME).
 */
export class ConsoleNotifier implements Notifier {
  constructor(
    private readonly write: (line: string) => void,
    /** Every line in the configured language, as Slack would word it. */
    private readonly m: Messages,
    private readonly filesDir: string,
  ) {}

  async weekAhead(notice: WeekAheadNotice): Promise<void> {
    this.write(weekAheadLine(notice, this.m));
  }

  async ownerUnknown(notice: OwnerUnknownNotice): Promise<void> {
    this.write(ownerUnknownLine(notice, this.m));
  }

  async deactivated(notice: DeactivatedNotice): Promise<NoticeMiss[]> {
    this.write(deactivatedLine(notice, this.m));
    return [];
  }

  async finalNotice(notice: FinalNotice): Promise<void> {
    this.write(finalNoticeLine(notice, this.m));
  }

  async pendingRequests({ rows, reportDays }: PendingRequestsNotice): Promise<void> {
    const t = this.m.pendingRequests;
    this.write(
      [
        `${this.m.console.toAdmins} ${t.title(rows.length, reportDays)}`,
        ...rows.map((p) => `  ${t.line(p)}`),
        `  ${t.hint}`,
      ].join('\n'),
    );
  }

  async findings(notice: FindingsNotice): Promise<void> {
    this.write(findingsText(notice, this.m));
  }

  async findingsDigest(digest: FindingsDigest): Promise<void> {
    const file = digest.attachment;
    this.write(
      findingsDigestText(digest, this.m, file ? await this.save(file.filename, file.csv) : undefined),
    );
  }

  /** Account data: readable by its owner only, like the admin channel it stands in for. */
  private async save(filename: string, content: string): Promise<string> {
    await mkdir(this.filesDir, { recursive: true, mode: 0o700 });
    const path = join(this.filesDir, basename(filename));
    await writeFile(path, content, { mode: 0o600 });
    // An existing file keeps its mode through writeFile.
    await chmod(path, 0o600);
    return path;
  }

  async sweepReport(report: SweepReport): Promise<void> {
    for (const line of sweepReportLines(report, this.m)) this.write(line);
  }
}
