import type { Language } from '../domain/status';
import type { CaseAction } from '../ports/cases';
import { type DoctorText, doctorText } from './doctor';
import { type HomeText, homeText } from './home';
import { type AuditTexts, auditEn, auditJa } from './messages-audit';
import { type BootTexts, bootEn, bootJa } from './messages-boot';
import { type CliTexts, cliEn, cliJa } from './messages-cli';
import { type ConfigTexts, configEn, configJa } from './messages-config';
import { type ConsoleTexts, consoleEn, consoleJa } from './messages-console';
import { type FindingTexts, findingsEn, findingsJa } from './messages-findings';
import { type HelpTexts, helpEn, helpJa } from './messages-help';
import { type ReasonTexts, reasonsEn, reasonsJa } from './messages-reasons';
import { type SweepTexts, sweepEn, sweepJa } from './messages-sweep';
import { escapeText } from './mrkdwn';
import { enMutes, jaMutes, type MuteMessages } from './mutes';
import { type PendingRequestsText, pendingRequestsText } from './pending-requests';

/**
 * Every sentence a person reads, in Slack or on the console, in Japanese (the default) and
 * English: the one catalogue, chosen by `LANGUAGE`. The top level holds the Slack notices and
 * the approval workflow; larger surfaces have their own section in a sibling module
 * (`findings`, `sweep`, `audit`, `cli`). Arguments named `owner`, `by` or `requester` are mrkdwn
 * already (a mention, or escaped text); free text from people or errors (`note`, `detail`,
 * `reason`) is escaped here. Both languages must have the same keys: test/unit/catalogue.test.ts.
 */
export interface Messages {
  readonly pendingRequests: PendingRequestsText;
  readonly weekAheadTitle: (daysLeft: number) => string;
  readonly adminCopyTitle: (owner: string, daysLeft: number) => string;
  readonly ownerUnknownTitle: string;
  /** Dates arrive as ledger text (2026/12/03). */
  readonly finalNoticeTitle: (deleteOn: string) => string;
  readonly finalAdminCopyTitle: (owner: string, deleteOn: string) => string;
  readonly finalOwnerUnknownTitle: (deleteOn: string) => string;
  readonly scheduledDeletions: (count: number, deleteOn: string) => string;
  readonly fields: {
    readonly iamUser: string;
    readonly purpose: string;
    readonly resource: string;
    readonly period: string;
    readonly accessKey: string;
    readonly owner: string;
    readonly reason: string;
    readonly newEndDate: string;
  };
  readonly extend: string;
  readonly delete: string;
  readonly confirmDeleteTitle: string;
  readonly confirmDeleteText: (iamUser: string) => string;
  readonly confirmDeleteYes: string;
  readonly cancel: string;
  readonly extendModalTitle: string;
  readonly submit: string;
  readonly reasonPlaceholder: string;
  readonly approve: string;
  readonly deny: string;
  readonly denyModalTitle: string;
  readonly approvalRequestTitle: (requester: string) => string;
  /** A deactivated row's line in the admins' grouped message; `owner` is mrkdwn already. */
  readonly deactivatedLineTitle: (owner: string) => string;
  /** The heading of the admins' grouped message of one account's deactivations; as `adminGroupTitle`. */
  readonly deactivatedGroupTitle: (
    account: string | null,
    count: number,
    part: number,
    parts: number,
  ) => string;
  readonly reactivate: string;
  readonly state: {
    readonly requested: (until: string) => string;
    readonly approved: (until: string, by: string) => string;
    readonly denied: (by: string, note: string) => string;
    readonly deleting: (by: string) => string;
    readonly deleted: (by: string) => string;
    readonly deleteFailed: (detail: string) => string;
    /** Gone from IAM; the ledger write is still owed. */
    readonly deletedUnrecorded: (by: string) => string;
    readonly deactivated: (on: string, deleteOn: string, consoleRemoved: boolean) => string;
    readonly reactivated: (until: string, by: string) => string;
  };
  readonly ownerDeactivated: (deleteOn: string) => string;
  /** One DM for an owner's several deactivated rows (`key` masked, `iamUser` the ledger's text). */
  readonly ownerDeactivatedKeys: (
    keys: readonly { readonly iamUser: string; readonly key: string; readonly deleteOn: string }[],
  ) => string;
  readonly ownerReactivated: (until: string) => string;
  /** Told to the admin who reactivated, privately. */
  readonly consoleNotRestored: (iamUser: string) => string;
  /** The button on a `deleted-unrecorded` case that retries the ledger write. */
  readonly recordDeleted: string;
  /** What the clicker is told, privately, when a step failed and everything was undone. */
  readonly undone: (action: CaseAction, detail: string) => string;
  readonly undoFailed: (detail: string) => string;
  readonly unrecorded: (detail: string) => string;
  readonly messagesStale: (count: number) => string;
  readonly busy: string;
  readonly ownerApproved: (until: string) => string;
  readonly ownerDenied: (note: string) => string;
  readonly findingsTitle: (count: number) => string;
  /** Under the title when the sweep covers several AWS accounts. */
  readonly findingsAccount: (account: string) => string;
  /** `iamUser` and `detail` arrive escaped for mrkdwn. */
  readonly findingLine: (iamUser: string, detail: string) => string;
  readonly moreFindings: (count: number) => string;
  readonly alreadySettled: string;
  readonly notAllowed: string;
  /** A payload that failed its checks; nothing changed. */
  readonly invalidInput: string;
  readonly dateErrors: {
    readonly notADate: string;
    readonly notAfterEnd: (end: string) => string;
    readonly tooFar: (max: string) => string;
    readonly inPast: string;
  };
  /** A job the Lambda worker gave up on; `kind`, `user` and `reason` arrive escaped for mrkdwn. */
  readonly workerFailed: (kind: string, user: string, attempts: number, reason: string) => string;
  /** The console's stand-in for a file Slack would carry: where it was written (plain text). */
  readonly reportSaved: (path: string) => string;
  /** Plain text; escaped where it is shown. */
  readonly unreadableFailureRecord: (error: string) => string;
  /** The context line under an owner-unknown notice. */
  readonly ownerUnknownRow: (rowNumber: number, reason: string) => string;
  /** Why an owner-unknown notice went to the admins instead of a DM; plain text. */
  readonly couldNotDm: (slackId: string, code: string) => string;
  /**
   * The heading of the admins' grouped message of one account's notices; `account` is an AWS
   * account id (escaped here), null for the credentials' own. `part`/`parts`: a group Slack's limits split.
   */
  readonly adminGroupTitle: (account: string | null, count: number, part: number, parts: number) => string;

