import { type LocalDate, toLedgerText } from '../domain/dates';
import { maskKeyId } from '../domain/iam';
import type { Action, Skip, SkipReason } from '../domain/planner';
import type { ActionOutcome, Mode, PendingSummary } from '../domain/report';
import { reasonsEn, reasonsJa } from './messages-reasons';

/**
 * The words of a sweep's report: the CLI's (`keywarden sweep`, `/iam-audit sweep`) and the
 * admins' summary in Slack. Part of the catalogue (`Messages.sweep`). Details that come from
 * IAM, the ledger or an error arrive as they are and are passed through.
 */
/** What a hygiene line says of one account's checks, or of all accounts' added up. */
interface HygieneFigures {
  readonly total: number;
  /** `count kind` pieces made by `hygieneKindCount`. */
  readonly kinds: readonly string[];
  readonly fresh: number;
  readonly notified: number;
  readonly notifiedFindings: number;
  readonly muted: number;
}

export interface SweepTexts {
  readonly title: (sweepId: string, mode: Mode) => string;
  readonly todayAndLedger: (today: LocalDate, ledger: string) => string;
  /** What one planned action does, in a phrase. */
  readonly describe: (action: Action) => string;
  readonly actionKind: Readonly<Record<Action['kind'], string>>;
  readonly outcome: Readonly<Record<ActionOutcome, string>>;
  readonly skipReason: Readonly<Record<SkipReason, string>>;
  readonly actionsHeading: string;
  readonly actionsNone: string;
  readonly actionColumns: readonly [
    row: string,
    action: string,
    outcome: string,
    what: string,
    detail: string,
  ];
  readonly scheduledHeading: string;
  readonly attentionHeading: string;
  readonly attentionColumns: readonly [row: string, reason: string, detail: string];
  readonly malformedHeading: string;
  readonly malformedLine: (rowNumber: number, problems: readonly string[]) => string;
  readonly accountsHeading: string;
  readonly accountLine: (account: string, error: string | null) => string;
  readonly hygieneNotChecked: (error: string) => string;
  readonly hygieneLine: (h: HygieneFigures & { readonly generatedAt: string }) => string;
  readonly hygieneKindCount: (count: number, kind: string) => string;
  /** A sweep over several accounts: every checked account's findings added up. */
  readonly hygieneTotalLine: (
    h: HygieneFigures & {
      readonly checked: number;
      readonly notChecked: number;
      /** Stale keys deactivated (or planned to be): said only when there are any. */
      readonly deactivated: number;
    },
  ) => string;
  /** One account under the total: only accounts not checked or with findings are listed. */
  readonly hygieneAccountLine: (
    account: string,
    h: {
      readonly generatedAt: string;
      readonly total: number;
      readonly kinds: readonly string[];
      readonly fresh: number;
      readonly notified: number;
      readonly muted: number;
    },
  ) => string;
  readonly hygieneAccountNotChecked: (account: string, error: string) => string;
  /** Accounts with findings left out of the list. */
  readonly hygieneMoreAccounts: (count: number) => string;
  readonly staleKey: (line: string) => string;
  readonly reportProblem: (problem: string) => string;
  readonly stoppedEarly: (reason: string) => readonly string[];
  readonly summaryLine: (s: {
    readonly actions: number;
    /** `kind:outcome=n` pieces, or empty. */
    readonly counts: string;
    readonly attention: number;
    readonly leftAlone: number;
    readonly malformed: number;
    readonly pending: number;
    readonly cellsWritten: number;
    readonly durationMs: number;
  }) => string;
  /** Rows whose write-back was withheld: they moved in the sheet while the sweep ran. */
  readonly movedRows: (rows: readonly number[]) => string;
  /** Requests awaiting issuance: how many, how many are old, and whom the admins were told about. */
  readonly pendingLine: (p: {
    readonly total: number;
    readonly rows: readonly number[];
    readonly stale: number;
    readonly reportDays: number;
    readonly reminded: readonly number[];
    readonly outcome: PendingSummary['outcome'];
    readonly error: string | null;
  }) => string;
  /** One `kind:outcome` count of the CLI summary line. */
  readonly reportCount: (kind: Action['kind'], outcome: ActionOutcome, count: number) => string;
  /** One `kind:outcome` count of the admins' headline. */
  readonly headlineCount: (kind: Action['kind'], outcome: ActionOutcome, count: number) => string;
  readonly headline: (s: {
    readonly today: LocalDate;
    readonly actions: number;
    /** Pieces made by `headlineCount`. */
    readonly counts: readonly string[];
    readonly attention: number;
    readonly malformed: number;
    readonly stopped: boolean;
  }) => string;
  readonly sections: {
    readonly actions: string;
    readonly attention: string;
    readonly malformed: string;
    readonly accounts: string;
    readonly pending: string;
    readonly hygiene: string;
    readonly stopped: string;
  };
  readonly actionLine: (rows: string, what: string, outcome: string, failure: string | null) => string;
  readonly attentionLine: (skip: Skip) => string;
  readonly footer: (sweepId: string, ledger: string) => string;
  /** A list in the admins' summary cut short. */
  readonly more: (count: number) => string;
}

