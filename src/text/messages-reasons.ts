import type { ActionDetail, NoticeMiss, PolicyCleanup, Refusal } from '../domain/action-detail';
import {
  type CredentialReportFormatFault,
  credentialReportFormatFaultEnglish,
  type ReportCellError,
  type ReportRowProblem,
} from '../domain/credential-report';
import { toLedgerText } from '../domain/dates';
import {
  type CsvLineFault,
  type LedgerField,
  type LedgerFormatFault,
  ledgerFormatFaultEnglish,
  type RowFault,
} from '../domain/ledger';
import type { OwnerClue, OwnerUnknown } from '../domain/people';
import type { StaleKeyOutcome } from '../domain/report';
import type { KeptKey, RivalRow, SkipDetail } from '../domain/skip-detail';
import { statusLabel } from '../domain/status';
import { type StopReason, stopReasonEnglish } from '../domain/stop-reason';

/**
 * Why the sweep did not act, or what it found wrong, worded from the facts the domain and the
 * sweep record (`RowFault`, `ReportRowProblem`…): part of the catalogue (`Messages.reasons`).
 * Cells, headers, IAM names and third-party error texts inside them are data, shown as they are.
 * The English wording is also the machine record's: the audit log and `sweep --json`'s `detail`.
 */
export interface ReasonTexts {
  /** Why the whole ledger was refused: no header, or an ambiguous one. */
  readonly ledgerFormat: (fault: LedgerFormatFault) => string;
  /** Why a text is not a credential report at all. */
  readonly reportFormat: (fault: CredentialReportFormatFault) => string;
  /** Why a sweep stopped at a safe point before its end. */
  readonly stop: (reason: StopReason) => string;
  /** One thing wrong with a ledger row. */
  readonly rowFault: (fault: RowFault) => string;
  /** A credential report row left out of the audit, its line first. */
  readonly reportProblem: (problem: ReportRowProblem) => string;
  /** Why the sweep left a row alone. */
  readonly skip: (detail: SkipDetail) => string;
  /** Why nobody could be found to DM: everything the lookup tried. */
  readonly ownerUnknown: (reason: OwnerUnknown) => string;
  /** Why only a row's key goes, not its user: the user's other live keys. */
  readonly keptBecause: (userName: string, keys: readonly KeptKey[]) => string;
  /**
   * What the executor did with an action, or why it could not. English starts a failure with
   * `failed:` (the audit log's detail reads alone); Japanese is always shown beside the outcome.
   */
  readonly action: (detail: ActionDetail) => string;
  /** A stale key the hygiene checks deactivate, and how it went. */
  readonly staleKey: (key: StaleKeyOutcome) => string;
  /** Why a Delete button did nothing, or found it done. */
  readonly deleteNow: {
    readonly noRow: string;
    readonly notOurs: string;
    readonly nothing: string;
    readonly alreadyRecorded: string;
  };
}

const FIELDS_JA: Readonly<Record<LedgerField, string>> = {
  name: '氏名',
  purpose: '利用目的',
  resource: 'AWS リソース',
  iamUser: 'IAM ユーザー',
  accessKeyId: 'アクセスキー ID',
  startDate: '利用開始日',
  endDate: '利用終了日',
  status: '状態',
  accountId: 'AWS アカウント ID',
  email: 'メールアドレス',
  timestamp: 'タイムスタンプ',
};

const FAULTS_JA: Readonly<Record<CsvLineFault, string>> = {
  'quote-inside-cell': 'クォートで囲んでいないセルの中にクォートがあります',
  'text-after-quote': 'セルの閉じクォートの後に文字があります',
  'unclosed-quote': 'クォートが閉じられていません',
  other: 'CSV として読めません',
};

