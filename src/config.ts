import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseIsoDate } from './domain/dates';
import { FINDING_KINDS, type FindingKind, type HygienePolicy } from './domain/hygiene';
import { type ColumnSettings, isLedgerField, LEDGER_FIELDS, type LedgerField } from './domain/ledger';
import type { Mute } from './domain/mutes';
import { DEFAULT_PENDING_REPORT_DAYS } from './domain/pending';
import type { StagedRemovalPolicy } from './domain/staged-removal';
import type { Language } from './domain/status';
import { SLACK_CHANNEL_INTERVAL_MS } from './slack/pacer';
import { DEFAULT_ACCOUNT_CONCURRENCY } from './sweep/deps';
import { messages } from './text/messages';
import { type ConfigProblem, issueLine, problemParams } from './text/messages-config';
import { ConfigError, errorMessage } from './util/errors';

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
  const fail = (problem: ConfigProblem) => ctx.addIssue({ code: 'custom', ...problemParams(problem) });
  for (const entry of text.split(',').map((item) => item.trim())) {
    if (entry === '') continue;
    const [first = '', ...rest] = entry.split('=');
    const field = first.trim();
    const header = rest.join('=').trim();
    const sameHeader = fieldOfHeader.get(header.normalize('NFKC').toLowerCase());
    if (rest.length === 0 || header === '') fail({ kind: 'not-field-header', entry });
    else if (!isLedgerField(field)) fail({ kind: 'not-ledger-field', field, fields: LEDGER_FIELDS });
    else if (settings[field] !== undefined) fail({ kind: 'field-mapped-twice', field });
    else if (sameHeader) fail({ kind: 'header-mapped-twice', header, first: sameHeader, second: field });
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
      ctx.addIssue({ code: 'custom', ...problemParams({ kind: 'mutes-not-json' }) });
      return z.NEVER;
    }
  },
  z.array(
    z.strictObject({
      user: z.string().trim().min(1).max(64),
      kind: z.union([findingKind, z.array(findingKind).min(1)]),
      until: z.string().transform((text, ctx) => {
        const date = parseIsoDate(text);
        if (!date) ctx.addIssue({ code: 'custom', ...problemParams({ kind: 'mute-until' }) });
        return date ?? z.NEVER;
      }),
      reason: z
        .string()
        .trim()
        .refine((text) => text !== '', problemParams({ kind: 'mute-reason' }))
        .max(500),
      /** Only in this account; absent, in every account the sweep covers. */
      account: z
        .string()
        .refine((text) => /^\d{12}$/.test(text), problemParams({ kind: 'mute-account' }))
        .optional(),
    }),
  ),
);

/** A Step Functions state machine's ARN, in any partition; group 1 is its region. */
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

const LANGUAGES = ['ja', 'en'] as const satisfies readonly Language[];
const DEFAULT_LANGUAGE: Language = 'ja';

/**
 * LANGUAGE is also GNU gettext's variable, a priority list such as `ja:en` or `ja_JP.UTF-8:en`
 * (Japanese Ubuntu desktops set it): the first entry naming one of ours is the language. A value
 * naming none is returned as written, for the settings to refuse.
 */
function gettextLanguage(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const named = value
    .split(':')
    .map(
      (entry) =>
        entry
          .trim()
          .toLowerCase()
          .split(/[_.@-]/)[0],
    )
    .find((entry): entry is Language => LANGUAGES.some((language) => language === entry));
  return named ?? value;
}

/**
 * Every setting, read from the environment (or a JSON file named by KEYWARDEN_CONFIG, which
 * the environment overrides). Names are the environment variables people set.
 */
