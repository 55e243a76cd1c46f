import type { AccessKeyStatus } from '../domain/iam';
import { type RowStatus, statusLabel } from '../domain/status';

/**
 * The answers of `/iam-audit`: help, refusals, and the words of its reports. Part of the
 * catalogue (`Messages.audit`); report tables are plain text the Slack adapter escapes.
 */
export interface AuditTexts {
  /** One line per subcommand. */
  readonly help: readonly string[];
  readonly notDays: (arg: string) => string;
  readonly userUsage: string;
  readonly unknownSubcommand: (verb: string) => string;
  readonly adminsOnly: string;
  readonly failed: (command: string, error: string) => string;
  readonly ledgerHeading: (today: string, days: number, count: number) => string;
  readonly ledgerColumns: readonly [
    row: string,
    end: string,
    days: string,
    status: string,
    iamUser: string,
    key: string,
    name: string,
  ];
  readonly ledgerMalformed: (count: number) => string;
  readonly userHeading: (userName: string, inIam: boolean) => string;
  readonly userKeys: (keys: string) => string;
  readonly userConsole: (password: boolean, mfaDevices: number) => string;
  readonly userGroups: (groups: string) => string;
  readonly userPolicies: (policies: string) => string;
  readonly userLedgerRow: (
    rowNumber: number,
    name: string,
    key: string,
    ends: string,
    status: string,
  ) => string;
  readonly none: string;
  readonly keyStatus: (status: AccessKeyStatus) => string;
  readonly rowStatus: (status: RowStatus) => string;
  readonly noUser: (name: string) => string;
  readonly topicNames: Readonly<Record<'keys' | 'passwords' | 'unused' | 'mfa', string>>;
  readonly noTopicFindings: (topic: string) => string;
  readonly topicColumns: readonly [user: string, finding: string, detail: string];
  readonly credentialReportTitle: (iso: string) => string;
  readonly uploaded: (filename: string, inAdminChannel: boolean) => string;
  /** `sweep` on Lambda: the state machine runs the dry run; its report comes by DM. */
  readonly sweepStarted: string;
}

export const auditJa: AuditTexts = {
  help: [
    '/iam-audit help — この一覧',
    '/iam-audit ledger [日数] — 指定日数以内に終了する台帳の行（既定 30日）',
    '/iam-audit keys [日数] — 作成からの日数が上限を超えた、または近いアクセスキー',
    '/iam-audit passwords — 期限が近いコンソールのパスワード',
    '/iam-audit unused [日数] — 指定日数使われていない認証情報',
    '/iam-audit mfa — MFA のないコンソールユーザー',
    '/iam-audit user <名前> — IAMユーザー1人の台帳の行と保有するもの',
    '/iam-audit report — 認証情報レポートの CSV をアップロード（管理チャンネル、それ以外では DM）',
    '/iam-audit sweep — 次回のスイープで行う操作（ドライラン）',
  ],
  notDays: (arg) => `「${arg}」は日数ではありません`,
  userUsage: '使い方: /iam-audit user <IAMユーザー名または台帳の氏名>',
  unknownSubcommand: (verb) => `不明なサブコマンドです: 「${verb}」`,
  adminsOnly: '/iam-audit は Keywarden の管理者だけが使えます。',
  failed: (command, error) => `/iam-audit ${command} に失敗しました: ${error}`,
  ledgerHeading: (today, days, count) => `${today} から${days}日以内に終了する台帳の行: ${count}件`,
  ledgerColumns: ['行', '終了日', '残り日数', '状態', 'IAMユーザー', 'キー', '氏名'],
  ledgerMalformed: (count) => `不正な行が${count}件あります（/iam-audit sweep で確認）`,
  userHeading: (userName, inIam) => `IAMユーザー ${userName}: ${inIam ? 'あり' : 'IAM にありません'}`,
  userKeys: (keys) => `  キー: ${keys}`,
  userConsole: (password, mfaDevices) =>
    `  コンソールのパスワード: ${password ? 'あり' : 'なし'}、MFA デバイス: ${mfaDevices}`,
  userGroups: (groups) => `  グループ: ${groups}`,
  userPolicies: (policies) => `  ポリシー: ${policies}`,
  userLedgerRow: (rowNumber, name, key, ends, status) =>
    `  台帳 ${rowNumber}行目: ${name}、${key}、${ends} 終了、${status}`,
  none: 'なし',
  keyStatus: (status) => (status === 'Active' ? '有効' : '無効'),
  rowStatus: (status) => statusLabel(status, 'ja'),
  noUser: (name) => `「${name}」に一致する IAMユーザーも台帳の行もありません。`,
  topicNames: { keys: 'アクセスキー', passwords: 'パスワード', unused: '未使用の認証情報', mfa: 'MFA' },
  noTopicFindings: (topic) => `${topic}の指摘事項はありません。`,
  topicColumns: ['ユーザー', '指摘', '内容'],
  credentialReportTitle: (iso) => `IAM 認証情報レポート（${iso} 生成）`,
  uploaded: (filename, inAdminChannel) =>
    `${filename} を${inAdminChannel ? 'このチャンネル' : 'Keywarden との DM'}にアップロードしました。`,
  sweepStarted: 'ドライランを開始しました。終わりしだい結果を DM でお送りします。',
};