function rowFaultJa(fault: RowFault): string {
  switch (fault.kind) {
    case 'unreadable-line':
      return `${fault.line}行目は CSV として不正です（${FAULTS_JA[fault.fault]}）`;
    case 'blank-row':
      return '空行';
    case 'too-long':
      return `${FIELDS_JA[fault.field]}が${fault.max}文字を超えています`;
    case 'not-a-date':
      return `${fault.column}列の「${fault.cell}」は日付ではありません`;
    case 'empty':
      return `${FIELDS_JA[fault.field]}が空です`;
    case 'no-end-date':
      return `利用終了日（${fault.column}列）が空です`;
    case 'bad-iam-user':
      return `IAM ユーザー「${fault.cell}」は IAM ユーザー名として使えません`;
    case 'bad-key-id':
      return `アクセスキー ID「${fault.cell}」は AKIA で始まるキー ID ではありません`;
    case 'start-after-end':
      return '利用開始日が利用終了日より後です';
    case 'unknown-status':
      return `状態「${fault.cell}」は既知の状態ではありません`;
    case 'bad-account-id':
      return `AWS アカウント ID「${fault.cell}」が12桁の数字ではありません`;
    case 'bad-email':
      return `${fault.column}列の「${fault.cell}」はメールアドレスではありません`;
    case 'conflicting-rows':
      return `${fault.rows[0]}行目と${fault.rows[1]}行目が ${fault.iamUser} の同じキーを${fault.over === 'status' ? '異なる状態' : '異なる AWS アカウント ID'}で記載しています`;
  }
}

const FAULTS_EN: Readonly<Record<CsvLineFault, string>> = {
  'quote-inside-cell': 'a quote inside a cell that is not quoted',
  'text-after-quote': 'text after the closing quote of a cell',
  'unclosed-quote': 'a quote that is never closed',
  other: 'not readable as CSV',
};

const DATE_LABELS_EN = { startDate: 'start date', endDate: 'end date', timestamp: 'timestamp' } as const;

function rowFaultEn(fault: RowFault): string {
  switch (fault.kind) {
    case 'unreadable-line':
      return `line ${fault.line} is not valid CSV: ${FAULTS_EN[fault.fault]}`;
    case 'blank-row':
      return 'blank row';
    case 'too-long':
      return `${fault.field} is longer than ${fault.max} characters`;
    case 'not-a-date':
      return `${DATE_LABELS_EN[fault.field]} "${fault.cell}" in column ${fault.column} is not a date`;
    case 'empty':
      return fault.field === 'iamUser' ? 'IAM user is empty' : 'access key id is empty';
    case 'no-end-date':
      return `end date is empty (column ${fault.column})`;
    case 'bad-iam-user':
      return `IAM user "${fault.cell}" is not a valid IAM user name`;
    case 'bad-key-id':
      return `access key id "${fault.cell}" is not an AKIA… key id`;
    case 'start-after-end':
      return 'start date is after end date';
    case 'unknown-status':
      return `status "${fault.cell}" is not a known status`;
    case 'bad-account-id':
      return `AWS account id "${fault.cell}" is not 12 digits`;
    case 'bad-email':
      return `email "${fault.cell}" in column ${fault.column} is not an email address`;
    case 'conflicting-rows':
      return `rows ${fault.rows[0]} and ${fault.rows[1]} name the same key for ${fault.iamUser} with different ${fault.over === 'status' ? 'statuses' : 'AWS account ids'}`;
  }
}

// Headers, LEDGER_COLUMNS entries and encoding names are what the reader types or sees in the file: data.
function ledgerFormatJa(fault: LedgerFormatFault): string {
  if (fault.kind === 'ambiguous-header') {
    const which = fault.ambiguous
      .map(
        ({ field, headers }) =>
          `${headers.map((h) => `「${h}」`).join('と')}がどれも${FIELDS_JA[field]}を表しています`,
      )
      .join('。');
    const example = fault.ambiguous[0];
    return (
      `台帳のヘッダー（${fault.rowNumber}行目）があいまいです: ${which}。` +
      `LEDGER_COLUMNS でどれか一つを指定してください（例: LEDGER_COLUMNS=${example?.field}=${example?.headers[0]}）`
    );
  }
  const missing = fault.missing
    .map(({ field, setting, aliases }) =>
      setting !== null
        ? `${FIELDS_JA[field]}（LEDGER_COLUMNS で指定した「${setting}」）`
        : `${FIELDS_JA[field]}（${aliases.map((alias) => `「${alias}」`).join('や')}など）`,
    )
    .join('、');
  const unmatched = fault.unmatchedSettings.map(({ field, header }) => `${field}=${header}`);
  const decoded = fault.decodedAs;
  const hint =
    decoded === null
      ? ''
      : decoded.detected
        ? `（ファイルは ${decoded.encoding} として読みました。別の文字コードなら LEDGER_CSV_ENCODING に utf-8、cp932、utf-16le のいずれかを設定してください）`
        : `（ファイルは LEDGER_CSV_ENCODING の指定どおり ${decoded.encoding} として読みました。ファイルの文字コードと合っているか確認してください）`;
  return (
    `台帳のヘッダー行が見つかりません: 先頭${fault.searchedRows}行に次の列がありません: ${missing}` +
    (unmatched.length > 0 ? `。LEDGER_COLUMNS のヘッダーが見つかりません: ${unmatched.join('、')}` : '') +
    hint
  );
}

