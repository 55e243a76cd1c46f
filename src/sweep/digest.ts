import { parseCredentialReport } from '../domain/credential-report';
import { dateInZone } from '../domain/dates';
import { findings, summarise } from '../domain/hygiene';
import { type Mute, mutingFor, screenFindings } from '../domain/mutes';
import type { ReportArchive } from '../ports/archive';
import type { CredentialReportSource } from '../ports/credential-report';
import type { IamGateway } from '../ports/iam';
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
  /** Mutes and protected users; the account's `keywarden:mute` tags are read through `iam`. */
  readonly muting?: {
    readonly mutes: readonly Mute[];
    readonly protectedUsers: ReadonlySet<string>;
    readonly iam: Pick<IamGateway, 'inventory'>;
  };
}

export interface DigestResult {
  readonly total: number;
  /** Of `total`, those listed as muted. */
  readonly muted: number;
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
  const now = deps.now();
  const found = findings(parsed.rows, { ...deps.policy, passwordPolicy }, now, deps.timeZone);
  const inventory = deps.muting ? await deps.muting.iam.inventory() : null;
  const { muting, problems } = mutingFor(
    deps.muting?.mutes ?? [],
    deps.muting?.protectedUsers ?? new Set(),
    inventory,
  );
  const screened = screenFindings(found, muting, dateInZone(now, deps.timeZone));
  const stamp = report.generatedAt.toISOString();
  const day = stamp.slice(0, 10);
  const archivedAt = archive
    ? await archive.put(
        `credential-reports/${day.replaceAll('-', '/')}/credential-report-${stamp}.csv`,
        report.csv,
        'text/csv',
      )
    : undefined;
  // Every finding, the muted ones listed apart with their reason and until-date.
  await deps.notifier.findingsDigest({
    fresh: screened.loud,
    counts: summarise(found),
    generatedAt: report.generatedAt,
    timeZone: deps.timeZone,
    muted: screened.muted,
    expiredMutes: screened.expired,
    unreadMuteTags: problems,
    attachment: { filename: `credential-report-${day}.csv`, csv: report.csv },
  });
  return {
    total: found.length,
    muted: screened.muted.length,
    generatedAt: stamp,
    ...(archivedAt ? { archivedAt } : {}),
  };
}
