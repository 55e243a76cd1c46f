/**
 * The surfaces a person meets before or beside the sweep's reports — the Home tab's last-sweep
 * counts, `keywarden --help`, a settings error, the Node version refusal — rendered for real in
 * Japanese and checked for English, as test/unit/catalogue.test.ts does for the reports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { View } from '@slack/types';
import { ConfigError, loadConfig, secretParameters } from '../../src/config';
import { buildRuntime } from '../../src/container';
import type { LocalDate } from '../../src/domain/dates';
import type { HomeRow, HomeSummary } from '../../src/domain/home';
import { LEDGER_FIELDS } from '../../src/domain/ledger';
import type { Language } from '../../src/domain/status';
import type { NoticeCase } from '../../src/ports/cases';
import { homeView } from '../../src/slack/home-view';
import { homeText } from '../../src/text/home';
import { messages } from '../../src/text/messages';
import { bootText } from '../../src/text/messages-boot';
import type { LambdaNeed } from '../../src/text/messages-config';
import { runCli } from '../support/cli-in-process';

const date = (text: string) => text as LocalDate;

// ---------------------------------------------------------------------------------------------
// Real outputs.

function homeTab(language: Language): string[] {
  const summary: HomeSummary = {
    sweepId: '3845c5ae-fb82-46c6-8402-8b2d851ce434',
    finishedAt: '2026-11-30T06:00:10Z',
    today: date('2026-11-30'),
    verdict: 'failed',
    actions: {
      'notify-week-ahead:done': 3,
      'notify-final:done': 1,
      'teardown-user:failed': 1,
      'deactivate-key:planned': 2,
      'record-deleted:done': 1,
    },
    failed: 1,
    attention: 2,
    malformed: 1,
    noticeDays: 7,
  };
  const row: HomeRow = {
    rowNumber: 2,
    name: '山田 太郎',
    iamUser: 'etl-batch',
    accessKeyId: 'AKIAEXAMPLEETLXX1002',
    accountId: null,
    endDate: date('2026-12-04'),
    status: 'active',
    ownerSlackId: 'U01YAMADA',
  };
  const pending: NoticeCase = {
    id: `${row.accessKeyId}#2026-12-04`,
    accessKeyId: row.accessKeyId,
    iamUser: row.iamUser,
    name: row.name,
    purpose: '売上データの夜間集計',
    resource: 's3://analytics-raw',
    startDate: null,
    endDate: row.endDate,
    ownerSlackId: 'U01YAMADA',
    status: 'extension-requested',
    adminMessages: [],
    request: {
      newEndDate: date('2027-01-31'),
      reason: '来期の集計まで必要です',
      requestedBy: 'U01YAMADA',
      requestedAt: '2026-11-30T01:00:00Z',
    },
    version: 2,
  };
  const view: View = homeView(
    {
      viewer: 'U01YAMADA',
      today: date('2026-11-30'),
      summary: { summary, when: '2026/11/30 15:00 (+09:00)' },
      own: [row],
      cases: new Map([[pending.id, pending]]),
      admin: { upcoming: [row], pending: [pending] },
    },
    { home: homeText(language), messages: messages(language), language },
  );
  const texts = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.flatMap(texts)
      : value !== null && typeof value === 'object'
        ? Object.entries(value).flatMap(([key, item]) =>
            key === 'text' && typeof item === 'string' ? [item] : texts(item),
          )
        : [];
  return texts(view.blocks);
}

const COMMANDS = ['sweep', 'audit', 'digest', 'serve', 'unlock', 'doctor', 'demo-reset'] as const;

async function helpTexts(language: Language): Promise<string[]> {
  const home = mkdtempSync(join(tmpdir(), 'keywarden-help-'));
  try {
    const runs = [await runCli(home, { LANGUAGE: language }, '--help')];
    for (const command of COMMANDS) runs.push(await runCli(home, { LANGUAGE: language }, command, '--help'));
    runs.push(await runCli(home, { LANGUAGE: language }, 'audit', '--max-password-age', 'soon'));
    runs.push(await runCli(home, { LANGUAGE: language }, 'sweep', '--date', 'tomorrow'));
    runs.push(await runCli(home, { LANGUAGE: language }, 'sweep', '--apply', '--date', '2999-01-01'));
    runs.push(await runCli(home, { LANGUAGE: language }, 'sweep', '--apply', '--date', '2999-01-01'));
    return runs.map((run) => run.stdout + run.stderr);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The error each environment's settings make, as the CLI shows it. */
