import type { core } from 'zod';

/**
 * A setting's problem that the settings parser words itself (zod words the rest), carried in a
 * custom issue's `params.problem` so that it is rendered in the reader's language.
 */
export type ConfigProblem =
  | { readonly kind: 'not-field-header'; readonly entry: string }
  | { readonly kind: 'not-ledger-field'; readonly field: string; readonly fields: readonly string[] }
  | { readonly kind: 'field-mapped-twice'; readonly field: string }
  | {
      readonly kind: 'header-mapped-twice';
      readonly header: string;
      readonly first: string;
      readonly second: string;
    }
  | { readonly kind: 'mutes-not-json' }
  | { readonly kind: 'mute-until' }
  | { readonly kind: 'mute-reason' }
  | { readonly kind: 'mute-account' }
  | { readonly kind: 'time-zone' }
  | { readonly kind: 'required-for-sheets' }
  | { readonly kind: 'sheets-credentials' }
  | { readonly kind: 'renew-too-long' }
  | { readonly kind: 'accounts-need-aws' }
  | { readonly kind: 'needs-region'; readonly setting: string }
  | { readonly kind: 'required-with-slack' }
  | { readonly kind: 'admins-required' }
  | { readonly kind: 'not-json' }
  | { readonly kind: 'parameter-and-value'; readonly setting: string }
  | { readonly kind: 'not-a-url' };

/** What a Lambda entry point needs that its deployment did not give it. */
export type LambdaNeed =
  | 'sweep-run-bucket'
  | 'worker-function-name'
  | 'slack-for-failures'
  | 'slack-for-worker';

/** Settings checked against a pattern, and what the pattern asks for. */
export type PatternSetting =
  | 'DIGEST_SCHEDULE'
  | 'SWEEP_SCHEDULE'
  | 'AWS_ACCOUNT_ID'
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_APP_TOKEN'
  | 'SLACK_ADMIN_CHANNEL'
  | 'ACCOUNTS'
  | 'ASSUME_ROLE_NAME'
  | 'SWEEP_STATE_MACHINE_ARN'
  | 'PARAMETER';

/**
 * What is said when the settings cannot be read or are wrong: before they are read, so in the
 * language `settingsLanguage` chooses. Setting names and values are shown as they are written.
 * Part of the catalogue (`Messages.config`).
 */
export interface ConfigTexts {
  /** `lines` are `SETTING: problem`. */
  readonly invalid: (lines: readonly string[]) => string;
  readonly unreadableFile: (path: string, error: string) => string;
  readonly problem: (problem: ConfigProblem) => string;
  readonly pattern: Readonly<Record<PatternSetting, string>>;
  /** A problem zod found; English keeps zod's own words. */
  readonly issue: (issue: core.$ZodIssue) => string;
  readonly ssmUnreadable: (error: string) => string;
  readonly ssmNotFound: (names: readonly string[]) => string;
  readonly ssmEmpty: (name: string) => string;
  /** IAM_SOURCE or STATE_SOURCE says embedded where no embedded component is built (Lambda, doctor). */
  readonly embeddedNotHere: (setting: 'IAM_SOURCE' | 'STATE_SOURCE') => string;
  readonly lambdaNeeds: (need: LambdaNeed) => string;
}

const jaList = (values: readonly unknown[]) => values.map((value) => JSON.stringify(value)).join('、');

const JA_TYPES: Readonly<Record<string, string>> = {
  number: '数値',
  int: '整数',
  string: '文字列',
  boolean: '真偽値',
  array: '配列',
  object: 'オブジェクト',
};

function jaIssue(issue: core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${JA_TYPES[issue.expected] ?? issue.expected}を指定してください`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${issue.maximum}文字以内にしてください`
        : issue.origin === 'array'
          ? `${issue.maximum}件以内にしてください`
          : `${issue.maximum}${issue.inclusive === false ? '未満' : '以下'}の数値にしてください`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? '空にはできません'
          : `${issue.minimum}文字以上にしてください`
        : issue.origin === 'array'
          ? `${issue.minimum}件以上にしてください`
          : `${issue.minimum}${issue.inclusive === false ? 'より大きい' : '以上の'}数値にしてください`;
    case 'invalid_value':
      return `${jaList(issue.values)} のいずれかを指定してください`;
    case 'invalid_format':
      return issue.format === 'url'
        ? 'URL ではありません'
        : `形式が正しくありません（${issue.pattern ?? issue.format}）`;
    case 'unrecognized_keys':
      return `不明な項目があります: ${jaList(issue.keys)}`;
    case 'not_multiple_of':
      return `${issue.divisor}の倍数にしてください`;
    default:
      return '値が正しくありません';
  }
}