const date = toLedgerText;

function describeEn(action: Action): string {
  switch (action.kind) {
    case 'notify-week-ahead':
      return `DM ${action.slackId}: ${action.row.iamUser} ends ${date(action.row.endDate)} (${action.daysLeft} days left)`;
    case 'notify-owner-unknown':
      return `tell admins: no owner for ${action.row.iamUser} (${reasonsEn.ownerUnknown(action.reason)})`;
    case 'notify-final':
      return `final notice ${action.to.kind === 'owner' ? `DM ${action.to.slackId}` : `to admins (${reasonsEn.ownerUnknown(action.to.reason)})`}: ${action.row.iamUser} key ${maskKeyId(action.row.accessKeyId)} ended ${date(action.row.endDate)}, deleted on ${date(action.deleteOn)}`;
    case 'teardown-user':
      return `delete IAM user ${action.userName} and everything it holds${
        action.customerPolicyArns.length > 0 ? `, then its unused customer-managed policies` : ''
      }`;
    case 'delete-key':
      return `delete key ${maskKeyId(action.row.accessKeyId)} only (${reasonsEn.keptBecause(action.row.iamUser, action.keptBecause)})`;
    case 'deactivate-user':
      return `deactivate the keys and console password of ${action.userName}; delete it on ${date(action.deleteOn)}`;
    case 'deactivate-key':
      return `deactivate key ${maskKeyId(action.row.accessKeyId)}; delete it on ${date(action.deleteOn)}`;
    case 'finish-teardown':
      return `finish the interrupted teardown of ${action.row.iamUser}`;
    case 'record-deleted':
      return `mark row deleted (IAM work already done for ${action.row.iamUser})`;
  }
}

function describeJa(action: Action): string {
  switch (action.kind) {
    case 'notify-week-ahead':
      return `${action.slackId} に DM: ${action.row.iamUser} は ${date(action.row.endDate)} に終了（残り${action.daysLeft}日）`;
    case 'notify-owner-unknown':
      return `管理者に通知: ${action.row.iamUser} の所有者不明（${reasonsJa.ownerUnknown(action.reason)}）`;
    case 'notify-final':
      return `最終通知${action.to.kind === 'owner' ? `（${action.to.slackId} に DM）` : `（管理者へ: ${reasonsJa.ownerUnknown(action.to.reason)}）`}: ${action.row.iamUser} のキー ${maskKeyId(action.row.accessKeyId)} は ${date(action.row.endDate)} に終了、${date(action.deleteOn)} に削除`;
    case 'teardown-user':
      return `IAMユーザー ${action.userName} と保有するものをすべて削除${
        action.customerPolicyArns.length > 0 ? '、その後使われなくなったカスタマー管理ポリシーも削除' : ''
      }`;
    case 'delete-key':
      return `キー ${maskKeyId(action.row.accessKeyId)} のみ削除（${reasonsJa.keptBecause(action.row.iamUser, action.keptBecause)}）`;
    case 'deactivate-user':
      return `${action.userName} のキーとコンソールのパスワードを無効化、${date(action.deleteOn)} に削除`;
    case 'deactivate-key':
      return `キー ${maskKeyId(action.row.accessKeyId)} を無効化、${date(action.deleteOn)} に削除`;
    case 'finish-teardown':
      return `中断した ${action.row.iamUser} の削除を完了`;
    case 'record-deleted':
      return `行を削除済みにする（${action.row.iamUser} の IAM 側の作業は完了済み）`;
  }
}

