import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseIsoDate } from './domain/dates';
import { FINDING_KINDS, type FindingKind, type HygienePolicy } from './domain/hygiene';
import { type ColumnSettings, isLedgerField, LEDGER_FIELDS, type LedgerField } from './domain/ledger';
import type { Mute } from './domain/mutes';
import { DEFAULT_PENDING_REPORT_DAYS } from './domain/pending';
import type { StagedRemovalPolicy } from './domain/staged-removal';
import { SLACK_CHANNEL_INTERVAL_MS } from './slack/pacer';
import { DEFAULT_ACCOUNT_CONCURRENCY } from './sweep/deps';
import { ConfigError } from './util/errors';

const list = z.string().transform((text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);

const validTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The CSV ledger's encoding; Excel's "CSV" on Japanese Windows is CP932, which people call Shift_JIS. */
export type CsvEncodingSetting = 'auto' | 'utf-8' | 'cp932' | 'utf-16le';
const CSV_ENCODING_NAMES = {
  auto: 'auto',
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  cp932: 'cp932',
  shift_jis: 'cp932',
  sjis: 'cp932',
  'utf-16le': 'utf-16le',
} as const satisfies Record<string, CsvEncodingSetting>;

/**
 * IAM is a global service: its endpoint (iam.amazonaws.com) signs for us-east-1 whatever
 * region the rest of the deployment is in.
 */
export const IAM_REGION = 'us-east-1';

/**
 * `LEDGER_COLUMNS=endDate=有効期限,iamUser=IAMユーザー名`: a ledger field, `=`, the header
 * that holds it (compared like aliases: case, spaces and bracketed hints don't matter).
 * A field named twice, or one header given two fields, is a mistake, not a choice to guess at.
 */
const ledgerColumns = z.string().transform((text, ctx): ColumnSettings => {
  const settings: Partial<Record<LedgerField, string>> = {};
  const fieldOfHeader = new Map<string, LedgerField>();
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  for (const entry of text.split(',').map((item) => item.trim())) {
    if (entry === '') continue;
    const [first = '', ...rest] = entry.split('=');
    const field = first.trim();
    const header = rest.join('=').trim();
    const sameHeader = fieldOfHeader.get(header.normalize('NFKC').toLowerCase());
    if (rest.length === 0 || header === '') fail(`"${entry}" is not field=header`);
    else if (!isLedgerField(field))
      fail(`"${field}" is not a ledger field (one of ${LEDGER_FIELDS.join(', ')})`);
    else if (settings[field] !== undefined) fail(`${field} is mapped twice`);
    else if (sameHeader) fail(`header "${header}" is mapped to both ${sameHeader} and ${field}`);
    else {
      settings[field] = header;
      fieldOfHeader.set(header.normalize('NFKC').toLowerCase(), field);
    }
  }
  return settings;
});
const findingKind = z.enum([...FINDING_KINDS, '*']);

/**
 * HYGIENE_MUTES: a JSON array, because a reason is free text (commas, spaces, Japanese) that a
 * compact `a,b;c` format would have to escape. In the KEYWARDEN_CONFIG file it may be the array itself.
 */
const mutes = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'is not JSON (expected [{"user", "kind", "until", "reason"}, …])',
      });
      return z.NEVER;
    }
  },
  z.array(
    z.strictObject({
      user: z.string().trim().min(1).max(64),
      kind: z.union([findingKind, z.array(findingKind).min(1)]),
      until: z.string().transform((text, ctx) => {
        const date = parseIsoDate(text);
        if (!date) ctx.addIssue({ code: 'custom', message: 'a date as YYYY-MM-DD' });
        return date ?? z.NEVER;
      }),
      reason: z.string().trim().min(1, 'say why the finding is accepted').max(500),
    }),
  ),
);

/**
 * Every setting, read from the environment (or a JSON file named by KEYWARDEN_CONFIG, which
 * the environment overrides). Names are the environment variables people set.
 */
