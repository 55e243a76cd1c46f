/**
 * The console's stand-ins for Slack notices (no bot token): who Slack would have told, and the
 * notice in one line. Part of the catalogue (`Messages.console`). Dates arrive as ledger text
 * (2026/12/03), keys masked; `reason` arrives worded by `Messages.reasons`.
 */
export interface ConsoleTexts {
  /** The prefix of a line the admins' channel would get. */
  readonly toAdmins: string;
  /** The prefix of an owner's DM copied to the admins. */
  readonly toOwner: (slackId: string) => string;
  readonly toOwnerFinal: (slackId: string) => string;
  /** The prefix of an owner's DM with hygiene findings (no copy). */
  readonly toOwnerOnly: (slackId: string) => string;
  readonly weekAhead: (n: {
    readonly name: string;
    readonly iamUser: string;
    readonly key: string;
    readonly endDate: string;
    readonly daysLeft: number;
  }) => string;
  readonly ownerUnknown: (rowNumber: number, iamUser: string, endDate: string, reason: string) => string;
  readonly deactivated: (n: {
    readonly rowNumber: number;
    readonly iamUser: string;
    readonly key: string;
    readonly consoleRemoved: boolean;
    readonly deleteOn: string;
  }) => string;
  /** The row a final notice is about. */
  readonly finalRow: (n: {
    readonly rowNumber: number;
    readonly name: string;
    readonly iamUser: string;
    readonly key: string;
    readonly endDate: string;
  }) => string;
  readonly findingsHeading: (count: number) => string;
  readonly findingLine: (user: string, detail: string) => string;
  readonly sweepLine: (sweepId: string, actions: number, attention: number, malformed: number) => string;
}

export const consoleJa: ConsoleTexts = {
  toAdmins: '[管理者]',
  toOwner: (slackId) => `[通知 → ${slackId}、管理者にもコピー]`,
  toOwnerFinal: (slackId) => `[最終通知 → ${slackId}、管理者にもコピー]`,
  toOwnerOnly: (slackId) => `[通知 → ${slackId}]`,
  weekAhead: (n) =>
    `${n.name}: IAM ユーザー ${n.iamUser}、キー ${n.key} は ${n.endDate} に終了します（残り${n.daysLeft}日）。延長しますか、削除しますか？`,
  ownerUnknown: (rowNumber, iamUser, endDate, reason) =>
    `${rowNumber}行目: ${endDate} に終了する ${iamUser} の Slack ユーザーが見つかりません: ${reason}`,
  deactivated: (n) =>
    `${n.rowNumber}行目: ${n.iamUser} のキー ${n.key}${n.consoleRemoved ? 'とコンソールのパスワード' : ''}を無効化しました。再有効化されなければ ${n.deleteOn} に削除します`,
  finalRow: (n) =>
    `${n.rowNumber}行目: ${n.name}、IAM ユーザー ${n.iamUser}、キー ${n.key}、${n.endDate} に終了`,
  findingsHeading: (count) => `IAM 点検の指摘事項${count}件:`,
  findingLine: (user, detail) => `IAM ユーザー ${user}: ${detail}`,
  sweepLine: (sweepId, actions, attention, malformed) =>
    `スイープ ${sweepId}: 操作${actions}件、要確認${attention}件、不正な行${malformed}件`,
};

export const consoleEn: ConsoleTexts = {
  toAdmins: '[admins]',
  toOwner: (slackId) => `[notice → ${slackId}, copy to admins]`,
  toOwnerFinal: (slackId) => `[final notice → ${slackId}, copy to admins]`,
  toOwnerOnly: (slackId) => `[notice → ${slackId}]`,
  weekAhead: (n) =>
    `${n.name}: IAM user ${n.iamUser}, key ${n.key}, ends ${n.endDate} (${n.daysLeft} days left). Extend or delete?`,
  ownerUnknown: (rowNumber, iamUser, endDate, reason) =>
    `row ${rowNumber}: no Slack user found for ${iamUser} ending ${endDate}: ${reason}`,
  deactivated: (n) =>
    `row ${n.rowNumber}: deactivated ${n.iamUser}'s key ${n.key}${n.consoleRemoved ? ' and console password' : ''}; deleted on ${n.deleteOn} unless reactivated`,
  finalRow: (n) => `row ${n.rowNumber}: ${n.name}, IAM user ${n.iamUser}, key ${n.key}, ended ${n.endDate}`,
  findingsHeading: (count) => `${count} IAM hygiene finding(s):`,
  findingLine: (user, detail) => `IAM user ${user}: ${detail}`,
  sweepLine: (sweepId, actions, attention, malformed) =>
    `sweep ${sweepId}: ${actions} actions, ${attention} need attention, ${malformed} malformed rows`,
};
