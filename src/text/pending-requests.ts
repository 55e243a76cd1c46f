import { toLedgerText } from '../domain/dates';
import type { StalePending } from '../domain/pending';
import type { Language } from '../domain/status';

/**
 * The admins' reminder about requests nobody issued. Plain text: the Slack adapter escapes
 * each line (names and emails come from the ledger), the console prints it as is.
 */
export interface PendingRequestsText {
  readonly title: (count: number, reportDays: number) => string;
  readonly line: (pending: StalePending) => string;
  /** What the admins do about it. */
  readonly hint: string;
}

const missing = (row: StalePending['row'], words: { user: string; key: string; and: string }) =>
  [row.iamUser === '' ? words.user : '', row.accessKeyId === '' ? words.key : '']
    .filter((word) => word !== '')
    .join(words.and);

const ja: PendingRequestsText = {
  title: (count, days) => `発行待ちの申請が ${count} 件あります（申請から ${days} 日以上）`,
  line: ({ row, ageDays }) =>
    `${row.rowNumber} 行目: ${row.name || row.email}${row.name && row.email ? ` (${row.email})` : ''}、` +
    `申請 ${row.submittedOn ? toLedgerText(row.submittedOn) : '不明'}（${ageDays} 日前）、` +
    `${missing(row, { user: 'IAMユーザー', key: 'アクセスキーID', and: 'と' })}が未記入`,
  hint: 'キーを発行して台帳に IAM ユーザーとアクセスキーID を記入するか、不要な申請は状態を「削除済み」にしてください。',
};

const en: PendingRequestsText = {
  title: (count, days) =>
    `${count} ${count === 1 ? 'request awaits' : 'requests await'} issuance (submitted ${days}+ days ago)`,
  line: ({ row, ageDays }) =>
    `row ${row.rowNumber}: ${row.name || row.email}${row.name && row.email ? ` (${row.email})` : ''}, ` +
    `submitted ${row.submittedOn ? toLedgerText(row.submittedOn) : 'unknown'} (${ageDays} days ago), ` +
    `no ${missing(row, { user: 'IAM user', key: 'access key id', and: ' or ' })} yet`,
  hint: 'Issue the key and fill in the IAM user and access key id, or set the status to deleted if it is not wanted.',
};

export function pendingRequestsText(language: Language): PendingRequestsText {
  return language === 'ja' ? ja : en;
}