const schema = z
  .object({
    KEYWARDEN_HOME: z.string().min(1).default('.keywarden'),
    TIME_ZONE: z
      .string()
      .refine(validTimeZone, 'not an IANA time zone (e.g. Asia/Tokyo)')
      .default('Asia/Tokyo'),
    LANGUAGE: z.enum(['ja', 'en']).default('ja'),
    NOTICE_DAYS: z.coerce.number().int().min(1).max(60).default(7),
    FINAL_NOTICE_DAYS: z.coerce.number().int().min(0).max(30).default(3),
    PROTECTED_USERS: list.default([]),
    REMOVAL: z.enum(['delete', 'deactivate-then-delete']).default('delete'),
    DELETE_AFTER_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    LOG_FORMAT: z.enum(['json', 'text']).optional(),
    PASSWORD_NOTICE_DAYS: z.coerce.number().int().min(1).max(60).default(7),
    KEY_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    KEY_NOTICE_DAYS: z.coerce.number().int().min(0).max(365).default(10),
    UNUSED_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    ROOT_RECENT_USE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    HYGIENE_MUTES: mutes.default([]),
    HYGIENE_CHECKS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    DEACTIVATE_STALE_KEYS: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    DIGEST_SCHEDULE: z
      .string()
      .regex(/^(\S+\s+){4,5}\S+$/, 'a cron expression such as "0 9 * * 1"')
      .default('0 9 * * 1'),
    ARCHIVE_BUCKET: z.string().min(3).optional(),
    S3_ENDPOINT: z.url().optional(),
    SWEEP_RUN_BUCKET: z.string().min(3).optional(),
    SWEEP_SCHEDULE: z
      .string()
      .regex(/^(\S+\s+){4,5}\S+$/, 'a cron expression such as "0 15 * * *"')
      .default('0 15 * * *'),
    SWEEP_APPLY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    SWEEP_LOCK_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(120),
    SWEEP_LOCK_RENEW_SECONDS: z.coerce.number().min(0.1).max(1800).optional(),

    LEDGER_SOURCE: z.enum(['csv', 'sheets']).default('csv'),
    LEDGER_CSV: z.string().min(1).optional(),
    PEOPLE_CSV: z.string().min(1).optional(),
    LEDGER_CSV_ENCODING: z
      .string()
      .transform((value) => value.trim().toLowerCase())
      .pipe(z.enum(Object.keys(CSV_ENCODING_NAMES) as [keyof typeof CSV_ENCODING_NAMES]))
      .transform((value) => CSV_ENCODING_NAMES[value])
      .default('auto'),
    SHEETS_SPREADSHEET_ID: z.string().min(1).optional(),
    SHEETS_LEDGER_SHEET: z.string().min(1).default('台帳'),
    SHEETS_PEOPLE_SHEET: z.string().min(1).default('users'),
    LEDGER_COLUMNS: ledgerColumns.optional(),
    PENDING_REPORT_DAYS: z.coerce.number().int().min(0).max(365).default(DEFAULT_PENDING_REPORT_DAYS),
    GOOGLE_SERVICE_ACCOUNT_JSON: z.string().min(1).optional(),
    GOOGLE_APPLICATION_CREDENTIALS: z.string().min(1).optional(),
    SHEETS_ROOT_URL: z.url().optional(),

    IAM_SOURCE: z.enum(['embedded', 'aws']).default('embedded'),
    IAM_ENDPOINT: z.url().optional(),
    AWS_REGION: z.string().min(1).optional(),
    AWS_DEFAULT_REGION: z.string().min(1).optional(),
    AWS_ACCOUNT_ID: z
      .string()
      .regex(/^\d{12}$/, '12 digits')
      .optional(),

    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-/, 'a bot token starts with xoxb-')
      .optional(),
    SLACK_SIGNING_SECRET: z.string().min(8).optional(),
    SLACK_APP_TOKEN: z
      .string()
      .regex(/^xapp-/, 'an app-level token starts with xapp-')
      .optional(),
    SLACK_ADMIN_CHANNEL: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'a channel id like C0123ABCD (not a #name)')
      .optional(),
    SLACK_ADMIN_USERS: list.default([]),
    SLACK_API_URL: z.url().optional(),
    // Below Slack's one post per second per channel only against a fake (tests) or a workspace with burst room.
    SLACK_POST_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(SLACK_CHANNEL_INTERVAL_MS),
    MAX_EXTENSION_DAYS: z.coerce.number().int().min(1).max(365).default(90),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),

    ACCOUNTS: z
      .string()
      .regex(
        /^(organizations|\d{12}(\s*,\s*\d{12})*)$/,
        '"organizations" or comma-separated 12-digit account ids',
      )
      .optional(),
    ASSUME_ROLE_NAME: z
      .string()
      .regex(/^[\w+=,.@/-]{1,64}$/, 'an IAM role name')
      .default('KeywardenAccess'),
    ACCOUNT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(DEFAULT_ACCOUNT_CONCURRENCY),
    STS_ENDPOINT: z.url().optional(),
    ORGANIZATIONS_ENDPOINT: z.url().optional(),

    STATE_SOURCE: z.enum(['embedded', 'aws']).default('embedded'),
    DYNAMODB_TABLE: z.string().min(3).default('keywarden'),
    DYNAMODB_ENDPOINT: z.url().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.LEDGER_SOURCE === 'sheets') {
      if (!env.SHEETS_SPREADSHEET_ID)
        ctx.addIssue({
          code: 'custom',
          path: ['SHEETS_SPREADSHEET_ID'],
          message: 'required when LEDGER_SOURCE=sheets',
        });
      if (!env.GOOGLE_SERVICE_ACCOUNT_JSON && !env.GOOGLE_APPLICATION_CREDENTIALS)
        ctx.addIssue({
          code: 'custom',
          path: ['GOOGLE_SERVICE_ACCOUNT_JSON'],
          message: 'LEDGER_SOURCE=sheets needs GOOGLE_SERVICE_ACCOUNT_JSON or GOOGLE_APPLICATION_CREDENTIALS',
        });
    }
    if (
      env.SWEEP_LOCK_RENEW_SECONDS !== undefined &&
      env.SWEEP_LOCK_RENEW_SECONDS > env.SWEEP_LOCK_LEASE_SECONDS / 2
    )
      ctx.addIssue({
        code: 'custom',
        path: ['SWEEP_LOCK_RENEW_SECONDS'],
        message: 'at most half of SWEEP_LOCK_LEASE_SECONDS, so one late renewal does not lose the lock',
      });
    if (env.ACCOUNTS && env.IAM_SOURCE !== 'aws')
      ctx.addIssue({
        code: 'custom',
        path: ['ACCOUNTS'],
        message: 'needs IAM_SOURCE=aws (roles are assumed with STS)',
      });
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    for (const [setting, needs] of [
      ['STATE_SOURCE', env.STATE_SOURCE === 'aws'],
      ['ARCHIVE_BUCKET', env.ARCHIVE_BUCKET !== undefined],
      ['SWEEP_RUN_BUCKET', env.SWEEP_RUN_BUCKET !== undefined],
    ] as const)
      if (needs && !region)
        ctx.addIssue({
          code: 'custom',
          path: ['AWS_REGION'],
          message: `${setting} needs an AWS region: set AWS_REGION, AWS_DEFAULT_REGION or a region in the AWS profile`,
        });
    if (env.SLACK_BOT_TOKEN && !env.SLACK_ADMIN_CHANNEL)
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_ADMIN_CHANNEL'],
        message: 'required when SLACK_BOT_TOKEN is set',
      });
    if (env.SLACK_BOT_TOKEN && env.SLACK_ADMIN_USERS.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_ADMIN_USERS'],
        message: 'required when SLACK_BOT_TOKEN is set: the Slack user ids allowed to approve and audit',
      });
    if (env.GOOGLE_SERVICE_ACCOUNT_JSON) {
      try {
        JSON.parse(env.GOOGLE_SERVICE_ACCOUNT_JSON);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['GOOGLE_SERVICE_ACCOUNT_JSON'], message: 'is not JSON' });
      }
    }
  });

