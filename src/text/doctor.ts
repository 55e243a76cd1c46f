import type { Language } from '../domain/status';
import type { Failure, FailureKind } from '../util/failure';

/** What a check talks to, which decides the fix for a permission, auth or not-found failure. */
export type DoctorService =
  | 'secrets'
  | 'clients'
  | 'ledger-csv'
  | 'sheets'
  | 'iam'
  | 'iam-role'
  | 'dynamodb'
  | 'slack';

/** What a fix may name: the setting that points at the service and the resource it reads. */
export interface FixContext {
  /** The setting holding the endpoint (IAM_ENDPOINT…), when there is one. */
  readonly endpointSetting?: string;
  readonly table?: string;
  readonly region?: string;
  readonly roleName?: string;
  readonly accountId?: string;
  readonly timeoutSeconds: number;
}

export interface DoctorText {
  readonly configurationValid: string;
  readonly configurationFix: string;
  readonly ledgerSummary: (
    source: string,
    rows: number,
    pending: number,
    malformed: number,
    people: number,
    columns: string,
  ) => string;
  readonly iamSummary: (
    account: string | null,
    users: number,
    maxPasswordAge: number | null | undefined,
  ) => string;
  readonly accountSummary: (users: number) => string;
  readonly tableReadable: (table: string, region: string | null) => string;
  readonly slackSummary: (team: string, bot: string, channel: string) => string;
  readonly slackMissingScopes: (scopes: string) => string;
  readonly slackNotConfigured: string;
  /** How an embedded stand-in is named instead of a bare ✓, with how to use the real thing. */
  readonly demo: {
    readonly ledger: (path: string) => string;
    readonly iam: (path: string) => string;
    readonly dynamodb: (dir: string) => string;
  };
  /** A pass on an embedded stand-in: its note first, then what the check found. */
  readonly onEmbedded: (note: string, detail: string) => string;
  readonly timedOut: (seconds: number) => string;
  readonly kind: Readonly<Record<FailureKind, string>>;
  readonly fixLabel: string;
  readonly fix: (service: DoctorService, failure: Failure, context: FixContext) => string;
}

const where = (failure: Failure, context: FixContext, fallback: string) => {
  const host = failure.host ?? fallback;
  return context.endpointSetting ? `${host} (${context.endpointSetting})` : host;
};

const ja: DoctorText = {
  configurationValid: 'すべての設定が有効です',
  configurationFix: '上に挙げた変数を設定してください（README: Configuration）',
  ledgerSummary: (source, rows, pending, malformed, people, columns) =>
    `${source}: ${rows}行（発行待ち ${pending}、不正な行 ${malformed}）、人の表 ${people}人\n    列: ${columns}`,
  iamSummary: (account, users, maxAge) =>
    `アカウント ${account ?? '（ユーザーなし）'}: ユーザー${users}人、パスワードポリシー ${
      maxAge === undefined ? 'なし' : `最長 ${maxAge ?? 'なし'} 日`
    }`,
  accountSummary: (users) => `ユーザー${users}人`,
  tableReadable: (table, region) => `テーブル ${table}${region ? `（${region}）` : ''} を読めます`,
  slackSummary: (team, bot, channel) => `ワークスペース ${team}、ボット ${bot}、管理チャンネル ${channel}`,
  slackMissingScopes: (scopes) => `トークンにスコープが足りません: ${scopes}`,
  slackNotConfigured: '未設定: 通知はコンソールに出ます（Slack に送るには SLACK_BOT_TOKEN を設定）',
  demo: {
    ledger: (path) =>
      `デモの台帳 CSV（${path}）— 自分の台帳を使うには LEDGER_CSV か LEDGER_SOURCE=sheets を設定`,
    iam: (path) => `組み込みシミュレーター（デモ、${path}）— 実際のアカウントには IAM_SOURCE=aws を設定`,
    dynamodb: (dir) => `組み込み dynalite（ローカル、${dir}）— DynamoDB テーブルには STATE_SOURCE=aws を設定`,
  },
  onEmbedded: (note, detail) => `${note}。${detail}`,
  timedOut: (seconds) => `${seconds}秒以内に応答がありません`,
  kind: {
    dns: '名前解決できません',
    refused: '接続を拒否されました',
    closed: '応答の前に接続が切れました',
    tls: 'TLS 証明書を検証できません',
    timeout: '時間切れ',
    auth: '認証に失敗しました',
    permission: '権限がありません',
    'not-found': '見つかりません',
    other: 'エラー',
  },
  fixLabel: '対処',
  fix: (service, failure, context) => {
    const target = where(failure, context, serviceHost(service));
    switch (failure.kind) {
      case 'dns':
        return `${target} の名前を解決できません。ホスト名（エンドポイントの設定、リージョン）と DNS・ネットワークを確認してください`;
      case 'refused':
        return `${target} で接続を受け付けていません。エンドポイントの設定とサービスが動いているか、ファイアウォールを確認してください`;
      case 'closed':
        return `${target} が応答せずに接続を閉じました。プロキシやファイアウォールが間にないか、エンドポイントが正しいか確認してください`;
      case 'tls':
        return `${target} の証明書を信頼できません。TLS を中継するプロキシがあるなら、その CA を NODE_EXTRA_CA_CERTS で Node に渡してください。時計のずれも確認してください`;
      case 'timeout':
        return `${target} から${context.timeoutSeconds}秒以内に応答がありません。そこへのネットワーク（ファイアウォール、プロキシ）とエンドポイントを確認してください`;
      default:
        return jaServiceFix(service, failure, context);
    }
  },
};