const schema = z
  .object({
    KEYWARDEN_HOME: z.string().min(1).default('.keywarden'),
    TIME_ZONE: z
      .string()
      .refine(validTimeZone, problemParams({ kind: 'time-zone' }))
      .default('Asia/Tokyo'),
    LANGUAGE: z.preprocess(gettextLanguage, z.enum(LANGUAGES).default(DEFAULT_LANGUAGE)),
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
      .regex(/^(\S+\s+){4,5}\S+$/)
      .default('0 9 * * 1'),
    ARCHIVE_BUCKET: z.string().min(3).optional(),
    S3_ENDPOINT: z.url().optional(),
    SWEEP_RUN_BUCKET: z.string().min(3).optional(),
    // Its region is the ARN's own: group 1.
    SWEEP_STATE_MACHINE_ARN: z.string().regex(STATE_MACHINE_ARN).optional(),
    STEPFUNCTIONS_ENDPOINT: z.url().optional(),
    SWEEP_SCHEDULE: z
      .string()
      .regex(/^(\S+\s+){4,5}\S+$/)
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
      .regex(/^\d{12}$/)
      .optional(),

    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-/)
      .optional(),
    SLACK_SIGNING_SECRET: z.string().min(8).optional(),
    SLACK_APP_TOKEN: z
      .string()
      .regex(/^xapp-/)
      .optional(),
    SLACK_ADMIN_CHANNEL: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/)
      .optional(),
    SLACK_ADMIN_USERS: list.default([]),
    SLACK_API_URL: z.url().optional(),
    // Below Slack's one post per second per channel only against a fake (tests) or a workspace with burst room.
    SLACK_POST_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(SLACK_CHANNEL_INTERVAL_MS),
    MAX_EXTENSION_DAYS: z.coerce.number().int().min(1).max(365).default(90),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),

    ACCOUNTS: z
      .string()
      .regex(/^(organizations|\d{12}(\s*,\s*\d{12})*)$/)
      .optional(),
    ASSUME_ROLE_NAME: z
      .string()
      .regex(/^[\w+=,.@/-]{1,64}$/)
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
          ...problemParams({ kind: 'required-for-sheets' }),
        });
      if (!env.GOOGLE_SERVICE_ACCOUNT_JSON && !env.GOOGLE_APPLICATION_CREDENTIALS)
        ctx.addIssue({
          code: 'custom',
          path: ['GOOGLE_SERVICE_ACCOUNT_JSON'],
          ...problemParams({ kind: 'sheets-credentials' }),
        });
    }
    if (
      env.SWEEP_LOCK_RENEW_SECONDS !== undefined &&
      env.SWEEP_LOCK_RENEW_SECONDS > env.SWEEP_LOCK_LEASE_SECONDS / 2
    )
      ctx.addIssue({
        code: 'custom',
        path: ['SWEEP_LOCK_RENEW_SECONDS'],
        ...problemParams({ kind: 'renew-too-long' }),
      });
    if (env.ACCOUNTS && env.IAM_SOURCE !== 'aws')
      ctx.addIssue({
        code: 'custom',
        path: ['ACCOUNTS'],
        ...problemParams({ kind: 'accounts-need-aws' }),
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
          ...problemParams({ kind: 'needs-region', setting }),
        });
    if (env.SLACK_BOT_TOKEN && !env.SLACK_ADMIN_CHANNEL)
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_ADMIN_CHANNEL'],
        ...problemParams({ kind: 'required-with-slack' }),
      });
    if (env.SLACK_BOT_TOKEN && env.SLACK_ADMIN_USERS.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_ADMIN_USERS'],
        ...problemParams({ kind: 'admins-required' }),
      });
    if (env.GOOGLE_SERVICE_ACCOUNT_JSON) {
      try {
        JSON.parse(env.GOOGLE_SERVICE_ACCOUNT_JSON);
      } catch {
        ctx.addIssue({
          code: 'custom',
          path: ['GOOGLE_SERVICE_ACCOUNT_JSON'],
          ...problemParams({ kind: 'not-json' }),
        });
      }
    }
  });

export type Settings = z.infer<typeof schema>;