export const auditEn: AuditTexts = {
  help: [
    '/iam-audit help — this list',
    '/iam-audit ledger [days] — ledger rows ending within days (default 30)',
    '/iam-audit keys [days] — access keys past or near the age limit',
    '/iam-audit passwords — console passwords about to expire',
    '/iam-audit unused [days] — credentials not used for days',
    '/iam-audit mfa — console users without MFA',
    '/iam-audit user <name> — one IAM user: ledger rows and what it holds',
    '/iam-audit report — upload the credential report CSV (admin channel, else your DM)',
    '/iam-audit sweep — what the next sweep would do (dry run)',
  ],
  notDays: (arg) => `"${arg}" is not a number of days`,
  userUsage: 'usage: /iam-audit user <IAM user name or ledger name>',
  unknownSubcommand: (verb) => `unknown subcommand "${verb}"`,
  adminsOnly: '/iam-audit is for Keywarden admins only.',
  failed: (command, error) => `/iam-audit ${command} failed: ${error}`,
  ledgerHeading: (today, days, count) => `Ledger rows ending by ${today} + ${days} days: ${count}`,
  ledgerColumns: ['row', 'end', 'days', 'status', 'IAM user', 'key', 'name'],
  ledgerMalformed: (count) => `${count} malformed rows (see /iam-audit sweep)`,
  userHeading: (userName, inIam) => `IAM user ${userName}: ${inIam ? 'exists' : 'not in IAM'}`,
  userKeys: (keys) => `  keys: ${keys}`,
  userConsole: (password, mfaDevices) =>
    `  console password: ${password ? 'yes' : 'no'}, MFA devices: ${mfaDevices}`,
  userGroups: (groups) => `  groups: ${groups}`,
  userPolicies: (policies) => `  policies: ${policies}`,
  userLedgerRow: (rowNumber, name, key, ends, status) =>
    `  ledger row ${rowNumber}: ${name}, ${key}, ends ${ends}, ${status}`,
  none: 'none',
  keyStatus: (status) => status,
  rowStatus: (status) => status,
  noUser: (name) => `No IAM user or ledger row matches "${name}".`,
  topicNames: { keys: 'keys', passwords: 'passwords', unused: 'unused', mfa: 'mfa' },
  noTopicFindings: (topic) => `No ${topic} findings.`,
  topicColumns: ['user', 'finding', 'detail'],
  credentialReportTitle: (iso) => `IAM credential report (generated ${iso})`,
  uploaded: (filename, inAdminChannel) =>
    `Uploaded ${filename} to ${inAdminChannel ? 'this channel' : 'your direct messages with Keywarden'}.`,
  sweepStarted: 'Dry run started; the report will come to your direct messages when it is done.',
};