function jaServiceFix(service: DoctorService, failure: Failure, context: FixContext): string {
  const awsAuth =
    'AWS の認証情報が無効か期限切れです。AWS_PROFILE / AWS_ACCESS_KEY_ID を確認するか、サインインし直してください（aws sso login）';
  switch (service) {
    case 'slack':
      if (failure.kind === 'auth')
        return 'ボットトークンが無効です（取り消された、または別のアプリのもの）。manifest.yml からアプリを再インストールし、ボットトークン（xoxb-…）を SLACK_BOT_TOKEN に設定してください';
      if (failure.code === 'missing_scope')
        return `アプリにスコープ ${failure.neededScope ?? '（manifest.yml の一覧）'} を追加して再インストールしてください`;
      if (failure.code === 'not_in_channel')
        return 'ボットを管理チャンネルに招待してください（/invite @Keywarden）';
      if (failure.kind === 'not-found')
        return 'SLACK_ADMIN_CHANNEL（チャンネル ID、C…）を確認し、ボットを招待してください';
      return 'SLACK_API_URL と Slack の稼働状況（status.slack.com）を確認してください';
    case 'sheets':
      if (failure.kind === 'auth')
        return 'Google がサービスアカウントの認証情報を受け付けません（invalid_grant: 削除された鍵か時計のずれ）。新しい鍵を作るか、フェデレーションの設定を確認してください';
      if (failure.kind === 'permission')
        return 'スプレッドシートをサービスアカウントのメールアドレスに編集者として共有し、そのプロジェクトで Sheets API を有効にしてください';
      if (failure.kind === 'not-found')
        return 'SHEETS_SPREADSHEET_ID（スプレッドシートの URL にある ID）を確認してください';
      return 'SHEETS_SPREADSHEET_ID とシート名（SHEETS_LEDGER_SHEET, SHEETS_PEOPLE_SHEET）、列名（LEDGER_COLUMNS）を確認してください';
    case 'ledger-csv':
      if (failure.kind === 'not-found')
        return 'LEDGER_CSV と PEOPLE_CSV のパスにファイルがありません。パスを確認してください';
      return 'LEDGER_CSV と PEOPLE_CSV、列名（LEDGER_COLUMNS）と文字コード（LEDGER_CSV_ENCODING）を確認してください';
    case 'iam':
      if (failure.kind === 'auth') return awsAuth;
      if (failure.kind === 'permission')
        return 'README のポリシー（serverless.yml に正確なアクションの一覧があります）をこの認証情報にアタッチしてください';
      return 'IAM_ENDPOINT と認証情報を確認してください';
    case 'iam-role':
      if (failure.kind === 'auth' || failure.kind === 'permission' || failure.kind === 'not-found')
        return `アカウント ${context.accountId ?? ''} にこのアカウントを信頼するロール ${context.roleName ?? ''} を作り、README のポリシーをアタッチしてください`;
      return 'STS_ENDPOINT と ACCOUNTS を確認してください';
    case 'dynamodb':
      if (failure.kind === 'auth') return awsAuth;
      if (failure.kind === 'permission')
        return `テーブル ${context.table ?? ''} への dynamodb:GetItem, PutItem, UpdateItem, DeleteItem, Query を許可してください（serverless.yml）`;
      if (failure.kind === 'not-found')
        return `リージョン ${context.region ?? '?'} にテーブル ${context.table ?? ''} がありません。作成する（serverless.yml）か、DYNAMODB_TABLE とリージョン（AWS_REGION, AWS_DEFAULT_REGION, プロファイル）を確認してください`;
      return 'DYNAMODB_TABLE と DYNAMODB_ENDPOINT を確認してください';
    case 'secrets':
      if (failure.kind === 'auth') return awsAuth;
      if (failure.kind === 'permission')
        return '*_PARAMETER で指定したパラメーターへの ssm:GetParameters（と kms:Decrypt）を許可してください';
      if (failure.kind === 'not-found') return 'パラメーターを SecureString として作成してください';
      return 'リージョン、認証情報、*_PARAMETER の名前を確認してください';
    case 'clients':
      if (failure.kind === 'auth') return awsAuth;
      return 'エンドポイントと認証情報を確認してください';
  }
}

