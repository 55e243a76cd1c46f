import { daysBetween, type LocalDate, toLedgerText } from '../domain/dates';
import type { Finding } from '../domain/hygiene';
import { maskKeyId } from '../domain/iam';
import type { LedgerRow } from '../domain/ledger';
import type { UserHoldings } from '../domain/teardown';
import { alignColumns } from './table';

// The answers of `/iam-audit`, as plain text: the Slack adapter escapes them into a code block.

/** `/iam-audit ledger`: rows ending within `days`, soonest first. */
export function ledgerReport(
  upcoming: readonly LedgerRow[],
  today: LocalDate,
  days: number,
  malformed: number,
): string {
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
  if (malformed > 0) lines.push('', `${malformed} malformed rows (see /iam-audit sweep)`);
  return lines.join('\n');
}

/** One IAM user as `/iam-audit user` shows it: what IAM holds for it, and its ledger rows. */
export interface UserEntry {
  readonly userName: string;
  /** Null when IAM has no such user. */
  readonly holdings: UserHoldings | null;
  readonly rows: readonly LedgerRow[];
}

/** `/iam-audit user <name>`; `name` is what was typed, for the answer when nothing matches. */
export function userReport(name: string, entries: readonly UserEntry[]): string {
  const lines: string[] = [];
  for (const { userName, holdings, rows } of entries) {
    lines.push(`IAM user ${userName}: ${holdings ? 'exists' : 'not in IAM'}`);
    if (holdings)
      lines.push(
        `  keys: ${holdings.accessKeys.map((k) => `${maskKeyId(k.accessKeyId)} ${k.status}`).join(', ') || 'none'}`,
        `  console password: ${holdings.loginProfile ? 'yes' : 'no'}, MFA devices: ${holdings.mfaDevices.length}`,
        `  groups: ${holdings.groups.join(', ') || 'none'}`,
        `  policies: ${[...holdings.attachedPolicies, ...holdings.inlinePolicies].join(', ') || 'none'}`,
      );
    for (const row of rows)
      lines.push(
        `  ledger row ${row.rowNumber}: ${row.name}, ${maskKeyId(row.accessKeyId)}, ends ${toLedgerText(row.endDate)}, ${row.status}`,
      );
  }
  return lines.length > 0 ? lines.join('\n') : `No IAM user or ledger row matches "${name}".`;
}

/** `/iam-audit keys|passwords|unused|mfa`: the findings of that topic. */
export function topicFindings(topic: string, found: readonly Finding[]): string {
  if (found.length === 0) return `No ${topic} findings.`;
  return alignColumns([['user', 'finding', 'detail'], ...found.map((f) => [f.user, f.kind, f.detail])]).join(
    '\n',
  );
}

/** The title Slack shows on the uploaded credential report. */
export function credentialReportTitle(generatedAt: Date): string {
  return `IAM credential report (generated ${generatedAt.toISOString()})`;
}

export function uploadedLine(filename: string, inAdminChannel: boolean): string {
  return `Uploaded ${filename} to ${inAdminChannel ? 'this channel' : 'your direct messages with Keywarden'}.`;
}