export type Settings = z.infer<typeof schema>;

export interface Config {
  readonly home: string;
  readonly timeZone: string;
  readonly language: 'ja' | 'en';
  readonly noticeDays: number;
  /** A removal needs a notice at least this many days old (0: plain next-day deletion). */
  readonly finalNoticeDays: number;
  readonly protectedUsers: ReadonlySet<string>;
  /** Absent: the day after the end date deletes. Present: that day deactivates, deletion follows. */
  readonly stagedRemoval?: StagedRemovalPolicy;
  readonly logLevel: Settings['LOG_LEVEL'];
  /** Unset: JSON logs, or text on a terminal (`logOutput` in src/log.ts). */
  readonly logFormat?: 'json' | 'text';
  /** Credential-report thresholds; the account password policy is read from IAM. */
  readonly hygiene: Omit<HygienePolicy, 'passwordPolicy'>;
  /** Accepted hygiene findings (HYGIENE_MUTES); IAM tags add more at run time. */
  readonly hygieneMutes: readonly Mute[];
  /** Credential-report checks in the daily sweep; off leaves the ledger sweep alone. */
  readonly hygieneChecks: boolean;
  readonly deactivateStaleKeys: boolean;
  /** Weekly digest schedule (cron in `timeZone`). */
  readonly digestSchedule: string;
  /** Where weekly digests archive the credential report for auditors, if anywhere. */
  readonly archive: { readonly bucket: string; readonly region: string; readonly endpoint?: string } | null;
  /** Where the Step Functions sweep's steps keep what they hand each other; null off Lambda. */
  readonly sweepRuns: { readonly bucket: string; readonly region: string; readonly endpoint?: string } | null;
  /** The AWS region of the standard chain (AWS_REGION, AWS_DEFAULT_REGION, the profile's); null when none names one. */
  readonly region: string | null;
  /** node-cron expression, in `timeZone`, for `keywarden serve`. */
  readonly sweepSchedule: string;
  /** Whether scheduled sweeps act; off until someone decides they should. */
  readonly sweepApply: boolean;
  /** The sweep lock's lease and how often a running sweep renews it. */
  readonly sweepLease: { readonly leaseSeconds: number; readonly renewSeconds: number };
  readonly ledger:
    | {
        readonly kind: 'csv';
        readonly ledgerPath: string;
        readonly peoplePath: string;
        /** `auto`: a BOM, else UTF-8 when the bytes are valid UTF-8, else CP932. */
        readonly encoding: CsvEncodingSetting;
        readonly embedded: boolean;
      }
    | {
        readonly kind: 'sheets';
        readonly spreadsheetId: string;
        readonly ledgerSheet: string;
        readonly peopleSheet: string;
        readonly credentials: { readonly json: string } | { readonly keyFile: string };
        readonly rootUrl?: string;
      };
  readonly iam:
    | { readonly kind: 'embedded'; readonly accountFile: string }
    | {
        readonly kind: 'aws';
        readonly region: string;
        readonly endpoint?: string;
        readonly accountId?: string;
      };
  readonly slack: SlackConfig | null;
  /** Accounts besides the credentials' own, each reached by assuming `roleName` in it. */
  readonly accounts: {
    readonly source:
      | { readonly kind: 'list'; readonly ids: readonly string[] }
      | { readonly kind: 'organizations' };
    readonly roleName: string;
    readonly stsEndpoint?: string;
    readonly organizationsEndpoint?: string;
  } | null;
  /** `LEDGER_COLUMNS`: headers that mean a field in this ledger, over the aliases. */
  readonly ledgerColumns: ColumnSettings;
  /** A request not issued after this many days is reported to the admins (weekly). */
  readonly pendingReportDays: number;
  /** Accounts swept side by side. */
  readonly accountConcurrency: number;
  readonly maxExtensionDays: number;
  readonly port: number;
  readonly state:
    | { readonly kind: 'embedded'; readonly dataDir: string; readonly table: string }
    | { readonly kind: 'aws'; readonly region: string; readonly table: string; readonly endpoint?: string };
}

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret?: string;
  readonly appToken?: string;
  readonly adminChannel: string;
  readonly admins: ReadonlySet<string>;
  readonly apiUrl?: string;
  /** Least time between two posts to one channel (the sweep's pacing). */
  readonly postIntervalMs: number;
}

