import type { Language } from '../domain/status';

/** Every sentence a person reads in Slack, in Japanese (the default) and English. */
export interface Messages {
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
  readonly state: {
    readonly requested: (until: string) => string;
    readonly approved: (until: string, by: string) => string;
    readonly denied: (by: string, note: string) => string;
    readonly deleting: (by: string) => string;
    readonly deleted: (by: string) => string;
    readonly deleteFailed: (detail: string) => string;
  };
  readonly ownerApproved: (until: string) => string;
  readonly ownerDenied: (note: string) => string;
  readonly findingsTitle: (count: number) => string;
  /** `iamUser` and `detail` arrive escaped for mrkdwn. */
  readonly findingLine: (iamUser: string, detail: string) => string;
  readonly moreFindings: (count: number) => string;
  readonly alreadySettled: string;
  readonly notAllowed: string;
  readonly dateErrors: {
    readonly notAfterEnd: (end: string) => string;
    readonly tooFar: (max: string) => string;
    readonly inPast: string;
  };
}

const ja: Messages = {
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
  state: {
    requested: (until) => `延長申請中（${until} まで）— 承認待ちです`,
    approved: (until, by) => `${by} さんが延長を承認しました（${until} まで）`,
    denied: (by, note) => `${by} さんが延長申請を却下しました: ${note}`,
    deleting: (by) => `${by} さんの操作で削除しています…`,
    deleted: (by) => `${by} さんの操作で削除しました`,
    deleteFailed: (detail) => `削除できませんでした: ${detail}`,
  },
  ownerApproved: (until) => `延長申請が承認されました。新しい利用終了日は ${until} です。`,
  ownerDenied: (note) => `延長申請は却下されました: ${note}`,
  findingsTitle: (count) => `IAMユーザーの点検結果: 対応が必要な項目が${count}件あります`,
  findingLine: (iamUser, detail) => `• IAMユーザー \`${iamUser}\`: ${detail}`,
  moreFindings: (count) => `…ほか${count}件`,
  alreadySettled: 'この申請はすでに処理されています。',
  notAllowed: 'この操作を行う権限がありません。',
  dateErrors: {
    notAfterEnd: (end) => `現在の利用終了日（${end}）より後の日付を選んでください`,
    tooFar: (max) => `${max} より前の日付を選んでください`,
    inPast: '今日以降の日付を選んでください',
  },
};

const en: Messages = {
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
  state: {
    requested: (until) => `Extension requested until ${until}, awaiting approval`,
    approved: (until, by) => `${by} approved the extension until ${until}`,
    denied: (by, note) => `${by} denied the extension: ${note}`,
    deleting: (by) => `Deleting at ${by}'s request…`,
    deleted: (by) => `Deleted at ${by}'s request`,
    deleteFailed: (detail) => `Could not delete: ${detail}`,
  },
  ownerApproved: (until) => `Your extension was approved. The new end date is ${until}.`,
  ownerDenied: (note) => `Your extension was denied: ${note}`,
  findingsTitle: (count) =>
    `IAM hygiene check: ${count === 1 ? '1 finding needs' : `${count} findings need`} your attention`,
  findingLine: (iamUser, detail) => `• IAM user \`${iamUser}\`: ${detail}`,
  moreFindings: (count) => `…and ${count} more`,
  alreadySettled: 'This has already been handled.',
  notAllowed: 'You are not allowed to do that.',
  dateErrors: {
    notAfterEnd: (end) => `Pick a date after the current end date (${end})`,
    tooFar: (max) => `Pick a date before ${max}`,
    inPast: 'Pick a date from today on',
  },
};

export function messages(language: Language): Messages {
  return language === 'ja' ? ja : en;
}
