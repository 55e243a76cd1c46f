import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LedgerRow } from '../../domain/ledger';
import type { SweepReport } from '../../domain/report';
import { caseId } from '../../ports/cases';
import type {
  AdminCopiesPosted,
  AdminCopy,
  DeactivatedNotice,
  DeactivationsAnnounced,
  DeactivationsOptions,
  FinalNotice,
  FindingsDigest,
  FindingsNotice,
  NoticeKind,
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

function ownerTold(row: LedgerRow, slackId: string, notice: NoticeKind): AdminCopy {
  return { kind: 'owner-told', row, slackId, caseId: caseId(row.accessKeyId, row.endDate), notice };
}

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

  async weekAhead(notice: WeekAheadNotice): Promise<AdminCopy> {
    this.write(weekAheadLine(notice, this.m));
    return ownerTold(notice.row, notice.slackId, { kind: 'week-ahead', daysLeft: notice.daysLeft });
  }

  async ownerUnknown(notice: OwnerUnknownNotice): Promise<AdminCopy> {
    this.write(ownerUnknownLine(notice, this.m));
    const { row, reason, daysLeft } = notice;
    return {
      kind: 'admins-only',
      row,
      reason: this.m.reasons.ownerUnknown(reason),
      notice: { kind: 'week-ahead', daysLeft },
    };
  }

  /** A line per row, each naming the admins: the console has no channel to group them in. */
  async deactivations(
    notices: readonly DeactivatedNotice[],
    _account: string | null,
    options: DeactivationsOptions = {},
  ): Promise<DeactivationsAnnounced> {
    for (const notice of notices) this.write(deactivatedLine(notice, this.m));
    await options.posted?.(0, notices.length);
    return { announced: notices.map(() => []) };
  }

  async finalNotice(notice: FinalNotice): Promise<AdminCopy> {
    this.write(finalNoticeLine(notice, this.m));
    const { row, deleteOn, to } = notice;
    const kind = { kind: 'final', deleteOn } as const;
    return to.kind === 'owner'
      ? ownerTold(row, to.slackId, kind)
      : { kind: 'admins-only', row, reason: this.m.reasons.ownerUnknown(to.reason), notice: kind };
  }

  /** Each notice's line already names the admins: the console has no channel to group them in. */
  async adminCopies(copies: readonly AdminCopy[]): Promise<AdminCopiesPosted> {
    return { posted: copies.length };
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