// A store's error text, a state machine's error name and an abort reason that is not ours are data.
function stopJa(reason: StopReason): string {
  switch (reason.kind) {
    case 'signal':
      return `${reason.signal} を受け取りました`;
    case 'lock-lost':
      return 'スイープのロックが強制的に解除されたか、別のスイープに引き継がれました';
    case 'lease-ran-out':
      return `スイープのロックの更新に失敗したままリースが切れました（${reason.error}）`;
    case 'serve-shutting-down':
      return 'keywarden serve が終了処理中です';
    case 'lambda-timeout':
      return `Lambda の実行時間の残りが${reason.marginSeconds}秒を切りました`;
    case 'accounts-map-failed':
      return `ステートマシンでアカウントごとに実行する処理が失敗しました: ${reason.error}`;
    case 'other':
      return reason.message;
  }
}

// The report's header and csv-parse's error are data.
function reportFormatJa(fault: CredentialReportFormatFault): string {
  switch (fault.kind) {
    case 'empty':
      return '認証情報レポートが空です';
    case 'header-not-csv':
      return `認証情報レポートのヘッダー行が CSV として読めません（${fault.error}）`;
    case 'missing-columns':
      return `認証情報レポートに ${fault.missing.join('、')} の列がありません（ヘッダー: ${fault.header}）`;
  }
}

// Column names and the values IAM writes (true, N/A…) are the report's own words: data.
function cellErrorJa(error: ReportCellError): string {
  switch (error.kind) {
    case 'empty':
      return `${error.column} が空です`;
    case 'not-boolean':
      return `${error.column} が「${error.value}」です（true か false のはずです）`;
    case 'not-timestamp':
      return `${error.column} が「${error.value}」です（タイムゾーン付きの日時${error.words.length > 0 ? `か ${error.words.join('、')}` : ''}のはずです）`;
    case 'active-without-rotation':
      return `${error.credential}_active が true なのに ${error.credential}_last_rotated が N/A です`;
  }
}

function cellErrorEn(error: ReportCellError): string {
  switch (error.kind) {
    case 'empty':
      return `${error.column} is empty`;
    case 'not-boolean':
      return `${error.column} is "${error.value}", expected true or false`;
    case 'not-timestamp':
      return `${error.column} is "${error.value}", expected a timestamp with an offset${error.words.length > 0 ? ` or ${error.words.join(', ')}` : ''}`;
    case 'active-without-rotation':
      return `${error.credential}_active is true but ${error.credential}_last_rotated is N/A`;
  }
}

function reportProblemJa(problem: ReportRowProblem): string {
  switch (problem.kind) {
    case 'not-csv':
      return `${problem.line}行目: CSV として読めません（${problem.error}）`;
    case 'field-count':
      return `${problem.line}行目: 項目が${problem.fields}個です（ヘッダーは${problem.expected}個）`;
    case 'bad-cells':
      return `${problem.line}行目${problem.user === null ? '' : `（${problem.user}）`}: ${problem.errors.map(cellErrorJa).join('、')}`;
    case 'duplicate-user':
      return `${problem.line}行目: ユーザー ${problem.user} は${problem.firstLine}行目にもあります`;
  }
}

function reportProblemEn(problem: ReportRowProblem): string {
  switch (problem.kind) {
    case 'not-csv':
      return `line ${problem.line}: not valid CSV (${problem.error})`;
    case 'field-count':
      return `line ${problem.line}: ${problem.fields} fields, the header has ${problem.expected}`;
    case 'bad-cells':
      return `line ${problem.line}${problem.user === null ? '' : ` (${problem.user})`}: ${problem.errors.map(cellErrorEn).join('; ')}`;
    case 'duplicate-user':
      return `line ${problem.line}: user ${problem.user} is also on line ${problem.firstLine}`;
  }
}