const LAMBDA_NEEDS_JA: Readonly<Record<LambdaNeed, string>> = {
  'sweep-run-bucket': 'スイープのステートマシンには SWEEP_RUN_BUCKET の設定が必要です',
  'worker-function-name': 'WORKER_FUNCTION_NAME が設定されていません',
  'slack-for-failures': '失敗したジョブを管理者に報告するには Slack の設定が必要です',
  'slack-for-worker': 'ワーカー関数には Slack の設定が必要です',
};

const LAMBDA_NEEDS_EN: Readonly<Record<LambdaNeed, string>> = {
  'sweep-run-bucket': 'the sweep state machine needs SWEEP_RUN_BUCKET',
  'worker-function-name': 'WORKER_FUNCTION_NAME is not set',
  'slack-for-failures': 'reporting failed jobs needs Slack configured',
  'slack-for-worker': 'the worker needs Slack configured',
};

export const configJa: ConfigTexts = {
  invalid: (lines) => `設定が正しくありません:\n${lines.map((line) => `  ${line}`).join('\n')}`,
  unreadableFile: (path, error) => `KEYWARDEN_CONFIG: ${path} を読み取れません: ${error}`,
  problem: (p) => {
    switch (p.kind) {
      case 'not-field-header':
        return `"${p.entry}" は「項目=見出し」の形ではありません`;
      case 'not-ledger-field':
        return `"${p.field}" は台帳の項目ではありません（${p.fields.join('、')} のいずれか）`;
      case 'field-mapped-twice':
        return `${p.field} が2回指定されています`;
      case 'header-mapped-twice':
        return `見出し "${p.header}" が ${p.first} と ${p.second} の両方に指定されています`;
      case 'mutes-not-json':
        return 'JSON ではありません（[{"user", "kind", "until", "reason"}, …] の形で指定してください）';
      case 'mute-until':
        return 'YYYY-MM-DD 形式の日付を指定してください';
      case 'mute-reason':
        return '指摘を受け入れる理由を書いてください';
      case 'mute-account':
        return '12桁の AWS アカウント ID で指定してください';
      case 'time-zone':
        return 'IANA のタイムゾーンではありません（例: Asia/Tokyo）';
      case 'required-for-sheets':
        return 'LEDGER_SOURCE=sheets のときは必須です';
      case 'sheets-credentials':
        return 'LEDGER_SOURCE=sheets には GOOGLE_SERVICE_ACCOUNT_JSON か GOOGLE_APPLICATION_CREDENTIALS が必要です';
      case 'renew-too-long':
        return 'SWEEP_LOCK_LEASE_SECONDS の半分以下にしてください（更新が一度遅れてもロックを失わないように）';
      case 'accounts-need-aws':
        return 'IAM_SOURCE=aws が必要です（ロールは STS で引き受けます）';
      case 'needs-region':
        return `${p.setting} には AWS のリージョンが必要です: AWS_REGION、AWS_DEFAULT_REGION、または AWS プロファイルのリージョンを設定してください`;
      case 'required-with-slack':
        return 'SLACK_BOT_TOKEN を設定するときは必須です';
      case 'admins-required':
        return 'SLACK_BOT_TOKEN を設定するときは必須です: 承認と監査ができる Slack ユーザー ID';
      case 'not-json':
        return 'JSON ではありません';
      case 'parameter-and-value':
        return `${p.setting} と ${p.setting}_PARAMETER はどちらか一方だけを設定してください`;
      case 'not-a-url':
        return 'URL ではありません';
    }
  },
  pattern: {
    DIGEST_SCHEDULE: 'cron 式で指定してください（例: "0 9 * * 1"）',
    SWEEP_SCHEDULE: 'cron 式で指定してください（例: "0 15 * * *"）',
    AWS_ACCOUNT_ID: '12桁の数字で指定してください',
    SLACK_BOT_TOKEN: 'ボットトークンは xoxb- で始まります',
    SLACK_APP_TOKEN: 'アプリレベルトークンは xapp- で始まります',
    SLACK_ADMIN_CHANNEL: 'C0123ABCD のようなチャンネル ID で指定してください（#名前 ではなく）',
    ACCOUNTS: '"organizations" か、カンマ区切りの12桁のアカウント ID で指定してください',
    ASSUME_ROLE_NAME: 'IAM ロール名で指定してください',
    SWEEP_STATE_MACHINE_ARN:
      'arn:aws:states:ap-northeast-1:111122223333:stateMachine:keywarden-prod-sweep のようなステートマシンの ARN で指定してください',
    PARAMETER: '/keywarden/prod/slack-bot-token のような SSM パラメータ名で指定してください',
  },
  issue: jaIssue,
  ssmUnreadable: (error) => `SSM パラメータストアからシークレットを読み取れません: ${error}`,
  ssmNotFound: (names) =>
    `SSM パラメータが見つかりません: ${names.join('、')}（SecureString として作成してください）`,
  ssmEmpty: (name) => `SSM パラメータ ${name} が空です`,
  embeddedNotHere: (setting) =>
    `${setting}=embedded はローカル実行専用です。ここでは ${setting}=aws を設定してください`,
  lambdaNeeds: (need) => LAMBDA_NEEDS_JA[need],
};