// What every entry point catches to print a setting's problem; defined below the adapters (SSM throws it too).
export { ConfigError };

function readConfigFile(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`KEYWARDEN_CONFIG: cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Parses and checks every setting at start, so a bad one fails now with its name, not mid-sweep. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = env.KEYWARDEN_CONFIG ? readConfigFile(env.KEYWARDEN_CONFIG) : {};
  const merged = Object.fromEntries(
    Object.entries({ ...fromFile, ...env }).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(merged);
  if (!parsed.success)
    throw new ConfigError(
      `invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
    );
  const s = parsed.data;
  const demo = `${s.KEYWARDEN_HOME}/demo`;
  // Required above wherever a regional service is used, so `?? ''` below is never taken there.
  const region = s.AWS_REGION ?? s.AWS_DEFAULT_REGION;
  return {
    home: s.KEYWARDEN_HOME,
    timeZone: s.TIME_ZONE,
    language: s.LANGUAGE,
    noticeDays: s.NOTICE_DAYS,
    finalNoticeDays: s.FINAL_NOTICE_DAYS,
    protectedUsers: new Set(s.PROTECTED_USERS),
    ...(s.REMOVAL === 'deactivate-then-delete'
      ? { stagedRemoval: { deleteAfterDays: s.DELETE_AFTER_DAYS } }
      : {}),
    logLevel: s.LOG_LEVEL,
    ...(s.LOG_FORMAT ? { logFormat: s.LOG_FORMAT } : {}),
    hygiene: {
      passwordNoticeDays: s.PASSWORD_NOTICE_DAYS,
      keyMaxAgeDays: s.KEY_MAX_AGE_DAYS,
      keyNoticeDays: s.KEY_NOTICE_DAYS,
      unusedDays: s.UNUSED_DAYS,
      rootRecentUseDays: s.ROOT_RECENT_USE_DAYS,
    },
    hygieneMutes: s.HYGIENE_MUTES.map(({ user, kind, until, reason }): Mute => {
      const kinds = Array.isArray(kind) ? kind : [kind];
      return {
        user,
        kinds: kinds.includes('*') ? '*' : kinds.filter((k): k is FindingKind => k !== '*'),
        until,
        reason,
        source: 'settings',
      };
    }),
    hygieneChecks: s.HYGIENE_CHECKS,
    deactivateStaleKeys: s.DEACTIVATE_STALE_KEYS,
    digestSchedule: s.DIGEST_SCHEDULE,
    archive: s.ARCHIVE_BUCKET
      ? {
          bucket: s.ARCHIVE_BUCKET,
          region: region ?? '',
          ...(s.S3_ENDPOINT ? { endpoint: s.S3_ENDPOINT } : {}),
        }
      : null,
    sweepRuns: s.SWEEP_RUN_BUCKET
      ? {
          bucket: s.SWEEP_RUN_BUCKET,
          region: region ?? '',
          ...(s.S3_ENDPOINT ? { endpoint: s.S3_ENDPOINT } : {}),
        }
      : null,
    region: region ?? null,
    sweepSchedule: s.SWEEP_SCHEDULE,
    sweepApply: s.SWEEP_APPLY,
    sweepLease: {
      leaseSeconds: s.SWEEP_LOCK_LEASE_SECONDS,
      renewSeconds: s.SWEEP_LOCK_RENEW_SECONDS ?? Math.min(30, s.SWEEP_LOCK_LEASE_SECONDS / 4),
    },
    ledger:
      s.LEDGER_SOURCE === 'sheets'
        ? {
            kind: 'sheets',
            spreadsheetId: s.SHEETS_SPREADSHEET_ID ?? '',
            ledgerSheet: s.SHEETS_LEDGER_SHEET,
            peopleSheet: s.SHEETS_PEOPLE_SHEET,
            credentials: s.GOOGLE_SERVICE_ACCOUNT_JSON
              ? { json: s.GOOGLE_SERVICE_ACCOUNT_JSON }
              : { keyFile: s.GOOGLE_APPLICATION_CREDENTIALS ?? '' },
            ...(s.SHEETS_ROOT_URL ? { rootUrl: s.SHEETS_ROOT_URL } : {}),
          }
        : {
            kind: 'csv',
            ledgerPath: s.LEDGER_CSV ?? `${demo}/ledger.csv`,
            peoplePath: s.PEOPLE_CSV ?? `${demo}/people.csv`,
            encoding: s.LEDGER_CSV_ENCODING,
            embedded: s.LEDGER_CSV === undefined,
          },
    iam:
      s.IAM_SOURCE === 'aws'
        ? {
            kind: 'aws',
            region: IAM_REGION,
            ...(s.IAM_ENDPOINT ? { endpoint: s.IAM_ENDPOINT } : {}),
            ...(s.AWS_ACCOUNT_ID ? { accountId: s.AWS_ACCOUNT_ID } : {}),
          }
        : { kind: 'embedded', accountFile: `${demo}/iam-account.json` },
    slack: s.SLACK_BOT_TOKEN
      ? {
          botToken: s.SLACK_BOT_TOKEN,
          adminChannel: s.SLACK_ADMIN_CHANNEL ?? '',
          admins: new Set(s.SLACK_ADMIN_USERS),
          postIntervalMs: s.SLACK_POST_INTERVAL_MS,
          ...(s.SLACK_SIGNING_SECRET ? { signingSecret: s.SLACK_SIGNING_SECRET } : {}),
          ...(s.SLACK_APP_TOKEN ? { appToken: s.SLACK_APP_TOKEN } : {}),
          ...(s.SLACK_API_URL ? { apiUrl: s.SLACK_API_URL } : {}),
        }
      : null,
    accounts: s.ACCOUNTS
      ? {
          source:
            s.ACCOUNTS === 'organizations'
              ? { kind: 'organizations' }
              : { kind: 'list', ids: s.ACCOUNTS.split(',').map((id) => id.trim()) },
          roleName: s.ASSUME_ROLE_NAME,
          ...(s.STS_ENDPOINT ? { stsEndpoint: s.STS_ENDPOINT } : {}),
          ...(s.ORGANIZATIONS_ENDPOINT ? { organizationsEndpoint: s.ORGANIZATIONS_ENDPOINT } : {}),
        }
      : null,
    ledgerColumns: s.LEDGER_COLUMNS ?? {},
    pendingReportDays: s.PENDING_REPORT_DAYS,
    accountConcurrency: s.ACCOUNT_CONCURRENCY,
    maxExtensionDays: s.MAX_EXTENSION_DAYS,
    port: s.PORT,
    state:
      s.STATE_SOURCE === 'aws'
        ? {
            kind: 'aws',
            region: region ?? '',
            table: s.DYNAMODB_TABLE,
            ...(s.DYNAMODB_ENDPOINT ? { endpoint: s.DYNAMODB_ENDPOINT } : {}),
          }
        : { kind: 'embedded', dataDir: `${s.KEYWARDEN_HOME}/dynamodb`, table: s.DYNAMODB_TABLE },
  };
}