const date = toLedgerText;
const rivalsJa = (others: readonly RivalRow[]) =>
  others.map((other) => `${other.rowNumber}行目（${other.iamUser}）`).join('、');
const NOTICES_JA = {
  'week-ahead': '事前通知',
  'owner-unknown': '所有者不明の通知',
  final: '最終通知',
} as const;

function skipJa(detail: SkipDetail): string {
  switch (detail.kind) {
    case 'other-account':
      return `この行は AWS アカウント ${detail.rowAccount} のもので、このスイープの対象は ${detail.sweepAccount} です`;
    case 'already-deleted':
      return '削除済み';
    case 'error-status':
      return '台帳でエラーになっています。直してから状態を戻してください';
    case 'extended':
      return detail.pastEndDate === null
        ? '延長済み'
        : `延長済みですが、利用終了日 ${date(detail.pastEndDate)} を過ぎています。新しい利用終了日を記入してください`;
    case 'extension-pending':
      return '延長申請の承認待ち';
    case 'days-left':
      return `残り${detail.days}日`;
    case 'user-missing':
      return `IAM ユーザー ${detail.iamUser} はアカウント ${detail.account} にありません`;
    case 'user-removed-during-sweep':
      return `IAM ユーザー ${detail.iamUser} はスイープ中に他の誰かが削除しました`;
    case 'protected':
      return `IAM ユーザー ${detail.iamUser} は保護対象です`;
    case 'deletion-scheduled':
      return `最終通知済み。行が変わらなければ ${date(detail.deleteOn)} に削除します`;
    case 'notified':
      return detail.notice === 'week-ahead'
        ? `利用終了日 ${date(detail.endDate)} の通知済み`
        : '所有者不明を管理者に通知済み';
    case 'notice-unsure':
      return detail.notice === 'owner-unknown'
        ? '所有者不明の通知の途中でスイープが止まりました（または Slack が途中で失敗しました）。管理者に届いていないかもしれません'
        : `${NOTICES_JA[detail.notice]}の送信中にスイープが止まりました（または Slack が途中で失敗しました）。所有者に届いていないかもしれません` +
            (detail.notice === 'final'
              ? '。キーは残します（台帳の利用終了日を直すと新しい通知が始まります）'
              : '');
    case 'duplicate':
      return `${detail.of}行目とキー・IAM ユーザー・利用終了日が同じです。一件として一度だけ対応します`;
    case 'superseded':
      return `利用終了日がより後の${detail.by}行目に置き換えられています`;
    case 'key-not-held':
      return `アクセスキー ${detail.key} は ${detail.iamUser} のキーではありません（保有キー: ${detail.held.length > 0 ? detail.held.join('、') : 'なし'}）`;
    case 'key-contested':
      return detail.holder === null
        ? `アクセスキー ${detail.key} は ${rivalsJa(detail.others)} にも記載されていて、どのユーザーも保有していません`
        : `アクセスキー ${detail.key} は ${detail.iamUser} ではなく ${detail.holder} のものです（${rivalsJa(detail.others)} にも記載）`;
    case 'key-holder-unknown':
      return `アクセスキー ${detail.key} は ${rivalsJa(detail.others)} にも記載されていて、IAM からどのユーザーが保有しているか分かりませんでした${detail.listFailed === null ? '' : `（${detail.listFailed.userName} のキー一覧の取得に失敗: ${detail.listFailed.error}）`}。このキーの行はどれも対応しません`;
    case 'key-list-failed':
      return `削除していません。${detail.userName} のキー一覧の取得に失敗しました: ${detail.error}。次回のスイープで再試行します`;
    case 'deactivated':
      return `キーを ${date(detail.since)} に無効化済み。管理者が再有効化しなければ ${date(detail.deleteOn)} に削除します${lateJa(detail.announcedLate)}`;
    case 'account-failed':
      return `AWS アカウント ${detail.account} をスイープできませんでした: ${detail.error}`;
    case 'account-not-reached':
      return `AWS アカウント ${detail.account} の前でスイープが止まりました。次回のスイープで対応します`;
    case 'account-not-covered':
      return `この行は AWS アカウント ${detail.account} のもので、このスイープの対象外です`;
  }
}