export const sweepJa: SweepTexts = {
  title: (sweepId, mode) =>
    `Keywarden スイープ ${sweepId} — ${mode === 'apply' ? '実行' : 'ドライラン（変更なし。実行するには --apply）'}`,
  todayAndLedger: (today, ledger) => `本日 ${date(today)}、台帳 ${ledger}`,
  describe: describeJa,
  actionKind: {
    'notify-week-ahead': '期限通知',
    'notify-owner-unknown': '所有者不明の通知',
    'notify-final': '最終通知',
    'teardown-user': 'ユーザー削除',
    'delete-key': 'キー削除',
    'finish-teardown': '削除の続き',
    'deactivate-user': 'ユーザー無効化',
    'deactivate-key': 'キー無効化',
    'record-deleted': '削除済みの記録',
  },
  outcome: { planned: '予定', done: '完了', failed: '失敗' },
  skipReason: {
    'not-due': '期限前',
    'already-notified': '通知済み',
    'deletion-scheduled': '削除予定',
    deleted: '削除済み',
    extended: '延長済み',
    'extension-pending': '延長申請中',
    'error-status': 'エラー状態',
    protected: '保護対象',
    'user-not-in-iam': 'IAM にユーザーなし',
    'key-mismatch': 'キー不一致',
    'key-check-failed': 'キー確認失敗',
    deactivated: '無効化済み',
    'other-account': '別アカウント',
    duplicate: '重複',
    superseded: '置き換え済み',
  },
  actionsHeading: '操作:',
  actionsNone: '操作: なし',
  actionColumns: ['行', '操作', '結果', '内容', '詳細'],
  scheduledHeading: '削除予定（最終通知済み。新しい利用終了日か延長申請で止まります）:',
  attentionHeading: '要確認（対応していません）:',
  attentionColumns: ['行', '理由', '詳細'],
  malformedHeading: '不正な行（対応しません）:',
  malformedLine: (rowNumber, problems) => `  ${rowNumber}行目: ${problems.join('、')}`,
  accountsHeading: 'アカウント:',
  accountLine: (account, error) => `  ${account}: ${error === null ? '完了' : `失敗 — ${error}`}`,
  hygieneNotChecked: (error) => `IAM 点検: 未実施 — ${error}`,
  hygieneLine: (h) =>
    `IAM 点検（認証情報レポート ${h.generatedAt}）: 指摘事項${h.total}件${h.kinds.length > 0 ? `（${h.kinds.join('、')}）` : ''}、` +
    `今回新規${h.fresh}件、所有者への DM ${h.notified}件（指摘事項${h.notifiedFindings}件）、ミュート${h.muted}件。詳細は keywarden audit`,
  hygieneKindCount: (count, kind) => `${kind} ${count}件`,
  hygieneTotalLine: (h) =>
    `IAM 点検（${h.checked + h.notChecked}アカウント${h.notChecked > 0 ? `、うち${h.notChecked}アカウントは未実施` : ''}）: ` +
    `指摘事項${h.total}件${h.kinds.length > 0 ? `（${h.kinds.join('、')}）` : ''}、` +
    `今回新規${h.fresh}件、所有者への DM ${h.notified}件（指摘事項${h.notifiedFindings}件）、ミュート${h.muted}件` +
    `${h.deactivated > 0 ? `、古いキーの無効化${h.deactivated}件` : ''}。詳細は keywarden audit`,
  hygieneAccountLine: (account, h) =>
    `  ${account}: 指摘事項${h.total}件${h.kinds.length > 0 ? `（${h.kinds.join('、')}）` : ''}、` +
    `今回新規${h.fresh}件、DM ${h.notified}件、ミュート${h.muted}件（認証情報レポート ${h.generatedAt}）`,
  hygieneAccountNotChecked: (account, error) => `  ${account}: 未実施 — ${error}`,
  hygieneMoreAccounts: (count) => `  …ほか指摘事項のあるアカウント${count}件`,
  staleKey: (line) => `  古いキー ${line}`,
  reportProblem: (problem) => `  認証情報レポート ${problem}`,
  stoppedEarly: (reason) => [
    `途中で停止しました: ${reason}`,
    '上に載っていない操作は始めていません。次回のスイープで実行します（完了した操作はジャーナルに記録済みです）。',
  ],
  summaryLine: (s) =>
    `集計: 操作${s.actions}件（${s.counts || 'なし'}）、要確認${s.attention}件、` +
    `対応不要${s.leftAlone}行、不正な行${s.malformed}件、発行待ち${s.pending}件、` +
    `台帳への書き込み${s.cellsWritten}セル、${s.durationMs}ミリ秒`,
  movedRows: (rows) =>
    `台帳に書き戻さなかった行: ${rows.join('、')}行目（スイープ中に行が挿入・並べ替えされ、読んだときと別のアクセスキーの行になっていたため）。` +
    '次回のスイープが正しい行に書き込みます。',
  pendingLine: (p) =>
    `発行待ちの申請（IAM ユーザーかアクセスキーが未記入、対応しません）: ${p.total}件（${p.rows.join('、')}行目）、` +
    `うち${p.reportDays}日以上前の申請${p.stale}件` +
    (p.outcome === 'failed'
      ? `。管理者への通知に失敗しました: ${p.error ?? '不明なエラー'}`
      : p.reminded.length > 0
        ? `。${p.reminded.join('、')}行目を管理者に${p.outcome === 'planned' ? '通知します' : '通知しました'}`
        : ''),
  reportCount: (kind, outcome, count) => `${sweepJaKind(kind)}・${sweepJaOutcome(outcome)}=${count}`,
  headlineCount: (kind, outcome, count) => `${sweepJaKind(kind)}・${sweepJaOutcome(outcome)} ${count}件`,
  headline: (s) =>
    `Keywarden スイープ ${date(s.today)}: 操作${s.actions}件` +
    `${s.counts.length > 0 ? `（${s.counts.join('、')}）` : ''}、要確認${s.attention}件、不正な行${s.malformed}件` +
    `${s.stopped ? ' — 途中で停止' : ''}`,
  sections: {
    actions: '操作',
    attention: '要確認',
    malformed: '不正な行（対応しません）',
    accounts: 'スイープできなかったアカウント',
    pending: '発行待ちの申請',
    hygiene: 'IAM 点検',
    stopped: '途中で停止しました。残りは次回のスイープで実行します',
  },
  actionLine: (rows, what, outcome, failure) =>
    `${rows}行目: ${what} — ${outcome}${failure === null ? '' : `: ${failure}`}`,
  attentionLine: (skip) =>
    `${skip.row.rowNumber}行目（${skip.row.iamUser}）: ${sweepJa.skipReason[skip.reason]} — ${reasonsJa.skip(skip.detail)}`,
  footer: (sweepId, ledger) => `スイープ ${sweepId} · ${ledger}`,
  more: (count) => `…ほか${count}件`,
};