/** Settings that hold secrets. Each may instead name an SSM parameter in `<SETTING>_PARAMETER`. */
export const SECRET_SETTINGS = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'GOOGLE_SERVICE_ACCOUNT_JSON',
] as const;
export type SecretSetting = (typeof SECRET_SETTINGS)[number];

/** Where the secrets named by `<SETTING>_PARAMETER` live: SSM Parameter Store in one region. */
export interface SecretParameters {
  readonly names: ReadonlyMap<SecretSetting, string>;
  readonly region: string;
  /** Only for tests: a local SSM. */
  readonly endpoint?: string;
}

// SSM's own rule for a parameter name: letters, digits, `_.-/`, a path when it starts with `/`.
const parameterName = z
  .string()
  .regex(/^\/?[A-Za-z0-9_.\-/]{1,1011}$/, 'an SSM parameter name such as /keywarden/prod/slack-bot-token');

/**
 * Which secrets the environment names as SSM parameters rather than holding, so a deployment
 * carries parameter names in its template and environment and never the values; null when none.
 */
export function secretParameters(env: NodeJS.ProcessEnv): SecretParameters | null {
  const names = new Map<SecretSetting, string>();
  const problems: string[] = [];
  for (const setting of SECRET_SETTINGS) {
    const name = env[`${setting}_PARAMETER`];
    if (!name) continue;
    const parsed = parameterName.safeParse(name);
    if (!parsed.success) problems.push(`${setting}_PARAMETER: ${parsed.error.issues[0]?.message}`);
    else if (env[setting])
      problems.push(`${setting}_PARAMETER: set either ${setting} or ${setting}_PARAMETER`);
    else names.set(setting, parsed.data);
  }
  const endpoint = z
    .url()
    .optional()
    .safeParse(env.SSM_ENDPOINT || undefined);
  if (!endpoint.success) problems.push('SSM_ENDPOINT: not a URL');
  if (problems.length > 0)
    throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  if (names.size === 0) return null;
  if (!env.AWS_REGION && !env.AWS_DEFAULT_REGION)
    throw new ConfigError(
      'invalid configuration:\n  AWS_REGION: the *_PARAMETER settings need an AWS region: set AWS_REGION, AWS_DEFAULT_REGION or a region in the AWS profile',
    );
  return {
    names,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || '',
    ...(endpoint.data ? { endpoint: endpoint.data } : {}),
  };
}