const rivalsEn = (others: readonly RivalRow[]) =>
  others.map((other) => `row ${other.rowNumber} (${other.iamUser})`).join(', ');

function skipEn(detail: SkipDetail): string {
  switch (detail.kind) {
    case 'other-account':
      return `row is for AWS account ${detail.rowAccount}, this sweep covers ${detail.sweepAccount}`;
    case 'already-deleted':
      return 'already deleted';
    case 'error-status':
      return 'marked as error in the ledger; fix and reset the status';
    case 'extended':
      return detail.pastEndDate === null
        ? 'extended'
        : `extended, but the end date ${detail.pastEndDate} has passed: set the new end date`;
    case 'extension-pending':
      return 'extension awaiting approval';
    case 'days-left':
      return `${detail.days} days left`;
    case 'user-missing':
      return `IAM user ${detail.iamUser} does not exist in account ${detail.account}`;
    case 'user-removed-during-sweep':
      return `IAM user ${detail.iamUser} was removed by someone else during the sweep`;
    case 'protected':
      return `IAM user ${detail.iamUser} is protected`;
    case 'deletion-scheduled':
      return `final notice sent; deletion on ${detail.deleteOn} unless the row changes`;
    case 'notified':
      return detail.notice === 'week-ahead'
        ? `notified for end date ${detail.endDate}`
        : 'admins were told the owner is unknown';
    case 'notice-unsure':
      switch (detail.notice) {
        case 'week-ahead':
          return 'a sweep stopped while sending this notice (or Slack failed after part of it went out): the owner may not have it';
        case 'owner-unknown':
          return 'a sweep stopped while telling the admins that nobody owns this key: they may not have been told';
        case 'final':
          return (
            'a sweep stopped while sending the final notice (or Slack failed after part of it went out): the owner ' +
            'may not have it, so the key is kept (a corrected end date in the ledger starts a new notice)'
          );
      }
      break;
    case 'duplicate':
      return `same key, IAM user and end date as row ${detail.of}: one entry, acted on once`;
    case 'superseded':
      return `superseded by row ${detail.by}, which has a later end date`;
    case 'key-not-held':
      return `access key ${detail.key} is not a key of ${detail.iamUser} (it has ${detail.held.join(', ') || 'no keys'})`;
    case 'key-contested':
      return detail.holder === null
        ? `access key ${detail.key} is also on ${rivalsEn(detail.others)}, and none of these users holds it`
        : `access key ${detail.key} belongs to ${detail.holder}, not ${detail.iamUser} (also on ${rivalsEn(detail.others)})`;
    case 'key-holder-unknown':
      return `access key ${detail.key} is also on ${rivalsEn(detail.others)}, and IAM could not tell which user holds it${
        detail.listFailed === null
          ? ''
          : `: listing the keys of ${detail.listFailed.userName} failed: ${detail.listFailed.error}`
      }; no row of it acts`;
    case 'key-list-failed':
      return `not removed: listing the keys of ${detail.userName} failed: ${detail.error}; the next sweep tries again`;
    case 'deactivated':
      return `keys deactivated on ${detail.since}; deleted on ${detail.deleteOn} unless an admin reactivates them${lateEn(detail.announcedLate)}`;
    case 'account-failed':
      return `AWS account ${detail.account} could not be swept: ${detail.error}`;
    case 'account-not-reached':
      return `the sweep stopped early, before AWS account ${detail.account}; the next sweep covers it`;
    case 'account-not-covered':
      return `row is for AWS account ${detail.account}, which this sweep does not cover`;
  }
}

function ownerClueJa(clue: OwnerClue): string {
  switch (clue.kind) {
    case 'name':
      return clue.matches === 0
        ? `氏名「${clue.name}」は人員表にありません`
        : `氏名「${clue.name}」に${clue.matches}人が該当します`;
    case 'ledger-email':
      return clue.noSlackUser
        ? `台帳のメールアドレス ${clue.address} の Slack ユーザーはいません`
        : `台帳のメールアドレス ${clue.address} は照会していません`;
    case 'slack-id-tag':
      return `SlackId タグの「${clue.value}」は Slack のユーザー ID ではありません`;
    case 'no-slack-id-tag':
      return 'SlackId タグなし';
    case 'no-email-tag':
      return 'Email タグなし';
    case 'email-tag':
      return clue.noSlackUser
        ? `メールアドレス ${clue.address} の Slack ユーザーはいません`
        : `メールアドレス ${clue.address} は照会していません`;
  }
}

