import { parseCredentialReport } from '../domain/credential-report';
import { findings, summarise } from '../domain/hygiene';
import type { ReportArchive } from '../ports/archive';
import type { HygieneSettings } from './hygiene';
import type { SweepDeps } from './run-sweep';

export interface DigestResult {
  readonly total: number;
  readonly generatedAt: string;
  readonly archivedAt?: string;
}

/**
 * The weekly digest: every current finding with counts, the credential report attached for
 * the admins, and a dated copy in the archive when one is configured.
 */
export async function runDigest(
  deps: Pick<SweepDeps, 'notifier' | 'now' | 'timeZone'>,
  settings: Pick<HygieneSettings, 'reports' | 'policy'>,
  archive: ReportArchive | null,
): Promise<DigestResult> {
  const [report, passwordPolicy] = await Promise.all([
    settings.reports.fetch(),
    settings.reports.passwordPolicy(),
  ]);
  const parsed = parseCredentialReport(report.csv);
  const found = findings(parsed.rows, { ...settings.policy, passwordPolicy }, deps.now(), deps.timeZone);
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