  // Sections: each surface's words in its own module.
  readonly findings: FindingTexts;
  readonly sweep: SweepTexts;
  readonly audit: AuditTexts;
  readonly cli: CliTexts;
  /** `--help` of the CLI and its commands. */
  readonly help: HelpTexts;
  /** `bin/keywarden.js` before the CLI is loaded. */
  readonly boot: BootTexts;
  /** Settings that cannot be read or are wrong. */
  readonly config: ConfigTexts;
  /** Why a row, an action or an account was not acted on, from the facts the domain records. */
  readonly reasons: ReasonTexts;
  /** The console's stand-ins for Slack notices, without a bot token. */
  readonly console: ConsoleTexts;
  readonly home: HomeText;
  readonly doctor: DoctorText;
  /** Muted hygiene findings (text/mutes.ts). */
  readonly mutes: MuteMessages;
}

/** The worker's job kinds (src/slack/jobs.ts) as the admins read them; an unknown one shows as sent. */
const JOB_KINDS_JA: Readonly<Record<string, string>> = {
  'request-extension': '延長申請',
  approve: '承認',
  deny: '却下',
  reactivate: '再有効化',
  delete: '削除',
  'hygiene-report': '/iam-audit',
  audit: '/iam-audit',
};

const ja: Messages = {
  pendingRequests: pendingRequestsText('ja'),
  weekAheadTitle: (daysLeft) =>
    daysLeft === 0
      ? '本日でアクセスキーの利用期間が終了します'
      : `アクセスキーの利用期間があと${daysLeft}日で終了します`,
  adminCopyTitle: (owner, daysLeft) => `${owner} さんに期限通知を送りました（残り${daysLeft}日）`,
  ownerUnknownTitle: '期限が近いアクセスキーの所有者が見つかりません',
  finalNoticeTitle: (deleteOn) =>
    `【最終通知】アクセスキーの利用期間は終了しています。${deleteOn} に削除します（延長する場合はその前に申請してください）`,
  finalAdminCopyTitle: (owner, deleteOn) => `${owner} さんに最終通知を送りました（${deleteOn} に削除予定）`,
  finalOwnerUnknownTitle: (deleteOn) =>
    `【最終通知】利用期間が終了したアクセスキーの所有者が見つかりません。${deleteOn} に削除します`,
  scheduledDeletions: (count, deleteOn) => `${deleteOn} に${count}件のアクセスキーを削除します`,
  fields: {
    iamUser: 'IAMユーザー',
    purpose: '利用目的',
    resource: 'AWSリソース',
    period: '利用期間',
    accessKey: 'アクセスキー',
    owner: '申請者',
    reason: '理由',
    newEndDate: '新しい利用終了日',
  },
  extend: '延長する',
  delete: '削除する',
  confirmDeleteTitle: '削除の確認',
  confirmDeleteText: (iamUser) => `IAMユーザー ${iamUser} のアクセスキーを削除します。元に戻せません。`,
  confirmDeleteYes: '削除する',
  cancel: 'キャンセル',
  extendModalTitle: '利用期間の延長',
  submit: '申請する',
  reasonPlaceholder: '延長が必要な理由',
  approve: '承認',
  deny: '却下',
  denyModalTitle: '延長申請の却下',
  approvalRequestTitle: (requester) => `${requester} さんから利用期間の延長申請があります`,
  deactivatedLineTitle: (owner) => `${owner} さんのアクセスキーを無効化しました`,
  deactivatedGroupTitle: (account, count, part, parts) =>
    `${account === null ? '' : `AWSアカウント ${escapeText(account)} で`}利用期間が終了したアクセスキーを無効化しました ${count}件${parts > 1 ? `（${part}/${parts}）` : ''}`,
  reactivate: '再有効化する',
  state: {
    requested: (until) => `延長申請中（${until} まで）— 承認待ちです`,
    approved: (until, by) => `${by} さんが延長を承認しました（${until} まで）`,
    denied: (by, note) => `${by} さんが延長申請を却下しました: ${escapeText(note)}`,
    deleting: (by) => `${by} さんの操作で削除しています…`,
    deleted: (by) => `${by} さんの操作で削除しました`,
    deleteFailed: (detail) => `削除できませんでした: ${escapeText(detail)}`,
    deletedUnrecorded: (by) =>
      `${by} さんの操作で IAM から削除しました。台帳への記録がまだです（「台帳に記録」で再試行、または次回のスイープで記録）`,
    deactivated: (on, deleteOn, consoleRemoved) =>
      `${on} にアクセスキー${consoleRemoved ? 'とコンソールのパスワード' : ''}を無効化しました。${deleteOn} に削除します（管理者が再有効化しない限り）`,
    reactivated: (until, by) => `${by} さんが再有効化しました（${until} まで延長）`,
  },
  ownerDeactivated: (deleteOn) =>
    `利用期間が終了したため、アクセスキーを無効化しました。${deleteOn} に削除されます。まだ必要な場合は管理者に連絡してください。`,
  ownerDeactivatedKeys: (keys) =>
    [
      `利用期間が終了したため、次のアクセスキー${keys.length}件を無効化しました。まだ必要な場合は管理者に連絡してください。`,
      ...keys.map(
        ({ iamUser, key, deleteOn }) => `• ${escapeText(iamUser)} \`${key}\` — ${deleteOn} に削除されます`,
      ),
    ].join('\n'),
  ownerReactivated: (until) => `アクセスキーが再有効化されました。新しい利用終了日は ${until} です。`,
  consoleNotRestored: (name) =>
    `${escapeText(name)} のコンソールのパスワードは無効化で削除したため元に戻せません。必要なら新しいパスワードを設定してください（aws iam create-login-profile --user-name ${escapeText(name)} --password-reset-required）。`,
  recordDeleted: '台帳に記録',
  undone: (action, detail) =>
    `${{ 'request-extension': '延長を申請', approve: '承認', deny: '却下', delete: '削除', reactivate: '再有効化' }[action]}できませんでした。変更はすべて取り消しました（${escapeText(detail)}）。もう一度お試しください。`,
  undoFailed: (detail) => `取り消しの一部に失敗しました。台帳を確認してください: ${escapeText(detail)}`,
  unrecorded: (detail) =>
    `IAM からは削除しましたが、台帳に記録できませんでした（${escapeText(detail)}）。メッセージの「台帳に記録」を押すか、次回のスイープで記録されます。`,
  messagesStale: (count) =>
    `処理は完了しましたが、Slack のメッセージ${count}件を更新できませんでした。古いメッセージのボタンを押すと表示を直します。`,
  busy: 'ほかの操作を処理中です。少し待ってからもう一度お試しください。',
  ownerApproved: (until) => `延長申請が承認されました。新しい利用終了日は ${until} です。`,
  ownerDenied: (note) => `延長申請は却下されました: ${escapeText(note)}`,
  findingsTitle: (count) => `IAMユーザーの点検結果: 対応が必要な項目が${count}件あります`,
  findingsAccount: (account) => `AWS アカウント ${account} の IAM ユーザーです`,
  findingLine: (iamUser, detail) => `• IAMユーザー \`${iamUser}\`: ${detail}`,
  moreFindings: (count) => `…ほか${count}件`,
  alreadySettled: 'この申請はすでに処理されています。',
  notAllowed: 'この操作を行う権限がありません。',
  invalidInput: '不正な入力のため、この操作は受け付けられませんでした。',
  dateErrors: {
    notADate: '日付を選んでください',
    notAfterEnd: (end) => `現在の利用終了日（${end}）より後の日付を選んでください`,
    tooFar: (max) => `${max} より前の日付を選んでください`,
    inPast: '今日以降の日付を選んでください',
  },
  workerFailed: (kind, user, attempts, reason) =>
    `:warning: ${user} さんの操作（${JOB_KINDS_JA[kind] ?? kind}）が${attempts}回失敗し、中止されました。もう一度操作するか、原因を確認してください: ${reason}`,
  reportSaved: (path) => `認証情報レポートを保存しました: ${path}`,
  unreadableFailureRecord: (error) => `失敗の記録を読み取れません: ${error}`,
  ownerUnknownRow: (rowNumber, reason) => `${rowNumber}行目: ${escapeText(reason)}`,
  couldNotDm: (slackId, code) => `Slack で ${slackId} さんに DM を送れませんでした: ${code}`,
  adminGroupTitle: (account, count, part, parts) =>
    `${account === null ? '' : `AWSアカウント ${escapeText(account)} の`}アクセスキーの期限に関する通知 ${count}件${parts > 1 ? `（${part}/${parts}）` : ''}`,
  findings: findingsJa,
  sweep: sweepJa,
  reasons: reasonsJa,
  console: consoleJa,
  audit: auditJa,
  cli: cliJa,
  help: helpJa,
  boot: bootJa,
  config: configJa,
  home: homeText('ja'),
  doctor: doctorText('ja'),
  mutes: jaMutes,
};