function ownerClueEn(clue: OwnerClue): string {
  switch (clue.kind) {
    case 'name':
      return clue.matches === 0
        ? `name "${clue.name}" is not in the people table`
        : `name "${clue.name}" matches ${clue.matches} people`;
    case 'ledger-email':
      return clue.noSlackUser
        ? `no Slack user has the ledger email ${clue.address}`
        : `the ledger email ${clue.address} was not looked up`;
    case 'slack-id-tag':
      return `tag SlackId="${clue.value}" is not a Slack user id`;
    case 'no-slack-id-tag':
      return 'no SlackId tag';
    case 'no-email-tag':
      return 'no Email tag';
    case 'email-tag':
      return clue.noSlackUser
        ? `no Slack user has email ${clue.address}`
        : `email ${clue.address} was not looked up`;
  }
}

const JOURNAL_STATES_JA: Readonly<Record<string, string>> = {
  started: '実行中',
  completed: '完了',
  failed: '失敗',
};

const policyJa = (policy: PolicyCleanup) =>
  policy.outcome === 'deleted'
    ? `ポリシー ${policy.arn} を削除`
    : `ポリシー ${policy.arn} は他でもアタッチされているため残しました`;

/** A deactivation the admins had not been told of, posted by this sweep (or not). */
function lateJa(late: { readonly error: string | null } | undefined): string {
  if (!late) return '';
  return late.error === null
    ? '。以前のスイープが中断して管理者に届いていなかった無効化の通知を、今回送りました'
    : `。以前のスイープが中断して管理者に無効化を通知できておらず、今回も送れませんでした（${late.error}）。次回のスイープで再送します`;
}

function lateEn(late: { readonly error: string | null } | undefined): string {
  if (!late) return '';
  return late.error === null
    ? "; the admins' notice of it, lost when an earlier sweep was interrupted, went out now"
    : `; the admins were never told of it (an earlier sweep was interrupted) and posting it failed again (${late.error}); the next sweep tries again`;
}

function missJa(miss: NoticeMiss): string {
  switch (miss.kind) {
    case 'messages-not-updated':
      return `この行の以前のメッセージ${miss.count}件を更新できませんでした`;
    case 'owner-unreachable':
      return `所有者 ${miss.owner} に DM できません: ${miss.code}`;
    case 'owner-dm-failed':
      return `所有者への DM に失敗しました: ${miss.error}`;
    case 'admins-notice-failed':
      return `${miss.rowNumber}行目の管理者への通知に失敗しました: ${miss.error}`;
    case 'notice-unsaved':
      return `管理者への通知は送りましたが、保存できませんでした（${miss.error}）。その行の表示が更新されず、再有効化ボタンが使えないことがあります`;
    case 'news-skipped':
      return 'スイープの停止中だったため、この行の以前のメッセージの更新と所有者への DM を省略しました（後から送ることはありません）';
    case 'announcement-unrecorded':
      return `管理者への通知は送りましたが、ジャーナルに記録できませんでした（${miss.error}）。次回のスイープでもう一度通知します`;
  }
}

function refusalJa(refusal: Refusal): string {
  return refusal.kind === 'user-gone'
    ? `${refusal.userName} はもう存在しません。何も${refusal.outcome === 'deleted' ? '削除' : '無効化'}していません`
    : `${refusal.userName} が台帳にないキー ${refusal.keys.join('、')} を保有しています`;
}

