import type { SweepVerdict } from '../domain/report';
import type { Language } from '../domain/status';

/**
 * The Slack Home tab's sentences, in Japanese (the default) and English. Arguments are mrkdwn
 * already: escaped data, ledger dates (2026/12/03), mentions the code builds.
 */
export interface HomeText {
  readonly title: string;
  /** `when` is the last sweep's end, in the configured time zone. */
  readonly asOf: (when: string) => string;
  readonly noSweepYet: string;
  readonly stale: (days: number) => string;
  readonly yourKeys: string;
  readonly noKeys: string;
  readonly endsIn: (daysLeft: number) => string;
  readonly rowLine: (endDate: string, endsIn: string, status: string) => string;
  readonly upcomingWhen: (endDate: string, endsIn: string) => string;
  /** Rows get their buttons with their notice (the case behind Extend and Delete). */
  readonly buttonsWithNotice: (noticeDays: number) => string;
  readonly moreRows: (count: number) => string;
  readonly upcomingTitle: (days: number) => string;
  readonly noUpcoming: string;
  readonly ownerUnknown: string;
  readonly pendingTitle: string;
  readonly noPending: string;
  readonly pendingLine: (
    iamUser: string,
    key: string,
    requester: string,
    until: string,
    reason: string,
  ) => string;
  readonly morePending: (count: number) => string;
  readonly lastSweepTitle: string;
  readonly verdict: (verdict: SweepVerdict) => string;
  readonly sweepCounts: (failed: number, attention: number, malformed: number) => string;
  readonly noActions: string;
}

const ja: HomeText = {
  title: 'Keywarden',
  asOf: (when) => `台帳の内容は最後のスイープ（${when}）の時点のものです。`,
  noSweepYet: 'まだスイープが実行されていません。最初のスイープのあとにここに表示されます。',
  stale: (days) => `:warning: 最後のスイープから${days}日経っています。`,
  yourKeys: 'あなたのアクセスキー',
  noKeys: '台帳にあなたのアクセスキーはありません。',
  endsIn: (daysLeft) =>
    daysLeft > 0 ? `あと${daysLeft}日` : daysLeft === 0 ? '本日終了' : `${-daysLeft}日超過`,
  rowLine: (endDate, endsIn, status) => `利用終了日 ${endDate}（${endsIn}）・状態: ${status}`,
  upcomingWhen: (endDate, endsIn) => `${endDate}（${endsIn}）`,
  buttonsWithNotice: (noticeDays) =>
    `延長・削除のボタンは、利用終了日の${noticeDays}日前の通知とともに表示されます。`,
  moreRows: (count) => `ほか${count}件は台帳をご覧ください。`,
  upcomingTitle: (days) => `${days}日以内に利用期間が終わるキー`,
  noUpcoming: '該当するキーはありません。',
  ownerUnknown: '（所有者不明）',
  pendingTitle: '承認待ちの延長申請',
  noPending: '承認待ちの申請はありません。',
  pendingLine: (iamUser, key, requester, until, reason) =>
    `*${iamUser}* \`${key}\`\n${requester} さんの申請: ${until} まで — ${reason}`,
  morePending: (count) => `ほか${count}件は管理チャンネルの申請メッセージから操作してください。`,
  lastSweepTitle: '最後のスイープ',
  verdict: (verdict) =>
    verdict === 'succeeded' ? '成功' : verdict === 'failed' ? ':x: 失敗あり' : '途中で停止',
  sweepCounts: (failed, attention, malformed) =>
    `失敗 ${failed}件・要確認 ${attention}件・不正な行 ${malformed}件`,
  noActions: '実行した操作はありません。',
};

const en: HomeText = {
  title: 'Keywarden',
  asOf: (when) => `Ledger as of the last sweep (${when}).`,
  noSweepYet: 'No sweep has run yet. Your keys show here after the first one.',
  stale: (days) => `:warning: The last sweep was ${days} days ago.`,
  yourKeys: 'Your access keys',
  noKeys: 'The ledger lists no access keys of yours.',
  endsIn: (daysLeft) =>
    daysLeft > 1
      ? `${daysLeft} days left`
      : daysLeft === 1
        ? '1 day left'
        : daysLeft === 0
          ? 'ends today'
          : `${-daysLeft} ${daysLeft === -1 ? 'day' : 'days'} overdue`,
  rowLine: (endDate, endsIn, status) => `Ends ${endDate} (${endsIn}) · status: ${status}`,
  upcomingWhen: (endDate, endsIn) => `${endDate} (${endsIn})`,
  buttonsWithNotice: (noticeDays) =>
    `Extend and Delete appear with the notice, ${noticeDays} days before the end date.`,
  moreRows: (count) => `…and ${count} more: see the ledger.`,
  upcomingTitle: (days) => `Keys ending within ${days} days`,
  noUpcoming: 'None.',
  ownerUnknown: '(owner unknown)',
  pendingTitle: 'Extension requests awaiting approval',
  noPending: 'None.',
  pendingLine: (iamUser, key, requester, until, reason) =>
    `*${iamUser}* \`${key}\`\n${requester} asks until ${until}: ${reason}`,
  morePending: (count) => `…and ${count} more: use the request messages in the admin channel.`,
  lastSweepTitle: 'Last sweep',
  verdict: (verdict) =>
    verdict === 'succeeded' ? 'succeeded' : verdict === 'failed' ? ':x: failures' : 'stopped early',
  sweepCounts: (failed, attention, malformed) =>
    `${failed} failed · ${attention} need attention · ${malformed} malformed rows`,
  noActions: 'No actions.',
};

export function homeText(language: Language): HomeText {
  return language === 'ja' ? ja : en;
}
