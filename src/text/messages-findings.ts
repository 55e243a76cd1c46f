import { toLedgerText } from '../domain/dates';
import type { CredentialRef, Finding, FindingKind, IdleBasis } from '../domain/hygiene';

/**
 * The words of IAM hygiene findings wherever people read them: the owner's DM, the admins'
 * digest and `keywarden audit`'s table. Part of the catalogue (`Messages.findings`).
 */
export interface FindingTexts {
  /** One line an admin or owner can act on; plain text, escaped where it is shown. */
  readonly detail: (finding: Finding) => string;
  /** What a kind of finding is called in tables, counts and the digest. */
  readonly kind: Readonly<Record<FindingKind, string>>;
  /** `password`, `key-1`, `key-2` or `mfa`, as the table's credential column shows it. */
  readonly credential: (id: string) => string;
  readonly noFindings: string;
  /** `parts` are `count kind` pieces made by `kindCount`. */
  readonly counts: (total: number, parts: readonly string[]) => string;
  readonly kindCount: (count: number, kind: string) => string;
  readonly tableHeader: readonly [user: string, kind: string, credential: string, detail: string];
  readonly reportGenerated: (iso: string) => string;
  readonly rowsNotAudited: (count: number) => string;
  readonly digestTitle: string;
  /** The digest's title for one of several AWS accounts. */
  readonly digestTitleInAccount: (account: string) => string;
  readonly digestGenerated: (iso: string) => string;
  readonly digestMore: (count: number) => string;
  readonly digestUnreadRows: (count: number) => string;
}

const days = (n: number) => `${n}日`;

const jaCredential = (credential: CredentialRef) =>
  credential.type === 'password' ? 'コンソールのパスワード' : `アクセスキー${credential.slot}`;

const jaIdle: Readonly<Record<IdleBasis, (since: string) => string>> = {
  'last-used': (since) => `最終使用 ${since}`,
  'user-created': (since) => `未使用。ユーザー作成 ${since}`,
  'password-changed': (since) => `サインイン記録なし。パスワード設定 ${since}`,
  'key-created': (since) => `未使用。作成 ${since}`,
};

function jaDetail(f: Finding): string {
  switch (f.kind) {
    case 'password-expired':
      return `コンソールのパスワードは ${toLedgerText(f.dueDate)} に期限切れになりました${f.daysOverdue > 0 ? `（${days(f.daysOverdue)}前）` : ''}。サインインするには新しいパスワードの設定が必要です`;
    case 'password-expiring':
      return `コンソールのパスワードの期限は ${toLedgerText(f.dueDate)} です（${f.daysLeft === 0 ? '本日' : `あと${days(f.daysLeft)}`}）`;
    case 'key-too-old':
      return `アクセスキー${f.slot}は作成から${days(f.ageDays)}経過しています（${toLedgerText(f.createdOn)} 作成）。上限の${days(f.limitDays)}を超えているのでローテーションしてください`;
    case 'key-expiring':
      return `アクセスキー${f.slot}は作成から${days(f.ageDays)}経過しています（${toLedgerText(f.createdOn)} 作成）。${toLedgerText(f.dueDate)} までに（あと${days(f.daysLeft)}）ローテーションしてください`;
    case 'unused-credentials':
      return `${jaCredential(f.credential)}が${days(f.idleDays)}使われていません（${jaIdle[f.basis](toLedgerText(f.idleSince))}）。不要なら削除してください`;
    case 'no-mfa':
      return 'コンソールのパスワードが MFA なしで有効です';
    case 'root-no-mfa':
      return 'ルートユーザーに MFA デバイスがありません';
    case 'root-access-keys':
      return `ルートユーザーに有効なアクセスキー${f.slot}があります（${f.lastUsedOn ? `最終使用 ${toLedgerText(f.lastUsedOn)}` : '未使用'}）。削除してください`;
    case 'root-recent-use':
      return `ルートユーザーの${jaCredential(f.credential)}が${f.daysAgo === 0 ? '本日' : `${days(f.daysAgo)}前`}（${toLedgerText(f.usedOn)}）に使われました`;
  }
}

export const findingsJa: FindingTexts = {
  detail: jaDetail,
  kind: {
    'password-expiring': 'パスワード期限間近',
    'password-expired': 'パスワード期限切れ',
    'key-expiring': 'キーのローテーション期限間近',
    'key-too-old': '古いアクセスキー',
    'unused-credentials': '未使用の認証情報',
    'no-mfa': 'MFA 未設定',
    'root-no-mfa': 'ルートの MFA 未設定',
    'root-access-keys': 'ルートのアクセスキー',
    'root-recent-use': 'ルートの使用',
  },
  credential: (id) =>
    id === 'password' ? 'パスワード' : id === 'mfa' ? 'MFA' : `キー${id.slice('key-'.length)}`,
  noFindings: '指摘事項はありません',
  counts: (total, parts) => `指摘事項${total}件: ${parts.join('、')}`,
  kindCount: (count, kind) => `${kind} ${count}件`,
  tableHeader: ['ユーザー', '種類', '認証情報', '内容'],
  reportGenerated: (iso) => `認証情報レポートの生成日時: ${iso}`,
  rowsNotAudited: (count) => `点検できなかったレポートの行（${count}件）:`,
  digestTitle: 'IAM 点検のまとめ',
  digestTitleInAccount: (account) => `IAM 点検のまとめ（AWS アカウント ${account}）`,
  digestGenerated: (iso) => `認証情報レポートの生成日時: ${iso}`,
  digestMore: (count) => `…ほか${count}件`,
  digestUnreadRows: (count) => `レポートの${count}行が読み取れず、点検していません`,
};

export const findingsEn: FindingTexts = {
  // The domain words each finding in English for programs too (JSON and CSV output keep it).
  detail: (finding) => finding.detail,
  kind: {
    'password-expiring': 'password-expiring',
    'password-expired': 'password-expired',
    'key-expiring': 'key-expiring',
    'key-too-old': 'key-too-old',
    'unused-credentials': 'unused-credentials',
    'no-mfa': 'no-mfa',
    'root-no-mfa': 'root-no-mfa',
    'root-access-keys': 'root-access-keys',
    'root-recent-use': 'root-recent-use',
  },
  credential: (id) => id,
  noFindings: 'no findings',
  counts: (total, parts) => `${total} ${total === 1 ? 'finding' : 'findings'}: ${parts.join(', ')}`,
  kindCount: (count, kind) => `${count} ${kind}`,
  tableHeader: ['user', 'kind', 'credential', 'detail'],
  reportGenerated: (iso) => `Credential report generated ${iso}`,
  rowsNotAudited: (count) => `Report rows not audited (${count}):`,
  digestTitle: 'IAM hygiene digest',
  digestTitleInAccount: (account) => `IAM hygiene digest (AWS account ${account})`,
  digestGenerated: (iso) => `credential report generated ${iso}`,
  digestMore: (count) => `…and ${count} more`,
  digestUnreadRows: (count) =>
    `${count} report ${count === 1 ? 'row' : 'rows'} could not be read and ${count === 1 ? 'was' : 'were'} not audited`,
};