function actionJa(detail: ActionDetail): string {
  switch (detail.kind) {
    case 'dry-run':
      return 'ドライラン';
    case 'sent':
      return '送信済み';
    case 'sent-group-unsaved':
      return `送信済み。ただし管理者向けのまとめメッセージを保存できなかったため（${detail.error}）、ボタン操作があってもその行は更新されません`;
    case 'sent-unrecorded':
      return `送信しましたが、ジャーナルに記録できませんでした（${detail.error}）。次回のスイープで未送信の可能性ありとして報告します`;
    case 'admin-copy-failed':
      return `管理者向けのまとめメッセージを送れませんでした（${detail.error}）。所有者には DM が届いている可能性があるため、次回のスイープでは再送せずに報告します`;
    case 'already-claimed':
      return `スイープ ${detail.sweepId} が対応済み（${JOURNAL_STATES_JA[detail.state] ?? detail.state}）`;
    case 'recorded-deleted':
      return 'IAM 側の作業は完了済み。台帳に記録します';
    case 'removed-user':
      return [`${detail.userName} を${detail.steps}ステップで削除`, ...detail.policies.map(policyJa)].join(
        '、',
      );
    case 'deleted-key':
      return `${detail.key} を削除、${detail.userName} は残しました`;
    case 'finished-teardown':
      return ['中断した削除を完了', ...detail.policies.map(policyJa)].join('、');
    case 'deactivated-user':
      return [
        `${detail.userName} を${detail.steps}ステップで無効化。再有効化されなければ ${date(detail.deleteOn)} に削除`,
        ...detail.missed.map(missJa),
      ].join('、');
    case 'deactivated-key':
      return [
        `${detail.key} を無効化。再有効化されなければ ${date(detail.deleteOn)} に削除`,
        ...detail.missed.map(missJa),
      ].join('、');
    case 'deactivated-unannounced':
      return actionJa(detail.done);
    case 'refused':
      return `拒否: ${refusalJa(detail.refusal)}`;
    case 'not-sent':
      return detail.marked
        ? `送信できませんでした: ${detail.error}。次回のスイープで再送します`
        : `送信できませんでした: ${detail.error}。その記録にも失敗したため、次回のスイープで送信された可能性ありとして報告します`;
    case 'failed':
      return detail.error;
  }
}

const policyEn = (policy: PolicyCleanup) =>
  policy.outcome === 'deleted'
    ? `deleted policy ${policy.arn}`
    : `kept policy ${policy.arn}: still attached elsewhere`;

function missEn(miss: NoticeMiss): string {
  switch (miss.kind) {
    case 'messages-not-updated':
      return `${miss.count} earlier message(s) of the row not updated`;
    case 'owner-unreachable':
      return `owner ${miss.owner} cannot be DMed: ${miss.code}`;
    case 'owner-dm-failed':
      return `the owner's DM failed: ${miss.error}`;
    case 'admins-notice-failed':
      return `the admins' notice for row ${miss.rowNumber} failed: ${miss.error}`;
    case 'notice-unsaved':
      return `the admins' notice went out but could not be stored (${miss.error}); its line may not follow clicks and its Reactivate may not work`;
    case 'news-skipped':
      return "the sweep was stopping: the row's earlier messages were not updated and its owner was not told (nor will be later)";
    case 'announcement-unrecorded':
      return `the admins' notice went out but the journal could not record it (${miss.error}); the next sweep posts it again`;
  }
}

function refusalEn(refusal: Refusal): string {
  return refusal.kind === 'user-gone'
    ? `${refusal.userName} no longer exists; nothing was ${refusal.outcome}`
    : `${refusal.userName} now holds ${refusal.keys.join(', ')}, which the ledger does not list`;
}

function actionEn(detail: ActionDetail): string {
  switch (detail.kind) {
    case 'dry-run':
      return 'dry run';
    case 'sent':
      return 'sent';
    case 'sent-group-unsaved':
      return `sent, but the admins' grouped message could not be stored (${detail.error}); clicks will not update its line there`;
    case 'sent-unrecorded':
      return `sent, but the journal could not record it (${detail.error}); the next sweep flags it as possibly unsent`;
    case 'admin-copy-failed':
      return `the admins' grouped copy failed (${detail.error}); the owner may have the DM, so the next sweep flags it instead of sending it again`;
    case 'already-claimed':
      return `already claimed by sweep ${detail.sweepId} (${detail.state})`;
    case 'recorded-deleted':
      return 'IAM work was already done; recording it in the ledger';
    case 'removed-user':
      return [`removed ${detail.userName} in ${detail.steps} steps`, ...detail.policies.map(policyEn)].join(
        '; ',
      );
    case 'deleted-key':
      return `deleted ${detail.key}; kept ${detail.userName}`;
    case 'finished-teardown':
      return ['finished an interrupted teardown', ...detail.policies.map(policyEn)].join('; ');
    case 'deactivated-user':
      return [
        `deactivated ${detail.userName} in ${detail.steps} steps; deleted on ${detail.deleteOn} unless reactivated`,
        ...detail.missed.map(missEn),
      ].join('; ');
    case 'deactivated-key':
      return [
        `deactivated ${detail.key}; deleted on ${detail.deleteOn} unless reactivated`,
        ...detail.missed.map(missEn),
      ].join('; ');
    case 'deactivated-unannounced':
      return `failed: ${actionEn(detail.done)}`;
    case 'refused':
      return `refused: ${refusalEn(detail.refusal)}`;
    case 'not-sent':
      return detail.marked
        ? `failed: not sent: ${detail.error}; the next sweep sends it again`
        : `failed: not sent: ${detail.error}; recording that failed too, so the next sweep flags it as possibly sent`;
    case 'failed':
      return `failed: ${detail.error}`;
  }
}