function settingsErrors(language: Language): string[] {
  const errorOf = (load: () => unknown) => {
    try {
      load();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a settings error');
  };
  const LANGUAGE = language;
  return [
    // Each setting's own check.
    errorOf(() =>
      loadConfig({
        LANGUAGE,
        TIME_ZONE: 'Asia/Tokio',
        NOTICE_DAYS: '99',
        FINAL_NOTICE_DAYS: 'soon',
        REMOVAL: 'shred',
        DYNAMODB_TABLE: 'k',
        SLACK_API_URL: 'slack',
        HYGIENE_MUTES: JSON.stringify([
          { user: 'tanaka', kind: 'no-mfa', until: '来月', reason: ' ' },
          { user: 'sato', kind: 'no-mfa', until: '2027-01-31', reason: '検証用', note: 'x' },
        ]),
        LEDGER_COLUMNS: 'endDate=有効期限,endDate=終了日,owner=氏名,iamUser,name=有効期限',
        SLACK_BOT_TOKEN: 'xoxp-1',
        SLACK_APP_TOKEN: 'xoxb-1',
        SLACK_ADMIN_CHANNEL: '#keywarden',
        AWS_ACCOUNT_ID: '1234',
        ACCOUNTS: 'all',
        ASSUME_ROLE_NAME: 'role with spaces',
        DIGEST_SCHEDULE: 'mondays',
        SWEEP_SCHEDULE: 'daily',
      }),
    ),
    errorOf(() => loadConfig({ LANGUAGE, HYGIENE_MUTES: '{not json' })),
    // The checks across settings.
    errorOf(() =>
      loadConfig({
        LANGUAGE,
        LEDGER_SOURCE: 'sheets',
        SLACK_BOT_TOKEN: 'xoxb-1',
        ACCOUNTS: 'organizations',
        STATE_SOURCE: 'aws',
        SWEEP_LOCK_RENEW_SECONDS: '100',
      }),
    ),
    errorOf(() => loadConfig({ LANGUAGE, LEDGER_SOURCE: 'sheets', GOOGLE_SERVICE_ACCOUNT_JSON: '{' })),
    errorOf(() => loadConfig({ LANGUAGE, KEYWARDEN_CONFIG: '/nonexistent/keywarden.json' })),
    errorOf(() =>
      secretParameters({
        LANGUAGE,
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_BOT_TOKEN_PARAMETER: '/keywarden/prod/slack-bot-token',
        SLACK_APP_TOKEN_PARAMETER: 'has spaces',
        SSM_ENDPOINT: 'ssm',
      }),
    ),
    errorOf(() => secretParameters({ LANGUAGE, SLACK_SIGNING_SECRET_PARAMETER: '/keywarden/prod/signing' })),
    messages(language).config.ssmNotFound(['/keywarden/prod/google-credentials']),
    messages(language).config.ssmEmpty('/keywarden/prod/slack-bot-token'),
    messages(language).config.ssmUnreadable(
      'AccessDeniedException: not authorized to perform ssm:GetParameters',
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// What may stay Latin in Japanese output: names and data, not sentences.

const ALLOWED_PATTERNS: readonly RegExp[] = [
  // Errors as the system and AWS word them: data, shown so that an admin can search for them.
  /(?:Error: )?ENOENT: no such file or directory, open '[^']+'/g,
  /\b[A-Z]\w+Exception: .*$/gm,
  /<@U[0-9A-Z]+>/g, // mentions
  /\bAKIA[0-9A-Z]{16}\b|\bAKIA…\d{4}\b/g, // access key ids, masked too
  /\b[a-z0-9]+:\/\/[^\s、）)]+/g, // URLs, s3:// included
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, // sweep ids
  /`[^`\n]+`/g, // a command to copy
  /"(?:[\w.@/-]+|[\d*/ ,-]+)"/g, // a value as typed or allowed, quoted (a cron expression too)
  /\/\^[^/\n]*\//g, // a pattern a value must match
  /[\w.~-]*(?:\/[\w.~-]*)+/g, // file system paths and SSM parameter names
  /[\w.-]+\.(csv|json)\b/g, // file names
  /\b[A-Z][A-Z0-9_]{2,}(?:\.\d+(?:\.\w+)?)?(?:=[\w.-]+)?/g, // settings (HYGIENE_MUTES.0.until), and a value given
  /\b[a-z]+(?:_[a-z]+)+\b/g, // credential report columns
  /--format (?:table|json|csv)\b/g, // an option with its value
  /(?<![\w-])-{1,2}[A-Za-z][\w-]*(?: <[^>]+>)?/g, // flags with their placeholders
  // Commander's own frame around our reason: it has no hook for these words.
  /^error: option '[^']+' argument '[^']+' is invalid\./gm,
  /^ {2}(?:sweep|audit|digest|serve|unlock|doctor|demo-reset|help)\b/gm, // command names in the list
  /\bkeywarden(?: (?:sweep|audit|digest|serve|unlock|doctor|demo-reset))?\b/g, // the command itself
  /\*_PARAMETER\b/g, // every *_PARAMETER setting
  /\bxox[bp]-|\bxapp-/g, // Slack token prefixes
  /\b(?:examples\/|Asia\/Tokyo)/g,
  /\bC0123ABCD\b/g, // the channel id example
  /\bowner\b/g, // a ledger field LEDGER_COLUMNS names wrongly
  /:x:|:warning:/g, // emoji codes
];

/** Names Japanese documentation itself writes in Latin letters. Keep this short. */
const ALLOWED_WORDS = new Set([
  'IAM',
  'AWS',
  'MFA',
  'CSV',
  'JSON',
  'URL',
  'ID',
  'DM',
  'Slack',
  'Keywarden',
  'Socket',
  'Mode',
  'HTTP',
  'DynamoDB',
  'STS',
  'SSM',
  'SecureString',
  'IANA',
  'cron',
  'Node',
]);

/** The IAM user names and people of the fixtures. */
const DATA = ['etl-batch', 'ml-train', 'tanaka', 'sato', ...LEDGER_FIELDS];

function leaks(text: string): string[] {
  let rest = text;
  for (const pattern of ALLOWED_PATTERNS) rest = rest.replace(pattern, ' ');
  for (const name of DATA) rest = rest.replace(new RegExp(`(?<![\\w-])${name}(?![\\w-])`, 'g'), ' ');
  return (rest.match(/[A-Za-z]+(?:['-][A-Za-z]+)*/g) ?? []).filter((word) => !ALLOWED_WORDS.has(word));
}

/**
 * Settings that load but do not fit where they run, found while building the runtime (for
 * real: embedded parts where none are built, as on Lambda or in doctor) or by a Lambda entry
 * point (each requirement the catalogue words).
 */
async function deploymentErrors(language: Language): Promise<string[]> {
  const LANGUAGE = language;
  const thrown = async (config: ReturnType<typeof loadConfig>) => {
    const error = await buildRuntime(config, { write: () => undefined }).then(
      () => new Error('expected a settings error'),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  };
  return [
    await thrown(loadConfig({ LANGUAGE, IAM_SOURCE: 'embedded' })),
    await thrown(
      loadConfig({ LANGUAGE, IAM_SOURCE: 'aws', AWS_REGION: 'ap-northeast-1', STATE_SOURCE: 'embedded' }),
    ),
    ...LAMBDA_NEEDS.map(messages(language).config.lambdaNeeds),
  ];
}

const LAMBDA_NEEDS: readonly LambdaNeed[] = [
  'sweep-run-bucket',
  'worker-function-name',
  'slack-for-failures',
  'slack-for-worker',
];

async function surfaces(language: Language): Promise<Record<string, string[]>> {
  return {
    'Home tab of an admin, with the last sweep counted': homeTab(language),
    'keywarden --help, each command, an argument and a run refused': await helpTexts(language),
    'settings errors, before the settings are read': settingsErrors(language),
    'settings a deployment lacks, after the settings are read': await deploymentErrors(language),
    'bin/keywarden.js on an old Node': [bootText(language).nodeTooOld('22.12', '20.20.2', '/usr/bin/node')],
  };
}

describe('Japanese output outside the reports has no English in it', () => {
  let ja: Record<string, string[]>;
  let en: Record<string, string[]>;
  beforeAll(async () => {
    ja = await surfaces('ja');
    en = await surfaces('en');
  });

  it.each([
    'Home tab of an admin, with the last sweep counted',
    'keywarden --help, each command, an argument and a run refused',
    'settings errors, before the settings are read',
    'settings a deployment lacks, after the settings are read',
    'bin/keywarden.js on an old Node',
  ])('%s', (surface) => {
    const texts = ja[surface] ?? [];
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text.trim()).not.toBe('');
    expect(texts.flatMap((text) => leaks(text).map((word) => `${word} in: ${text.slice(0, 300)}`))).toEqual(
      [],
    );
  });

  it('settings errors still name each setting and what is wrong with its value', () => {
    const [each, , across] = ja['settings errors, before the settings are read'] ?? [];
    expect(each).toMatch(/^設定が正しくありません:$/m);
    expect(each).toMatch(/^ {2}TIME_ZONE: IANA のタイムゾーンではありません（例: Asia\/Tokyo）$/m);
    expect(each).toMatch(/^ {2}NOTICE_DAYS: 60以下の数値にしてください$/m);
    expect(each).toMatch(/^ {2}FINAL_NOTICE_DAYS: 数値を指定してください$/m);
    expect(each).toMatch(/^ {2}REMOVAL: "delete"、"deactivate-then-delete" のいずれかを指定してください$/m);
    expect(each).toMatch(/^ {2}HYGIENE_MUTES\.0\.until: YYYY-MM-DD 形式の日付を指定してください$/m);
    expect(each).toMatch(/^ {2}HYGIENE_MUTES\.1: 不明な項目があります: "note"$/m);
    expect(each).toMatch(/^ {2}LEDGER_COLUMNS: endDate が2回指定されています$/m);
    expect(each).toMatch(/^ {2}SLACK_BOT_TOKEN: ボットトークンは xoxb- で始まります$/m);
    expect(across).toMatch(/^ {2}SHEETS_SPREADSHEET_ID: LEDGER_SOURCE=sheets のときは必須です$/m);
    expect(across).toMatch(/^ {2}AWS_REGION: STATE_SOURCE には AWS のリージョンが必要です/m);
  });

  it("embedded parts asked for where none are built are refused in the settings' language", () => {
    expect(ja['settings a deployment lacks, after the settings are read']?.slice(0, 2)).toEqual([
      'IAM_SOURCE=embedded はローカル実行専用です。ここでは IAM_SOURCE=aws を設定してください',
      'STATE_SOURCE=embedded はローカル実行専用です。ここでは STATE_SOURCE=aws を設定してください',
    ]);
    expect(en['settings a deployment lacks, after the settings are read']?.[0]).toBe(
      'IAM_SOURCE=embedded is for local runs; set IAM_SOURCE=aws here',
    );
  });

  it('the same surfaces in English do show English: the check sees what it is meant to', () => {
    const quiet = Object.entries(en).filter(([, texts]) => texts.flatMap(leaks).length === 0);
    expect(quiet.map(([surface]) => surface)).toEqual([]);
    expect(en['settings errors, before the settings are read']?.[0]).toMatch(
      /^ {2}TIME_ZONE: not an IANA time zone \(e\.g\. Asia\/Tokyo\)$/m,
    );
  });
});