function sweepJaKind(kind: Action['kind']): string {
  return sweepJa.actionKind[kind];
}

function sweepJaOutcome(outcome: ActionOutcome): string {
  return sweepJa.outcome[outcome];
}

export const sweepEn: SweepTexts = {
  title: (sweepId, mode) =>
    `Keywarden sweep ${sweepId} — ${mode === 'apply' ? 'APPLY' : 'dry run (nothing changed; pass --apply to act)'}`,
  todayAndLedger: (today, ledger) => `today ${today}, ledger ${ledger}`,
  describe: describeEn,
  actionKind: {
    'notify-week-ahead': 'notify-week-ahead',
    'notify-owner-unknown': 'notify-owner-unknown',
    'notify-final': 'notify-final',
    'teardown-user': 'teardown-user',
    'delete-key': 'delete-key',
    'finish-teardown': 'finish-teardown',
    'deactivate-user': 'deactivate-user',
    'deactivate-key': 'deactivate-key',
    'record-deleted': 'record-deleted',
  },
  outcome: { planned: 'planned', done: 'done', failed: 'failed' },
  skipReason: {
    'not-due': 'not-due',
    'already-notified': 'already-notified',
    'deletion-scheduled': 'deletion-scheduled',
    deleted: 'deleted',
    extended: 'extended',
    'extension-pending': 'extension-pending',
    'error-status': 'error-status',
    protected: 'protected',
    'user-not-in-iam': 'user-not-in-iam',
    'key-mismatch': 'key-mismatch',
    'key-check-failed': 'key-check-failed',
    deactivated: 'deactivated',
    'other-account': 'other-account',
    duplicate: 'duplicate',
    superseded: 'superseded',
  },
  actionsHeading: 'Actions:',
  actionsNone: 'Actions: none',
  actionColumns: ['row', 'action', 'outcome', 'what', 'detail'],
  scheduledHeading:
    'Scheduled deletions (final notice sent; a new end date or an extension request stops them):',
  attentionHeading: 'Needs attention (not acted on):',
  attentionColumns: ['row', 'reason', 'detail'],
  malformedHeading: 'Malformed rows (never acted on):',
  malformedLine: (rowNumber, problems) => `  row ${rowNumber}: ${problems.join('; ')}`,
  accountsHeading: 'Accounts:',
  accountLine: (account, error) => `  ${account}: ${error === null ? 'swept' : `FAILED — ${error}`}`,
  hygieneNotChecked: (error) => `IAM hygiene: not checked — ${error}`,
  hygieneLine: (h) =>
    `IAM hygiene (credential report of ${h.generatedAt}): ${h.total} findings${h.kinds.length > 0 ? ` (${h.kinds.join(', ')})` : ''}, ` +
    `${h.fresh} new this window, ${h.notified} owner DMs (${h.notifiedFindings} findings), ${h.muted} muted; details: keywarden audit`,
  hygieneKindCount: (count, kind) => `${count} ${kind}`,
  hygieneTotalLine: (h) =>
    `IAM hygiene in ${h.checked + h.notChecked} accounts${h.notChecked > 0 ? ` (${h.notChecked} not checked)` : ''}: ` +
    `${h.total} findings${h.kinds.length > 0 ? ` (${h.kinds.join(', ')})` : ''}, ` +
    `${h.fresh} new this window, ${h.notified} owner DMs (${h.notifiedFindings} findings), ${h.muted} muted` +
    `${h.deactivated > 0 ? `, ${h.deactivated} stale ${h.deactivated === 1 ? 'key' : 'keys'} deactivated` : ''}; details: keywarden audit`,
  hygieneAccountLine: (account, h) =>
    `  ${account}: ${h.total} findings${h.kinds.length > 0 ? ` (${h.kinds.join(', ')})` : ''}, ` +
    `${h.fresh} new, ${h.notified} owner DMs, ${h.muted} muted (credential report of ${h.generatedAt})`,
  hygieneAccountNotChecked: (account, error) => `  ${account}: not checked — ${error}`,
  hygieneMoreAccounts: (count) =>
    `  …and ${count} more ${count === 1 ? 'account' : 'accounts'} with findings`,
  staleKey: (line) => `  stale key ${line}`,
  reportProblem: (problem) => `  credential report ${problem}`,
  stoppedEarly: (reason) => [
    `STOPPED EARLY: ${reason}.`,
    'Actions not listed above were not started; the next sweep does them (the journal remembers what is done).',
  ],
  summaryLine: (s) =>
    `Summary: ${s.actions} actions (${s.counts || 'none'}), ${s.attention} need attention, ` +
    `${s.leftAlone} rows left alone, ${s.malformed} malformed, ${s.pending} pending, ` +
    `${s.cellsWritten} ledger cells written, ${s.durationMs} ms`,
  movedRows: (rows) =>
    `Not written back to the ledger: row(s) ${rows.join(', ')} (rows were inserted or sorted during the sweep, so ` +
    'those rows no longer held the access key they were read with). The next sweep writes them where they are.',
  pendingLine: (p) =>
    `Pending requests (no IAM user or key yet, never acted on): ${p.total} (row(s) ${p.rows.join(', ')}), ` +
    `${p.stale} submitted ${p.reportDays}+ days ago` +
    (p.outcome === 'failed'
      ? `; reminding the admins FAILED: ${p.error ?? 'unknown error'}`
      : p.reminded.length > 0
        ? `; admins ${p.outcome === 'planned' ? 'would be' : 'were'} reminded of row(s) ${p.reminded.join(', ')}`
        : ''),
  reportCount: (kind, outcome, count) => `${kind}:${outcome}=${count}`,
  headlineCount: (kind, outcome, count) => `${kind}:${outcome} ${count}`,
  headline: (s) =>
    `Keywarden sweep ${s.today}: ${s.actions} actions` +
    `${s.counts.length > 0 ? ` (${s.counts.join(', ')})` : ''}, ${s.attention} need attention, ${s.malformed} malformed rows` +
    `${s.stopped ? ' — stopped early' : ''}`,
  sections: {
    actions: 'Actions',
    attention: 'Needs attention',
    malformed: 'Malformed rows (never acted on)',
    accounts: 'Accounts not swept',
    pending: 'Pending requests',
    hygiene: 'IAM hygiene',
    stopped: 'Stopped early: the next sweep does the rest',
  },
  actionLine: (rows, what, outcome, failure) =>
    `row ${rows}: ${what} — ${outcome}${failure === null ? '' : `: ${failure}`}`,
  attentionLine: (skip) => `row ${skip.row.rowNumber} (${skip.row.iamUser}): ${reasonsEn.skip(skip.detail)}`,
  footer: (sweepId, ledger) => `sweep ${sweepId} · ${ledger}`,
  more: (count) => `…and ${count} more`,
};