const STALE_JA: Readonly<Record<StaleKeyOutcome['outcome'], string>> = {
  planned: '無効化します',
  deactivated: '無効化しました',
  'already-deactivated': '無効化済み',
  'already-inactive': 'すでに無効です',
  'user-gone': 'ユーザーがもう存在しないため無効化していません',
  'no-live-key': 'レポートに合う現在のキーがないため無効化していません',
};

/** As the sweep worded it before it recorded facts: `etl key 1 (planned)`, `etl key 1: deactivated`. */
const STALE_EN: Readonly<Record<StaleKeyOutcome['outcome'], string>> = {
  planned: ' (planned)',
  deactivated: ': deactivated',
  'already-deactivated': ': already deactivated',
  'already-inactive': ': already inactive',
  'user-gone': ': not deactivated, the user no longer exists',
  'no-live-key': ': not deactivated, no live key matches the report',
};

export const reasonsJa: ReasonTexts = {
  ledgerFormat: ledgerFormatJa,
  stop: stopJa,
  reportFormat: reportFormatJa,
  rowFault: rowFaultJa,
  reportProblem: reportProblemJa,
  skip: skipJa,
  ownerUnknown: (reason) => reason.tried.map(ownerClueJa).join('、'),
  action: actionJa,
  staleKey: ({ userName, slot, outcome }) => `${userName} のキー${slot}: ${STALE_JA[outcome]}`,
  deleteNow: {
    noRow: '台帳にこのキーの有効な行がありません（編集・重複・不正な行）',
    notOurs: '台帳では削除済みですが、Keywarden が削除したものではありません',
    nothing: 'この行で削除するものはありません',
    alreadyRecorded: '台帳にはすでに削除が記録されています',
  },
  keptBecause: (userName, keys) =>
    `${userName} は他のキーも保有しています: ${keys
      .map(({ key, row }) =>
        row === null
          ? `${key}（台帳になし）`
          : `${key}（${row.rowNumber}行目、${date(row.endDate)} まで${statusLabel(row.status, 'ja')}）`,
      )
      .join('、')}`,
};

export const reasonsEn: ReasonTexts = {
  // The domain words these for the Error's message (logs); an English reader reads the same.
  ledgerFormat: ledgerFormatFaultEnglish,
  stop: stopReasonEnglish,
  reportFormat: credentialReportFormatFaultEnglish,
  rowFault: rowFaultEn,
  reportProblem: reportProblemEn,
  skip: skipEn,
  ownerUnknown: (reason) => reason.tried.map(ownerClueEn).join('; '),
  action: actionEn,
  staleKey: ({ userName, slot, outcome }) => `${userName} key ${slot}${STALE_EN[outcome]}`,
  deleteNow: {
    noRow: 'the ledger has no valid row for this key (edited, duplicated or malformed)',
    notOurs: 'the ledger says deleted, but Keywarden did not delete it',
    nothing: 'nothing to delete for this row',
    alreadyRecorded: 'the ledger already records the deletion',
  },
  keptBecause: (userName, keys) =>
    `${userName} also holds ${keys
      .map(({ key, row }) =>
        row === null
          ? `${key} (not in the ledger)`
          : `${key} (row ${row.rowNumber}, ${row.status} until ${row.endDate})`,
      )
      .join(', ')}`,
};
