import { parseCredentialReport, type ReportRowProblem } from '../domain/credential-report';
import { dateInZone, type LocalDate } from '../domain/dates';
import { type Finding, findings, type HygienePolicy } from '../domain/hygiene';
import { type MutedFinding, type Muting, screenFindings, type UnreadMuteTag } from '../domain/mutes';
import { type FindingsFormat, renderFindings } from '../text/findings';
import type { Messages } from '../text/messages';
import type { MuteMessages } from '../text/mutes';
import type { Layout } from '../text/style';

export interface FindingsReportOptions {
  /** The instant audited: now, or this time of day on the `--date` day. */
  readonly now: Date;
  /** The calendar the day counts are in, as for the ledger. */
  readonly timeZone: string;
  /** Includes the account password policy, which a saved report does not carry. */
  readonly policy: HygienePolicy;
  readonly format: FindingsFormat;
  readonly messages: Messages;
  /** When IAM generated the report, if known; a saved CSV does not say. */
  readonly generatedAt?: Date;
  /** Mutes and protected users, and the words for them; absent, nothing is muted. */
  readonly mutes?: {
    readonly muting: Muting;
    readonly unread: readonly UnreadMuteTag[];
    readonly text: MuteMessages;
  };
  /** `audit --date`: named in the output. */
  readonly asOf?: LocalDate;
  /** The table's width and colour on a terminal. */
  readonly layout?: Layout;
}

export interface FindingsReportResult {
  readonly output: string;
  /** Every finding, muted ones included. */
  readonly findings: Finding[];
  readonly muted: readonly MutedFinding[];
  /** Report rows that could not be read (not audited), one line each. */
  readonly problems: ReportRowProblem[];
}

/**
 * The hygiene findings of a credential report's CSV, as `keywarden audit` prints them: one just
 * fetched, or one saved from the console (`--credential-report FILE.csv`, no AWS access). Muted
 * findings are listed apart, with their reason and until-date.
 * Throws `CredentialReportFormatError` when the text is not a credential report.
 */
export function findingsReport(csvText: string, options: FindingsReportOptions): FindingsReportResult {
  const report = parseCredentialReport(csvText);
  const found = findings(report.rows, options.policy, options.now, options.timeZone);
  const problems = [...report.problems];
  const mutes = options.mutes;
  const screened = mutes
    ? screenFindings(found, mutes.muting, dateInZone(options.now, options.timeZone))
    : { muted: [], expired: [] };
  const output = renderFindings(found, options.format, options.messages, {
    problems,
    timeZone: options.timeZone,
    ...(options.layout ? { layout: options.layout } : {}),
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
    ...(mutes
      ? {
          mutes: {
            muted: screened.muted,
            expired: screened.expired,
            unread: mutes.unread,
            text: mutes.text,
            ...(options.asOf ? { asOf: options.asOf } : {}),
          },
        }
      : {}),
  });
  return { output, findings: found, muted: screened.muted, problems };
}