export const configEn: ConfigTexts = {
  invalid: (lines) => `invalid configuration:\n${lines.map((line) => `  ${line}`).join('\n')}`,
  unreadableFile: (path, error) => `KEYWARDEN_CONFIG: cannot read ${path}: ${error}`,
  problem: (p) => {
    switch (p.kind) {
      case 'not-field-header':
        return `"${p.entry}" is not field=header`;
      case 'not-ledger-field':
        return `"${p.field}" is not a ledger field (one of ${p.fields.join(', ')})`;
      case 'field-mapped-twice':
        return `${p.field} is mapped twice`;
      case 'header-mapped-twice':
        return `header "${p.header}" is mapped to both ${p.first} and ${p.second}`;
      case 'mutes-not-json':
        return 'is not JSON (expected [{"user", "kind", "until", "reason"}, …])';
      case 'mute-until':
        return 'a date as YYYY-MM-DD';
      case 'mute-reason':
        return 'say why the finding is accepted';
      case 'mute-account':
        return '12 digits';
      case 'time-zone':
        return 'not an IANA time zone (e.g. Asia/Tokyo)';
      case 'required-for-sheets':
        return 'required when LEDGER_SOURCE=sheets';
      case 'sheets-credentials':
        return 'LEDGER_SOURCE=sheets needs GOOGLE_SERVICE_ACCOUNT_JSON or GOOGLE_APPLICATION_CREDENTIALS';
      case 'renew-too-long':
        return 'at most half of SWEEP_LOCK_LEASE_SECONDS, so one late renewal does not lose the lock';
      case 'accounts-need-aws':
        return 'needs IAM_SOURCE=aws (roles are assumed with STS)';
      case 'needs-region':
        return `${p.setting} needs an AWS region: set AWS_REGION, AWS_DEFAULT_REGION or a region in the AWS profile`;
      case 'required-with-slack':
        return 'required when SLACK_BOT_TOKEN is set';
      case 'admins-required':
        return 'required when SLACK_BOT_TOKEN is set: the Slack user ids allowed to approve and audit';
      case 'not-json':
        return 'is not JSON';
      case 'parameter-and-value':
        return `set either ${p.setting} or ${p.setting}_PARAMETER`;
      case 'not-a-url':
        return 'not a URL';
    }
  },
  pattern: {
    DIGEST_SCHEDULE: 'a cron expression such as "0 9 * * 1"',
    SWEEP_SCHEDULE: 'a cron expression such as "0 15 * * *"',
    AWS_ACCOUNT_ID: '12 digits',
    SLACK_BOT_TOKEN: 'a bot token starts with xoxb-',
    SLACK_APP_TOKEN: 'an app-level token starts with xapp-',
    SLACK_ADMIN_CHANNEL: 'a channel id like C0123ABCD (not a #name)',
    ACCOUNTS: '"organizations" or comma-separated 12-digit account ids',
    ASSUME_ROLE_NAME: 'an IAM role name',
    SWEEP_STATE_MACHINE_ARN:
      'a state machine ARN such as arn:aws:states:ap-northeast-1:111122223333:stateMachine:keywarden-prod-sweep',
    PARAMETER: 'an SSM parameter name such as /keywarden/prod/slack-bot-token',
  },
  issue: (issue) => issue.message,
  ssmUnreadable: (error) => `cannot read the secrets from SSM Parameter Store: ${error}`,
  ssmNotFound: (names) => `SSM parameter(s) not found: ${names.join(', ')} (create them as SecureString)`,
  ssmEmpty: (name) => `SSM parameter ${name} is empty`,
  embeddedNotHere: (setting) => `${setting}=embedded is for local runs; set ${setting}=aws here`,
  lambdaNeeds: (need) => LAMBDA_NEEDS_EN[need],
};

/** Marks a custom issue with the problem the catalogue words. */
export const problemParams = (problem: ConfigProblem) => ({ params: { problem } });

/** The problem a custom issue carries, if it carries one. */
export function problemOf(issue: core.$ZodIssue): ConfigProblem | null {
  if (issue.code !== 'custom') return null;
  const problem: unknown = issue.params?.problem;
  return problem !== null && typeof problem === 'object' && 'kind' in problem
    ? (problem as ConfigProblem)
    : null;
}

/** `SETTING: problem`, the problem in the catalogue's words (zod's own, in English). */
export function issueLine(issue: core.$ZodIssue, c: ConfigTexts): string {
  const setting = String(issue.path[0] ?? '');
  const problem = problemOf(issue);
  const text = problem
    ? c.problem(problem)
    : issue.code === 'invalid_format' && issue.format === 'regex' && Object.hasOwn(c.pattern, setting)
      ? c.pattern[setting as PatternSetting]
      : c.issue(issue);
  return `${issue.path.join('.') || '(root)'}: ${text}`;
}
