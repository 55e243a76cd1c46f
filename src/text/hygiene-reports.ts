import { daysBetween, type LocalDate, toLedgerText } from '../domain/dates';
import type { Finding } from '../domain/hygiene';
import { maskKeyId } from '../domain/iam';
import type { LedgerRow } from '../domain/ledger';
import type { UserHoldings } from '../domain/teardown';
import type { Messages } from './messages';
import { alignColumns } from './table';

/** The finding topics `/iam-audit` reports on. */
export type HygieneTopic = 'keys' | 'passwords' | 'unused' | 'mfa';

// The answers of `/iam-audit`, as plain text: the Slack adapter escapes them into a code block.

/** `/iam-audit ledger`: rows ending within `days`, soonest first. */
export function ledgerReport(
  upcoming: readonly LedgerRow[],
  today: LocalDate,
  days: number,
  malformed: number,
  m: Messages,
): string {
  const t = m.audit;
  const lines = [
    t.ledgerHeading(toLedgerText(today), days, upcoming.length),
    ...alignColumns([
      t.ledgerColumns,
      ...upcoming.map((row) => [
        String(row.rowNumber),
        toLedgerText(row.endDate),
        String(daysBetween(today, row.endDate)),
        t.rowStatus(row.status),
        row.iamUser,
        maskKeyId(row.accessKeyId),
        row.name,
      ]),
    ]),
  ];
  if (malformed > 0) lines.push('', t.ledgerMalformed(malformed));
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
export function userReport(name: string, entries: readonly UserEntry[], m: Messages): string {
  const t = m.audit;
  const lines: string[] = [];
  for (const { userName, holdings, rows } of entries) {
    lines.push(t.userHeading(userName, holdings !== null));
    if (holdings)
      lines.push(
        t.userKeys(
          holdings.accessKeys.map((k) => `${maskKeyId(k.accessKeyId)} ${t.keyStatus(k.status)}`).join(', ') ||
            t.none,
        ),
        t.userConsole(holdings.loginProfile, holdings.mfaDevices.length),
        t.userGroups(holdings.groups.join(', ') || t.none),
        t.userPolicies([...holdings.attachedPolicies, ...holdings.inlinePolicies].join(', ') || t.none),
      );
    for (const row of rows)
      lines.push(
        t.userLedgerRow(
          row.rowNumber,
          row.name,
          maskKeyId(row.accessKeyId),
          toLedgerText(row.endDate),
          t.rowStatus(row.status),
        ),
      );
  }
  return lines.length > 0 ? lines.join('\n') : t.noUser(name);
}

/** `/iam-audit keys|passwords|unused|mfa`: the findings of that topic. */
export function topicFindings(topic: HygieneTopic, found: readonly Finding[], m: Messages): string {
  const t = m.audit;
  if (found.length === 0) return t.noTopicFindings(t.topicNames[topic]);
  return alignColumns([
    t.topicColumns,
    ...found.map((f) => [f.user, m.findings.kind[f.kind], m.findings.detail(f)]),
  ]).join('\n');
}

/** The title Slack shows on the uploaded credential report. */
export function credentialReportTitle(generatedAt: Date, m: Messages): string {
  return m.audit.credentialReportTitle(generatedAt.toISOString());
}

export function uploadedLine(filename: string, inAdminChannel: boolean, m: Messages): string {
  return m.audit.uploaded(filename, inAdminChannel);
}