const en: DoctorText = {
  configurationValid: 'all settings valid',
  configurationFix: 'set the variables named above (README: Configuration)',
  ledgerSummary: (source, rows, pending, malformed, people, columns) =>
    `${source}: ${rows} rows, ${pending} pending, ${malformed} malformed; ${people} people\n    columns: ${columns}`,
  iamSummary: (account, users, maxAge) =>
    `account ${account ?? '(no users)'}: ${users} users; password policy ${
      maxAge === undefined ? 'none' : `max age ${maxAge ?? 'none'}`
    }`,
  accountSummary: (users) => `${users} users`,
  tableReadable: (table, region) => `table ${table}${region ? ` (${region})` : ''} readable`,
  slackSummary: (team, bot, channel) => `team ${team}, bot ${bot}; admin channel ${channel}`,
  slackMissingScopes: (scopes) => `the token lacks scopes: ${scopes}`,
  slackNotConfigured: 'not configured: notices go to the console (set SLACK_BOT_TOKEN for Slack)',
  demo: {
    ledger: (path) => `demo ledger CSV (${path}) — set LEDGER_CSV or LEDGER_SOURCE=sheets for your ledger`,
    iam: (path) => `embedded simulator (demo, ${path}) — set IAM_SOURCE=aws for the real account`,
    dynamodb: (dir) => `embedded dynalite (local, ${dir}) — set STATE_SOURCE=aws for a DynamoDB table`,
  },
  onEmbedded: (note, detail) => `${note}; ${detail}`,
  timedOut: (seconds) => `no answer within ${seconds} s`,
  kind: {
    dns: 'DNS lookup failed',
    refused: 'connection refused',
    closed: 'connection closed before an answer',
    tls: 'TLS certificate not trusted',
    timeout: 'timed out',
    auth: 'not authenticated',
    permission: 'permission denied',
    'not-found': 'not found',
    other: 'error',
  },
  fixLabel: 'fix',
  fix: (service, failure, context) => {
    const target = where(failure, context, serviceHost(service));
    switch (failure.kind) {
      case 'dns':
        return `cannot resolve ${target}: check the host name (the endpoint setting, the region), DNS and the network`;
      case 'refused':
        return `nothing accepts connections at ${target}: check the endpoint setting, that the service is up, and firewalls`;
      case 'closed':
        return `${target} closed the connection without an answer: check for a proxy or firewall in the way, and the endpoint`;
      case 'tls':
        return `${target}'s certificate is not trusted: if a proxy re-signs TLS, give Node its CA with NODE_EXTRA_CA_CERTS; check the clock`;
      case 'timeout':
        return `no answer from ${target} within ${context.timeoutSeconds} s: check network access to it (firewall, proxy) and the endpoint`;
      default:
        return enServiceFix(service, failure, context);
    }
  },
};

