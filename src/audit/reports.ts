import type { WebClient } from '@slack/web-api';
import { renderReport } from '../cli/render';
import { parseCredentialReport } from '../domain/credential-report';
import { dateInZone, daysBetween, toLedgerText } from '../domain/dates';
import { type Finding, findings, type HygienePolicy } from '../domain/hygiene';
import { maskKeyId } from '../domain/iam';
import { parseLedger } from '../domain/ledger';
import type { CredentialReportSource } from '../ports/credential-report';
import type { AuditReports, HygieneTopic, Requester } from '../slack/listeners/commands/iam-audit';
import type { SweepDeps } from '../sweep/deps';
import { runSweep } from '../sweep/run-sweep';
import { alignColumns } from '../util/text-table';

export interface ReportDeps {
  readonly sweep: SweepDeps;
  readonly credentialReports: CredentialReportSource;
  readonly hygiene: Omit<HygienePolicy, 'passwordPolicy'>;
  readonly web: WebClient;
  /** Files with account data go here, or to the requesting admin's DM, never elsewhere. */
  readonly adminChannel: string;
}

const TOPICS: Readonly<Record<HygieneTopic, readonly Finding['kind'][]>> = {
  keys: ['key-expiring', 'key-too-old', 'root-access-keys'],
  passwords: ['password-expiring', 'password-expired'],
  unused: ['unused-credentials'],
  mfa: ['no-mfa', 'root-no-mfa'],
};

/** What `/iam-audit` answers with; every report reads live data, none changes anything. */
export class AuditReportService implements AuditReports {
  constructor(private readonly deps: ReportDeps) {}

  private today() {
    return dateInZone(this.deps.sweep.now(), this.deps.sweep.timeZone);
  }

  async ledger(days: number): Promise<string> {
    const ledger = parseLedger((await this.deps.sweep.workbook.read()).ledger);
    const today = this.today();
    const upcoming = ledger.rows
      .filter((row) => row.status !== 'deleted' && daysBetween(today, row.endDate) <= days)
      .sort((a, b) => a.endDate.localeCompare(b.endDate));
    const lines = [
      `Ledger rows ending by ${toLedgerText(today)} + ${days} days: ${upcoming.length}`,
      ...alignColumns([
        ['row', 'end', 'days', 'status', 'IAM user', 'key', 'name'],
        ...upcoming.map((row) => [
          String(row.rowNumber),
          toLedgerText(row.endDate),
          String(daysBetween(today, row.endDate)),
          row.status,
          row.iamUser,
          maskKeyId(row.accessKeyId),
          row.name,
        ]),
      ]),
    ];
    if (ledger.problems.length > 0)
      lines.push('', `${ledger.problems.length} malformed rows (see /iam-audit sweep)`);
    return lines.join('\n');
  }

  async user(name: string): Promise<string> {
    const ledger = parseLedger((await this.deps.sweep.workbook.read()).ledger);
    const rows = ledger.rows.filter((row) => row.iamUser === name || row.name.replace(/\s+/g, '') === name);
    const userNames = [...new Set([name, ...rows.map((row) => row.iamUser)])];
    const lines: string[] = [];
    for (const userName of userNames) {
      const holdings = await this.deps.sweep.iam.holdings(userName);
      if (!holdings && !rows.some((row) => row.iamUser === userName)) continue;
      lines.push(`IAM user ${userName}: ${holdings ? 'exists' : 'not in IAM'}`);
      if (holdings)
        lines.push(
          `  keys: ${holdings.accessKeys.map((k) => `${maskKeyId(k.accessKeyId)} ${k.status}`).join(', ') || 'none'}`,
          `  console password: ${holdings.loginProfile ? 'yes' : 'no'}, MFA devices: ${holdings.mfaDevices.length}`,
          `  groups: ${holdings.groups.join(', ') || 'none'}`,
          `  policies: ${[...holdings.attachedPolicies, ...holdings.inlinePolicies].join(', ') || 'none'}`,
        );
      for (const row of rows.filter((r) => r.iamUser === userName))
        lines.push(
          `  ledger row ${row.rowNumber}: ${row.name}, ${maskKeyId(row.accessKeyId)}, ends ${toLedgerText(row.endDate)}, ${row.status}`,
        );
    }
    return lines.length > 0 ? lines.join('\n') : `No IAM user or ledger row matches "${name}".`;
  }

  async sweepPlan(): Promise<string> {
    return renderReport(await runSweep(this.deps.sweep, { mode: 'dry-run' }));
  }

  async hygiene(topic: HygieneTopic, days: number | undefined): Promise<string> {
    const found = await this.findings(
      days === undefined ? {} : topic === 'keys' ? { keyMaxAgeDays: days } : { unusedDays: days },
    );
    const kinds = TOPICS[topic];
    const relevant = found.filter((finding) => kinds.includes(finding.kind));
    if (relevant.length === 0) return `No ${topic} findings.`;
    return alignColumns([
      ['user', 'finding', 'detail'],
      ...relevant.map((f) => [f.user, f.kind, f.detail]),
    ]).join('\n');
  }

  /** The command may come from any channel, public ones too; the report lists every IAM user. */
  async uploadReport(requester: Requester): Promise<string> {
    const inAdminChannel = requester.channel === this.deps.adminChannel;
    const channel = inAdminChannel ? this.deps.adminChannel : await this.directMessage(requester.user);
    const report = await this.deps.credentialReports.fetch();
    const filename = `credential-report-${report.generatedAt.toISOString().slice(0, 10)}.csv`;
    await this.deps.web.files.uploadV2({
      channel_id: channel,
      file: Buffer.from(report.csv, 'utf8'),
      filename,
      title: `IAM credential report (generated ${report.generatedAt.toISOString()})`,
    });
    return `Uploaded ${filename} to ${inAdminChannel ? 'this channel' : 'your direct messages with Keywarden'}.`;
  }

  private async directMessage(user: string): Promise<string> {
    const opened = await this.deps.web.conversations.open({ users: user });
    if (!opened.channel?.id) throw new Error('Slack opened no direct message channel');
    return opened.channel.id;
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