const en: Messages = {
  pendingRequests: pendingRequestsText('en'),
  weekAheadTitle: (daysLeft) =>
    daysLeft === 0 ? 'Your access key expires today' : `Your access key expires in ${daysLeft} days`,
  adminCopyTitle: (owner, daysLeft) => `Expiry notice sent to ${owner} (${daysLeft} days left)`,
  ownerUnknownTitle: 'No owner found for an access key that expires soon',
  finalNoticeTitle: (deleteOn) =>
    `Final notice: your access key's period has ended. It will be deleted on ${deleteOn} (extend before then if you still need it)`,
  finalAdminCopyTitle: (owner, deleteOn) => `Final notice sent to ${owner}: deletion on ${deleteOn}`,
  finalOwnerUnknownTitle: (deleteOn) =>
    `Final notice: no owner found for an expired access key. It will be deleted on ${deleteOn}`,
  scheduledDeletions: (count, deleteOn) =>
    `${count === 1 ? '1 key' : `${count} keys`} will be deleted on ${deleteOn}`,
  fields: {
    iamUser: 'IAM user',
    purpose: 'Purpose',
    resource: 'AWS resource',
    period: 'Period',
    accessKey: 'Access key',
    owner: 'Requester',
    reason: 'Reason',
    newEndDate: 'New end date',
  },
  extend: 'Extend',
  delete: 'Delete',
  confirmDeleteTitle: 'Delete this key?',
  confirmDeleteText: (iamUser) => `This deletes the access key of IAM user ${iamUser}. It cannot be undone.`,
  confirmDeleteYes: 'Delete',
  cancel: 'Cancel',
  extendModalTitle: 'Extend access',
  submit: 'Request',
  reasonPlaceholder: 'Why the key is still needed',
  approve: 'Approve',
  deny: 'Deny',
  denyModalTitle: 'Deny extension',
  approvalRequestTitle: (requester) => `${requester} asks to extend an access key`,
  deactivatedLineTitle: (owner) => `Deactivated the access key of ${owner}`,
  deactivatedGroupTitle: (account, count, part, parts) =>
    `${account === null ? '' : `AWS account ${escapeText(account)}: `}${count === 1 ? '1 expired access key deactivated' : `${count} expired access keys deactivated`}${parts > 1 ? ` (${part}/${parts})` : ''}`,
  reactivate: 'Reactivate',
  state: {
    requested: (until) => `Extension requested until ${until}, awaiting approval`,
    approved: (until, by) => `${by} approved the extension until ${until}`,
    denied: (by, note) => `${by} denied the extension: ${escapeText(note)}`,
    deleting: (by) => `Deleting at ${by}'s request…`,
    deleted: (by) => `Deleted at ${by}'s request`,
    deleteFailed: (detail) => `Could not delete: ${escapeText(detail)}`,
    deletedUnrecorded: (by) =>
      `Deleted from IAM at ${by}'s request; the ledger does not record it yet (retry with "Record in ledger", or the next sweep records it)`,
    deactivated: (on, deleteOn, consoleRemoved) =>
      `Access key${consoleRemoved ? ' and console password' : ''} deactivated on ${on}; deleted on ${deleteOn} unless an admin reactivates`,
    reactivated: (until, by) => `${by} reactivated it, extended until ${until}`,
  },
  ownerDeactivated: (deleteOn) =>
    `Your access key expired and was deactivated. It will be deleted on ${deleteOn}; ask an admin if you still need it.`,
  ownerDeactivatedKeys: (keys) =>
    [
      `These ${keys.length} access keys of yours expired and were deactivated; ask an admin if you still need any of them.`,
      ...keys.map(
        ({ iamUser, key, deleteOn }) => `• ${escapeText(iamUser)} \`${key}\` — deleted on ${deleteOn}`,
      ),
    ].join('\n'),
  ownerReactivated: (until) => `Your access key was reactivated. The new end date is ${until}.`,
  consoleNotRestored: (name) =>
    `The console password of ${escapeText(name)} was deleted when it was deactivated and cannot be restored; set a new one if needed (aws iam create-login-profile --user-name ${escapeText(name)} --password-reset-required).`,
  recordDeleted: 'Record in ledger',
  undone: (action, detail) =>
    `Could not ${{ 'request-extension': 'request the extension', approve: 'approve', deny: 'deny', delete: 'delete', reactivate: 'reactivate' }[action]}; every change was undone (${escapeText(detail)}). Please try again.`,
  undoFailed: (detail) => `Part of the undo failed; check the ledger: ${escapeText(detail)}`,
  unrecorded: (detail) =>
    `Deleted from IAM, but the ledger could not be updated (${escapeText(detail)}). Press "Record in ledger" on the message, or the next sweep records it.`,
  messagesStale: (count) =>
    `Done, but ${count === 1 ? '1 Slack message' : `${count} Slack messages`} could not be updated. Pressing a button on an outdated message redraws it.`,
  busy: 'Someone is acting on this right now. Please try again in a moment.',
  ownerApproved: (until) => `Your extension was approved. The new end date is ${until}.`,
  ownerDenied: (note) => `Your extension was denied: ${escapeText(note)}`,
  findingsTitle: (count) =>
    `IAM hygiene check: ${count === 1 ? '1 finding needs' : `${count} findings need`} your attention`,
  findingsAccount: (account) => `IAM users in AWS account ${account}`,
  findingLine: (iamUser, detail) => `• IAM user \`${iamUser}\`: ${detail}`,
  moreFindings: (count) => `…and ${count} more`,
  alreadySettled: 'This has already been handled.',
  notAllowed: 'You are not allowed to do that.',
  invalidInput: 'That request was refused: its input is not valid.',
  dateErrors: {
    notADate: 'Pick a date',
    notAfterEnd: (end) => `Pick a date after the current end date (${end})`,
    tooFar: (max) => `Pick a date before ${max}`,
    inPast: 'Pick a date from today on',
  },
  workerFailed: (kind, user, attempts, reason) =>
    `:warning: A ${kind} by ${user} failed ${attempts === 1 ? 'once' : `${attempts} times`} and was dropped. Retry it or look into the cause: ${reason}`,
  reportSaved: (path) => `credential report saved to ${path}`,
  unreadableFailureRecord: (error) => `unreadable failure record: ${error}`,
  ownerUnknownRow: (rowNumber, reason) => `row ${rowNumber}: ${escapeText(reason)}`,
  couldNotDm: (slackId, code) => `Slack could not DM ${slackId}: ${code}`,
  adminGroupTitle: (account, count, part, parts) =>
    `${account === null ? '' : `AWS account ${escapeText(account)}: `}${count === 1 ? '1 access key expiry notice' : `${count} access key expiry notices`}${parts > 1 ? ` (${part}/${parts})` : ''}`,
  findings: findingsEn,
  sweep: sweepEn,
  reasons: reasonsEn,
  console: consoleEn,
  audit: auditEn,
  cli: cliEn,
  help: helpEn,
  boot: bootEn,
  config: configEn,
  home: homeText('en'),
  doctor: doctorText('en'),
  mutes: enMutes,
};

export function messages(language: Language): Messages {
  return language === 'ja' ? ja : en;
}
