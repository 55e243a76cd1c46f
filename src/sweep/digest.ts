import { parseCredentialReport } from '../domain/credential-report';
import { findings, summarise } from '../domain/hygiene';
import type { ReportArchive } from '../ports/archive';
import type { CredentialReportSource } from '../ports/credential-report';
import type { Notifier } from '../ports/notifier';
import type { HygieneSettings } from './deps';

export interface DigestDeps {
  readonly notifier: Notifier;
  readonly now: () => Date;
  readonly timeZone: string;
  /** The credentials' own account's credential report. */
  readonly reports: CredentialReportSource;
  readonly policy: HygieneSettings['policy'];
  /** Where the credential report is kept; null when not configured. */
  readonly archive: ReportArchive | null;
}

export interface DigestResult {
  readonly total: number;
  readonly generatedAt: string;
  readonly archivedAt?: string;
}

/**
 * The weekly digest: every current finding with counts, the credential report attached for
 * the admins, and a dated copy in the archive when one is configured.
 */
export async function runDigest(deps: DigestDeps): Promise<DigestResult> {
  const { archive } = deps;
  const [report, passwordPolicy] = await Promise.all([deps.reports.fetch(), deps.reports.passwordPolicy()]);
  const parsed = parseCredentialReport(report.csv);
  const found = findings(parsed.rows, { ...deps.policy, passwordPolicy }, deps.now(), deps.timeZone);
  const stamp = report.generatedAt.toISOString();
  const day = stamp.slice(0, 10);
  const archivedAt = archive
    ? await archive.put(
        `credential-reports/${day.replaceAll('-', '/')}/credential-report-${stamp}.csv`,
        report.csv,
        'text/csv',
      )
    : undefined;
  await deps.notifier.findingsDigest({
    fresh: found,
    counts: summarise(found),
    generatedAt: report.generatedAt,
    attachment: { filename: `credential-report-${day}.csv`, csv: report.csv },
  });
  return { total: found.length, generatedAt: stamp, ...(archivedAt ? { archivedAt } : {}) };
}