function enServiceFix(service: DoctorService, failure: Failure, context: FixContext): string {
  const awsAuth =
    'the AWS credentials are not valid or have expired: check AWS_PROFILE / AWS_ACCESS_KEY_ID, or sign in again (aws sso login)';
  switch (service) {
    case 'slack':
      if (failure.kind === 'auth')
        return 'the bot token is not valid (revoked, or another app’s): reinstall the app from manifest.yml and copy the bot token (xoxb-…) into SLACK_BOT_TOKEN';
      if (failure.code === 'missing_scope')
        return `add the scope ${failure.neededScope ?? '(manifest.yml lists them)'} to the app and reinstall it`;
      if (failure.code === 'not_in_channel')
        return 'invite the bot to the admin channel (/invite @Keywarden)';
      if (failure.kind === 'not-found')
        return 'check SLACK_ADMIN_CHANNEL (the channel id, C…) and invite the bot to it';
      return 'check SLACK_API_URL and Slack’s status (status.slack.com)';
    case 'sheets':
      if (failure.kind === 'auth')
        return 'Google refused the service account’s credentials (invalid_grant: a deleted key or a wrong clock): create a new key, or check the federation configuration';
      if (failure.kind === 'permission')
        return 'share the spreadsheet with the service account’s email as Editor, and enable the Sheets API in its project';
      if (failure.kind === 'not-found')
        return 'check SHEETS_SPREADSHEET_ID (the id in the spreadsheet’s URL)';
      return 'check SHEETS_SPREADSHEET_ID, the sheet names (SHEETS_LEDGER_SHEET, SHEETS_PEOPLE_SHEET) and the column names (LEDGER_COLUMNS)';
    case 'ledger-csv':
      if (failure.kind === 'not-found') return 'no file at LEDGER_CSV or PEOPLE_CSV: check the paths';
      return 'check LEDGER_CSV and PEOPLE_CSV, the column names (LEDGER_COLUMNS) and the encoding (LEDGER_CSV_ENCODING)';
    case 'iam':
      if (failure.kind === 'auth') return awsAuth;
      if (failure.kind === 'permission')
        return 'attach the policy from the README (serverless.yml lists the exact actions) to these credentials';
      return 'check IAM_ENDPOINT and the credentials';
    case 'iam-role':
      if (failure.kind === 'auth' || failure.kind === 'permission' || failure.kind === 'not-found')
        return `create role ${context.roleName ?? ''} in ${context.accountId ?? ''}, trusting this account, with the policy from the README`;
      return 'check STS_ENDPOINT and ACCOUNTS';
    case 'dynamodb':
      if (failure.kind === 'auth') return awsAuth;
      if (failure.kind === 'permission')
        return `allow dynamodb:GetItem, PutItem, UpdateItem, DeleteItem and Query on table ${context.table ?? ''} (serverless.yml)`;
      if (failure.kind === 'not-found')
        return `no table ${context.table ?? ''} in ${context.region ?? '?'}: create it (serverless.yml), or check DYNAMODB_TABLE and the region (AWS_REGION, AWS_DEFAULT_REGION, the profile's region)`;
      return 'check DYNAMODB_TABLE and DYNAMODB_ENDPOINT';
    case 'secrets':
      if (failure.kind === 'auth') return awsAuth;
      if (failure.kind === 'permission')
        return 'allow ssm:GetParameters (and kms:Decrypt) on the parameters the *_PARAMETER settings name';
      if (failure.kind === 'not-found') return 'create the parameters as SecureString';
      return 'check the region, the credentials and the *_PARAMETER names';
    case 'clients':
      if (failure.kind === 'auth') return awsAuth;
      return 'check the endpoints and credentials';
  }
}

function serviceHost(service: DoctorService): string {
  switch (service) {
    case 'slack':
      return 'slack.com';
    case 'sheets':
      return 'sheets.googleapis.com';
    case 'ledger-csv':
      return 'the CSV file';
    case 'iam':
    case 'iam-role':
      return 'iam.amazonaws.com';
    case 'dynamodb':
      return 'DynamoDB';
    case 'secrets':
      return 'SSM';
    case 'clients':
      return 'AWS';
  }
}

export function doctorText(language: Language): DoctorText {
  return language === 'ja' ? ja : en;
}
