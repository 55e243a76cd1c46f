/** The headings commander writes, as `Help.styleTitle` is handed them. */
export const HELP_TITLES = ['Usage:', 'Options:', 'Commands:', 'Arguments:', 'Global Options:'] as const;
export type HelpTitle = (typeof HELP_TITLES)[number];

/**
 * `keywarden --help` and each command's help, and what the CLI says of an argument it refuses.
 * Flags and command names stay as typed; their descriptions, commander's headings and the
 * usage line's placeholders are words. Part of the catalogue (`Messages.help`).
 */
export interface HelpTexts {
  readonly program: string;
  readonly titles: Readonly<Record<HelpTitle, string>>;
  /** The usage line after the command's name, e.g. `[options] [command]`. */
  readonly usage: { readonly program: string; readonly command: string };
  readonly helpOption: string;
  readonly helpCommand: string;
  readonly versionOption: string;
  /** What follows an option's description, its separator included: its choices and default. */
  readonly optionExtras: (choices: readonly string[], defaultValue: string | null) => string;
  /** Placeholders of option arguments that are words (dates and file names are shown as they are typed). */
  readonly placeholders: { readonly days: string; readonly format: string; readonly command: string };
  readonly sweep: {
    readonly description: string;
    readonly apply: string;
    readonly date: string;
    readonly json: string;
  };
  readonly audit: {
    readonly description: string;
    readonly credentialReport: string;
    readonly maxPasswordAge: string;
    readonly format: string;
    readonly date: string;
    readonly json: string;
  };
  readonly digest: string;
  readonly serve: string;
  readonly unlock: { readonly description: string; readonly force: string };
  readonly doctor: string;
  readonly demoReset: string;
  readonly badDate: string;
  readonly badDays: string;
}

const quoted = (values: readonly string[], separator: string) =>
  values.map((value) => JSON.stringify(value)).join(separator);

export const helpJa: HelpTexts = {
  program: 'AWS IAM のアクセスキーが利用目的を終えたあとも残り続けないようにします。',
  titles: {
    'Usage:': '使い方:',
    'Options:': 'オプション:',
    'Commands:': 'コマンド:',
    'Arguments:': '引数:',
    'Global Options:': '共通オプション:',
  },
  usage: { program: '[オプション] [コマンド]', command: '[オプション]' },
  helpOption: 'ヘルプを表示する',
  helpCommand: 'コマンドのヘルプを表示する',
  versionOption: 'バージョンを表示する',
  optionExtras: (choices, defaultValue) =>
    `（${[
      ...(choices.length > 0 ? [`選択肢: ${quoted(choices, '、')}`] : []),
      ...(defaultValue === null ? [] : [`既定: ${JSON.stringify(defaultValue)}`]),
    ].join('、')}）`,
  placeholders: { days: '日数', format: '形式', command: 'コマンド' },
  sweep: {
    description: 'キー申請台帳から通知と削除を計画する（--apply で実行する）',
    apply: '実行する: 通知を送り、期限切れのキーとユーザーを削除し、台帳に書き込む（既定は試行のみ）',
    date: 'この日を今日として計画する。--apply では今日かそれより前の日のみ（実行し損ねたスイープの取り戻し）',
    json: 'レポートを JSON で出力する',
  },
  audit: {
    description:
      '認証情報レポートから IAM の点検結果を出す（AWS から取得するか、保存した CSV を AWS なしで）',
    credentialReport: 'コンソールからダウンロードした認証情報レポートを点検する',
    maxPasswordAge:
      '--credential-report と併用: password_next_rotation のない行に使う、アカウントのパスワードポリシーの最長期間',
    format: '出力形式',
    date: 'この日の時点で点検する（経過日数、期間、期限をこの日まで数える）。例: 保存したレポートをダウンロードした日',
    json: '--format json と同じ',
  },
  digest: '週次の IAM 点検のまとめを管理者に送る（認証情報レポートを添付し、保管する）',
  serve: 'Slack アプリ（Socket Mode または HTTP）と定期スイープを停止するまで動かす',
  unlock: {
    description:
      'スイープのロックの保持者を表示する（スイープ ID、ホスト、プロセス、経過時間）。--force で解放する',
    force: 'ロックを解放する（表示した保持者のみ。実行中のスイープは安全な地点で停止する）',
  },
  doctor: '設定、台帳、IAM の権限、DynamoDB のテーブル、Slack を確認する（何も変更しない）',
  demoReset: '組み込みのデモ（台帳、担当者、IAM アカウント、状態）を examples/ から用意し直す',
  badDate: 'YYYY-MM-DD 形式の日付を指定してください',
  badDays: '日数を整数で指定してください',
};

export const helpEn: HelpTexts = {
  program: 'Keeps AWS IAM access keys from outliving their purpose.',
  titles: {
    'Usage:': 'Usage:',
    'Options:': 'Options:',
    'Commands:': 'Commands:',
    'Arguments:': 'Arguments:',
    'Global Options:': 'Global Options:',
  },
  usage: { program: '[options] [command]', command: '[options]' },
  helpOption: 'display help for command',
  helpCommand: 'display help for command',
  versionOption: 'output the version number',
  optionExtras: (choices, defaultValue) =>
    ` (${[
      ...(choices.length > 0 ? [`choices: ${quoted(choices, ', ')}`] : []),
      ...(defaultValue === null ? [] : [`default: ${JSON.stringify(defaultValue)}`]),
    ].join(', ')})`,
  placeholders: { days: 'days', format: 'format', command: 'command' },
  sweep: {
    description: 'plan (and with --apply, carry out) notices and teardowns from the key-request ledger',
    apply: 'act: send notices, delete expired keys and users, write the ledger (default: dry run)',
    date: 'plan as if today were this date; with --apply only today or an earlier day (catching up a missed sweep)',
    json: 'print the report as JSON',
  },
  audit: {
    description: 'IAM hygiene findings from the credential report (live, or a saved CSV with no AWS access)',
    credentialReport: 'audit a credential report downloaded from the console',
    maxPasswordAge:
      'with --credential-report: the account password policy max age, for rows without password_next_rotation',
    format: 'output format',
    date: 'audit as of this day (ages, windows and expiries counted to it), e.g. the day a saved report was downloaded',
    json: 'same as --format json',
  },
  digest: 'send the weekly hygiene digest to the admins, with the credential report attached (and archived)',
  serve: 'run the Slack app (Socket Mode or HTTP) and the scheduled sweep until stopped',
  unlock: {
    description: 'show who holds the sweep lock (sweep id, host, pid, age); with --force, release it',
    force: 'release the lock (only the holder shown; a running sweep then stops at a safe point)',
  },
  doctor: 'check configuration, the ledger, IAM permissions, the DynamoDB table and Slack, changing nothing',
  demoReset: 're-seed the embedded demo (ledger, people, IAM account, state) from examples/',
  badDate: 'expected a date as YYYY-MM-DD',
  badDays: 'expected a whole number of days',
};
