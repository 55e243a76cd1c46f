import { parseCredentialReport } from '../domain/credential-report';
import { type Finding, findings, type HygienePolicy } from '../domain/hygiene';
import { type FindingsFormat, renderFindings } from '../text/findings';
import type { Layout } from '../text/style';

export interface FindingsReportOptions {
  readonly now: Date;
  /** The calendar the day counts are in, as for the ledger. */
  readonly timeZone: string;
  /** Includes the account password policy, which a saved report does not carry. */
  readonly policy: HygienePolicy;
  readonly format: FindingsFormat;
  /** When IAM generated the report, if known; a saved CSV does not say. */
  readonly generatedAt?: Date;
  /** The table's width and colour on a terminal. */
  readonly layout?: Layout;
}

export interface FindingsReportResult {
  readonly output: string;
  readonly findings: Finding[];
  /** Report rows that could not be read (not audited), one line each. */
  readonly problems: string[];
}

/**
 * The hygiene findings of a credential report's CSV, as `keywarden audit` prints them: one just
 * fetched, or one saved from the console (`--credential-report FILE.csv`, no AWS access).
 * Throws `CredentialReportFormatError` when the text is not a credential report.
 */
export function findingsReport(csvText: string, options: FindingsReportOptions): FindingsReportResult {
  const report = parseCredentialReport(csvText);
  const found = findings(report.rows, options.policy, options.now, options.timeZone);
  const problems = [...report.problems];
  const output = renderFindings(found, options.format, {
    problems,
    timeZone: options.timeZone,
    ...(options.layout ? { layout: options.layout } : {}),
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
  });
  return { output, findings: found, problems };
}