export interface Config {
  readonly home: string;
  readonly timeZone: string;
  readonly language: Language;
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
  /**
   * The sweep state machine (Lambda): `/iam-audit sweep` starts a dry-run execution of it
   * rather than sweeping in one invocation; null everywhere else.
   */
  readonly sweepStateMachine: {
    readonly arn: string;
    readonly region: string;
    readonly endpoint?: string;
  } | null;
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

/** A LANGUAGE setting as the settings would take it; English for a value that is no language. */
const asLanguage = (value: unknown): Language =>
  value === undefined || value === ''
    ? DEFAULT_LANGUAGE
    : (LANGUAGES.find((language) => language === gettextLanguage(value)) ?? 'en');

/**
 * The language of what is said before the settings are read or when they are wrong (`--help`, a
 * settings error): LANGUAGE from the environment, else from the KEYWARDEN_CONFIG file, else the
 * default, as `loadConfig` would choose. English when that cannot be told: the file unreadable,
 * or a value that is no language.
 */
export function settingsLanguage(env: NodeJS.ProcessEnv = process.env): Language {
  if (env.LANGUAGE || !env.KEYWARDEN_CONFIG) return asLanguage(env.LANGUAGE);
  try {
    const file: unknown = JSON.parse(readFileSync(env.KEYWARDEN_CONFIG, 'utf8'));
    return file !== null && typeof file === 'object'
      ? asLanguage((file as Record<string, unknown>).LANGUAGE)
      : 'en';
  } catch {
    return 'en';
  }
}

function readConfigFile(path: string, language: Language): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(messages(language).config.unreadableFile(path, errorMessage(error)));
  }
}

/** Parses and checks every setting at start, so a bad one fails now with its name, not mid-sweep. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Unreadable, the file cannot say which language: only the environment can.
  const fromFile = env.KEYWARDEN_CONFIG ? readConfigFile(env.KEYWARDEN_CONFIG, settingsLanguage(env)) : {};
  const merged = Object.fromEntries(
    Object.entries({ ...fromFile, ...env }).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    // In the language the settings ask for, even when other settings are wrong.
    const { config } = messages(asLanguage(merged.LANGUAGE));
    throw new ConfigError(config.invalid(parsed.error.issues.map((issue) => issueLine(issue, config))));
  }
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
    hygieneMutes: s.HYGIENE_MUTES.map(({ user, kind, until, reason, account }): Mute => {
      const kinds = Array.isArray(kind) ? kind : [kind];
      return {
        user,
        kinds: kinds.includes('*') ? '*' : kinds.filter((k): k is FindingKind => k !== '*'),
        until,
        reason,
        source: 'settings',
        ...(account ? { account } : {}),
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
    sweepStateMachine: s.SWEEP_STATE_MACHINE_ARN
      ? {
          arn: s.SWEEP_STATE_MACHINE_ARN,
          region: STATE_MACHINE_ARN.exec(s.SWEEP_STATE_MACHINE_ARN)?.[1] ?? '',
          ...(s.STEPFUNCTIONS_ENDPOINT ? { endpoint: s.STEPFUNCTIONS_ENDPOINT } : {}),
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
  /** Of what is said when a secret cannot be had. */
  readonly language: Language;
}

// SSM's own rule for a parameter name: letters, digits, `_.-/`, a path when it starts with `/`.
const PARAMETER_NAME = /^\/?[A-Za-z0-9_.\-/]{1,1011}$/;

/**
 * Which secrets the environment names as SSM parameters rather than holding, so a deployment
 * carries parameter names in its template and environment and never the values; null when none.
 */
export function secretParameters(env: NodeJS.ProcessEnv): SecretParameters | null {
  const language = settingsLanguage(env);
  const { config: text } = messages(language);
  const names = new Map<SecretSetting, string>();
  const problems: string[] = [];
  for (const setting of SECRET_SETTINGS) {
    const name = env[`${setting}_PARAMETER`];
    if (!name) continue;
    if (!PARAMETER_NAME.test(name)) problems.push(`${setting}_PARAMETER: ${text.pattern.PARAMETER}`);
    else if (env[setting])
      problems.push(`${setting}_PARAMETER: ${text.problem({ kind: 'parameter-and-value', setting })}`);
    else names.set(setting, name);
  }
  const endpoint = z
    .url()
    .optional()
    .safeParse(env.SSM_ENDPOINT || undefined);
  if (!endpoint.success) problems.push(`SSM_ENDPOINT: ${text.problem({ kind: 'not-a-url' })}`);
  if (problems.length > 0) throw new ConfigError(text.invalid(problems));
  if (names.size === 0) return null;
  if (!env.AWS_REGION && !env.AWS_DEFAULT_REGION)
    throw new ConfigError(
      text.invalid([`AWS_REGION: ${text.problem({ kind: 'needs-region', setting: '*_PARAMETER' })}`]),
    );
  return {
    names,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || '',
    language,
    ...(endpoint.data ? { endpoint: endpoint.data } : {}),
  };
}
