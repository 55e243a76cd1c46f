import { parseCredentialReport } from '../domain/credential-report';
import { dateInZone, daysBetween } from '../domain/dates';
import { type Finding, findings, type HygienePolicy } from '../domain/hygiene';
import { parseLedger } from '../domain/ledger';
import type { CredentialReportSource } from '../ports/credential-report';
import type { FileShare } from '../ports/file-share';
import type { SweepStarter } from '../ports/sweep-starter';
import type { SweepDeps } from '../sweep/deps';
import { runSweep } from '../sweep/run-sweep';
import {
  credentialReportTitle,
  type HygieneTopic,
  ledgerReport,
  topicFindings,
  type UserEntry,
  uploadedLine,
  userReport,
} from '../text/hygiene-reports';
import type { Messages } from '../text/messages';
import { renderReport } from '../text/sweep-report';

export type { HygieneTopic } from '../text/hygiene-reports';

/** The reports behind `/iam-audit`; each returns text ready for a code block. */
export interface HygieneReports {
  ledger(days: number): Promise<string>;
  user(name: string): Promise<string>;
  /** The dry run's report; on Lambda, a line saying the state machine runs it and DMs the report. */
  sweepPlan(requester: Requester): Promise<string>;
  hygiene(topic: HygieneTopic, days: number | undefined): Promise<string>;
  /** Uploads the credential report CSV where account data may go; returns a line saying where. */
  uploadReport(requester: Requester): Promise<string>;
}

/** Who typed the command, and where. */
export interface Requester {
  readonly user: string;
  readonly channel: string;
}

export interface HygieneReportDeps {
  readonly sweep: SweepDeps;
  readonly credentialReports: CredentialReportSource;
  readonly hygiene: Omit<HygienePolicy, 'passwordPolicy'>;
  /** Files with account data go to the admin channel, or to the requesting admin's DM, never elsewhere. */
  readonly files: FileShare;
  readonly adminChannel: string;
  readonly messages: Messages;
  /**
   * Present on Lambda with the sweep state machine: a dry run of an Organization outlasts one
   * invocation, so the state machine runs it and delivers the report. Absent, it runs here.
   */
  readonly sweepStarter?: SweepStarter;
}

const TOPICS: Readonly<Record<HygieneTopic, readonly Finding['kind'][]>> = {
  keys: ['key-expiring', 'key-too-old', 'root-access-keys'],
  passwords: ['password-expiring', 'password-expired'],
  unused: ['unused-credentials'],
  mfa: ['no-mfa', 'root-no-mfa'],
};

/** What `/iam-audit` answers with; every report reads live data, none changes anything. */
export class HygieneReportService implements HygieneReports {
  constructor(private readonly deps: HygieneReportDeps) {}

  private today() {
    return dateInZone(this.deps.sweep.now(), this.deps.sweep.timeZone);
  }

  async ledger(days: number): Promise<string> {
    const ledger = parseLedger((await this.deps.sweep.workbook.read()).ledger, this.deps.sweep.ledgerColumns);
    const today = this.today();
    const upcoming = ledger.rows
      .filter((row) => row.status !== 'deleted' && daysBetween(today, row.endDate) <= days)
      .sort((a, b) => a.endDate.localeCompare(b.endDate));
    return ledgerReport(upcoming, today, days, ledger.problems.length, this.deps.messages);
  }

  async user(name: string): Promise<string> {
    const ledger = parseLedger((await this.deps.sweep.workbook.read()).ledger, this.deps.sweep.ledgerColumns);
    const rows = ledger.rows.filter((row) => row.iamUser === name || row.name.replace(/\s+/g, '') === name);
    const userNames = [...new Set([name, ...rows.map((row) => row.iamUser)])];
    const entries: UserEntry[] = [];
    for (const userName of userNames) {
      const holdings = await this.deps.sweep.iam.holdings(userName);
      const own = rows.filter((row) => row.iamUser === userName);
      if (holdings || own.length > 0) entries.push({ userName, holdings, rows: own });
    }
    return userReport(name, entries, this.deps.messages);
  }

  async sweepPlan(requester: Requester): Promise<string> {
    if (this.deps.sweepStarter) {
      await this.deps.sweepStarter.startDryRun(requester.user);
      return this.deps.messages.audit.sweepStarted;
    }
    return renderReport(await runSweep(this.deps.sweep, { mode: 'dry-run' }), this.deps.messages);
  }

  async hygiene(topic: HygieneTopic, days: number | undefined): Promise<string> {
    const found = await this.findings(
      days === undefined ? {} : topic === 'keys' ? { keyMaxAgeDays: days } : { unusedDays: days },
    );
    const kinds = TOPICS[topic];
    return topicFindings(
      topic,
      found.filter((finding) => kinds.includes(finding.kind)),
      this.deps.messages,
    );
  }

  /** The command may come from any channel, public ones too; the report lists every IAM user. */
  async uploadReport(requester: Requester): Promise<string> {
    const inAdminChannel = requester.channel === this.deps.adminChannel;
    const report = await this.deps.credentialReports.fetch();
    const filename = `credential-report-${report.generatedAt.toISOString().slice(0, 10)}.csv`;
    await this.deps.files.share(
      inAdminChannel ? { kind: 'admin-channel' } : { kind: 'direct-message', user: requester.user },
      { filename, title: credentialReportTitle(report.generatedAt, this.deps.messages), content: report.csv },
    );
    return uploadedLine(filename, inAdminChannel, this.deps.messages);
  }

  private async findings(overrides: Partial<HygienePolicy>): Promise<Finding[]> {
    const [report, passwordPolicy] = await Promise.all([
      this.deps.credentialReports.fetch(),
      this.deps.credentialReports.passwordPolicy(),
    ]);
    const { rows } = parseCredentialReport(report.csv);
    return findings(
      rows,
      { ...this.deps.hygiene, passwordPolicy, ...overrides },
      this.deps.sweep.now(),
      this.deps.sweep.timeZone,
    );
  }
}
