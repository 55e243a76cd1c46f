import { hostname } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IAMClient } from '@aws-sdk/client-iam';
import { retryPolicies, WebClient } from '@slack/web-api';
import type { AccountTargetOptions } from './adapters/accounts/targets';
import { AwsIamGateway } from './adapters/iam/aws-iam';
import { iamClient } from './adapters/iam/client';
import { AwsCredentialReportSource } from './adapters/iam/credential-report';
import { CsvWorkbook } from './adapters/ledger/csv-workbook';
import { ConsoleNotifier } from './adapters/notify/console-notifier';
import { type DynamoState, dynamoState } from './adapters/store/dynamo-state';
import { type Config, ConfigError, type SlackConfig } from './config';
import { createLogger, type Logger } from './log';
import type { AccountTargets } from './ports/accounts';
import type { ReportArchive } from './ports/archive';
import type { CaseStore } from './ports/cases';
import type { CredentialReportSource } from './ports/credential-report';
import type { HomeSnapshotStore } from './ports/home';
import type { IamGateway } from './ports/iam';
import type { Notifier } from './ports/notifier';
import type { SlackDirectory } from './ports/slack-directory';
import type { AuditLog, Journal, SweepLock } from './ports/state';
import type { SweepRunStore } from './ports/sweep-runs';
import type { Workbook } from './ports/workbook';
import { httpFetch } from './slack/http-fetch';
import { SlackNotifier } from './slack/notifier';
import { channelPacer, type Pacer } from './slack/pacer';
import { sharedChannelPacer } from './slack/shared-pacer';
import { slackLogger } from './slack/slack-logger';
import type { SweepDeps } from './sweep/deps';
import type { DigestDeps } from './sweep/digest';
import { messages } from './text/messages';
import type { EmbeddedPart } from './text/messages-cli';
import { errorMessage } from './util/errors';

export interface Runtime {
  readonly config: Config;
  readonly workbook: Workbook;
  readonly iam: IamGateway;
  readonly credentialReports: CredentialReportSource;
  /** Where weekly digests keep the credential report; null when not configured. */
  readonly archive: ReportArchive | null;
  /** Where the Step Functions sweep's steps keep what they hand each other (SWEEP_RUN_BUCKET). */
  readonly sweepRuns: SweepRunStore | null;
  readonly journal: Journal;
  readonly lock: SweepLock;
  readonly audit: AuditLog;
  readonly cases: CaseStore;
  /** The last apply sweep's ledger, for the Slack Home tab. */
  readonly homeSnapshots: HomeSnapshotStore;
  /** Accounts swept besides the credentials' own (ACCOUNTS); null when none are. */
  readonly accounts: AccountTargets | null;
  readonly notifier: Notifier;
  /** Present when Slack is configured: resolves owners known only by their `Email` tag. */
  readonly slackDirectory?: SlackDirectory;
  /** Present when Slack is configured. */
  readonly web: WebClient | null;
  /** What runs in-process instead of a real service, for the banner. */
  readonly embedded: readonly EmbeddedPart[];
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Where console notices go. */
  readonly write: (line: string) => void;
  /** Where the Slack WebClient's own log lines go; a JSON logger at the configured level otherwise. */
  readonly logger?: Logger;
  /**
   * `keywarden doctor`: every request fails after this long and is not retried, so a check
   * answers in seconds (the SDKs' default retries take minutes to give up on a dead network).
   */
  readonly requestTimeoutMs?: number;
}

/** How a client built for `requestTimeoutMs` talks: one attempt, bounded in time. */
function awsPatience(timeoutMs: number | undefined) {
  return timeoutMs === undefined
    ? {}
    : {
        maxAttempts: 1,
        requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
      };
}

export type Closer = () => Promise<void>;

/**
 * Local stand-ins for IAM and DynamoDB. Passed in rather than imported so that the Lambda
 * bundle, which never uses them, does not load the simulator or dynalite.
 */
export interface EmbeddedComponents {
  iam(
    accountFile: string,
    closers: Closer[],
    notes: EmbeddedPart[],
  ): Promise<{ gateway: IamGateway; client: IAMClient }>;
  state(dataDir: string, table: string, closers: Closer[], notes: EmbeddedPart[]): Promise<DynamoState>;
}

/** Builds every client from config, once, and hands them down: the one composition root. */
export async function buildRuntime(
  config: Config,
  options: RuntimeOptions,
  embeddedComponents?: EmbeddedComponents,
): Promise<Runtime> {
  const closers: Closer[] = [];
  const embedded: EmbeddedPart[] = [];
  try {
    const timeoutMs = options.requestTimeoutMs;
    const { gateway: iam, client: iamClient } = await buildIam(
      config,
      closers,
      embeddedComponents,
      embedded,
      timeoutMs,
    );
    const state = await buildState(config, closers, embeddedComponents, embedded, timeoutMs);
    const workbook = buildWorkbook(config, embedded, timeoutMs);
    const logger =
      options.logger ?? createLogger(config.logLevel, { service: 'keywarden' }, config.logFormat);
    const web = config.slack ? slackWebClient(config.slack, logger, timeoutMs) : null;
    const slack =
      web && config.slack
        ? new SlackNotifier({
            web,
            cases: state.cases,
            adminChannel: config.slack.adminChannel,
            messages: messages(config.language),
            pacer: pacerFor(config, web, config.slack.postIntervalMs, state, logger),
            timeZone: config.timeZone,
          })
        : null;
    return {
      config,
      workbook,
      iam,
      // The embedded simulator has its report ready on the next call: no need to wait a second.
      credentialReports: new AwsCredentialReportSource(
        iamClient,
        config.iam.kind === 'embedded' ? { pollMs: 50 } : {},
      ),
      archive: config.archive ? buildArchive(config.archive, closers, timeoutMs) : null,
      sweepRuns: config.sweepRuns ? buildSweepRuns(config.sweepRuns, closers, timeoutMs) : null,
      accounts: buildAccounts(config, closers, timeoutMs),
      ...state,
      web,
      notifier:
        slack ?? new ConsoleNotifier(options.write, messages(config.language), join(config.home, 'reports')),
      ...(slack ? { slackDirectory: slack } : {}),
      embedded,
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/**
 * DynamoDB state means other processes may post as this app at the same moment: the sweep's
 * account steps on Lambda (up to the Map's MaxConcurrency), or a self-hosted `serve` beside a
 * cron'd `keywarden sweep`. They share each channel's schedule through the table (two writes a
 * post). Embedded state is one process's own (dynalite's files admit one), so its pacer is too.
 */
function pacerFor(
  config: Config,
  web: WebClient,
  intervalMs: number,
  state: DynamoState,
  logger: Logger,
): Pacer {
  if (config.state.kind === 'embedded') return channelPacer(web, intervalMs);
  return sharedChannelPacer(web, state.channelSchedule, {
    intervalMs,
    onError: (error) => logger.warn('slack channel schedule not updated', { error: errorMessage(error) }),
  });
}

/** The other accounts' options, when ACCOUNTS is set and IAM is AWS's own. */
export function accountTargetOptions(config: Config, requestTimeoutMs?: number): AccountTargetOptions | null {
  const accounts = config.accounts;
  if (!accounts || config.iam.kind !== 'aws') return null;
  return {
    source: accounts.source,
    roleName: accounts.roleName,
    iamRegion: config.iam.region,
    // STS is regional; its global endpoint (us-east-1) serves when no region is configured.
    stsRegion: config.region ?? config.iam.region,
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(config.iam.endpoint ? { iamEndpoint: config.iam.endpoint } : {}),
    ...(accounts.stsEndpoint ? { stsEndpoint: accounts.stsEndpoint } : {}),
    ...(accounts.organizationsEndpoint ? { organizationsEndpoint: accounts.organizationsEndpoint } : {}),
  };
}

function buildAccounts(
  config: Config,
  closers: Closer[],
  timeoutMs: number | undefined,
): AccountTargets | null {
  const options = accountTargetOptions(config, timeoutMs);
  if (!options) return null;
  // Required only when configured: the STS, Organizations and S3 clients add ~5 MB of
  // startup RSS to every process, and most deployments use neither.
  const { accountTargets } =
    require('./adapters/accounts/targets') as typeof import('./adapters/accounts/targets.js');
  return accountTargets(options, closers);
}

async function closeAll(closers: Closer[]): Promise<void> {
  for (const close of closers.reverse()) await close();
}

async function buildIam(
  config: Config,
  closers: Closer[],
  embedded: EmbeddedComponents | undefined,
  notes: EmbeddedPart[],
  timeoutMs?: number,
): Promise<{ gateway: IamGateway; client: IAMClient }> {
  if (config.iam.kind === 'embedded') {
    if (!embedded) throw new ConfigError(messages(config.language).config.embeddedNotHere('IAM_SOURCE'));
    return embedded.iam(config.iam.accountFile, closers, notes);
  }
  const client = iamClient({
    region: config.iam.region,
    ...(timeoutMs === undefined ? {} : { requestTimeoutMs: timeoutMs }),
    ...(config.iam.endpoint ? { endpoint: config.iam.endpoint } : {}),
  });
  closers.push(async () => client.destroy());
  return { gateway: new AwsIamGateway(client, config.iam.accountId ?? null), client };
}

async function buildState(
  config: Config,
  closers: Closer[],
  embedded: EmbeddedComponents | undefined,
  notes: EmbeddedPart[],
  timeoutMs?: number,
): Promise<DynamoState> {
  if (config.state.kind === 'embedded') {
    if (!embedded) throw new ConfigError(messages(config.language).config.embeddedNotHere('STATE_SOURCE'));
    return embedded.state(config.state.dataDir, config.state.table, closers, notes);
  }
  const client = new DynamoDBClient({
    region: config.state.region,
    ...awsPatience(timeoutMs),
    ...(config.state.endpoint ? { endpoint: config.state.endpoint } : {}),
  });
  closers.push(async () => client.destroy());
  return dynamoState(client, config.state.table);
}

/** Only the DynamoDB state, for commands that touch nothing else (`keywarden unlock`). */
export async function openState(
  config: Config,
  embeddedComponents?: EmbeddedComponents,
): Promise<{ readonly state: DynamoState; close(): Promise<void> }> {
  const closers: Closer[] = [];
  try {
    const state = await buildState(config, closers, embeddedComponents, []);
    return { state, close: () => closeAll(closers) };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** The sweep's dependencies as the runtime provides them, with this config's policy. */
export function sweepDepsOf(runtime: Runtime, now: () => Date = () => new Date()): SweepDeps {
  const config = runtime.config;
  return {
    workbook: runtime.workbook,
    iam: runtime.iam,
    credentialReports: runtime.credentialReports,
    journal: runtime.journal,
    lock: runtime.lock,
    audit: runtime.audit,
    notifier: runtime.notifier,
    // Only Slack has a Home tab to read it.
    ...(runtime.web ? { homeSnapshots: runtime.homeSnapshots } : {}),
    ...(runtime.slackDirectory ? { slackDirectory: runtime.slackDirectory } : {}),
    ...(runtime.accounts ? { accounts: runtime.accounts } : {}),
    accountConcurrency: config.accountConcurrency,
    policy: {
      noticeDays: config.noticeDays,
      finalNoticeDays: config.finalNoticeDays,
      protectedUsers: config.protectedUsers,
    },
    ...(config.stagedRemoval ? { stagedRemoval: config.stagedRemoval } : {}),
    ...(config.hygieneChecks
      ? {
          hygiene: {
            policy: config.hygiene,
            deactivateStaleKeys: config.deactivateStaleKeys,
            mutes: config.hygieneMutes,
          },
        }
      : {}),
    ledgerColumns: config.ledgerColumns,
    pendingReportDays: config.pendingReportDays,
    timeZone: config.timeZone,
    language: config.language,
    now,
    lease: config.sweepLease,
    process: { host: hostname(), pid: process.pid },
  };
}

/** The weekly digest's dependencies, the same for the CLI, Lambda and `serve`. */
export function digestDepsOf(runtime: Runtime, now: () => Date = () => new Date()): DigestDeps {
  return {
    notifier: runtime.notifier,
    now,
    timeZone: runtime.config.timeZone,
    reports: runtime.credentialReports,
    policy: runtime.config.hygiene,
    archive: runtime.archive,
    muting: {
      mutes: runtime.config.hygieneMutes,
      protectedUsers: runtime.config.protectedUsers,
      iam: runtime.iam,
    },
  };
}

function s3ClientFor(
  bucket: { readonly region: string; readonly endpoint?: string },
  closers: Closer[],
  timeoutMs: number | undefined,
) {
  const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: bucket.region,
    ...awsPatience(timeoutMs),
    ...(bucket.endpoint ? { endpoint: bucket.endpoint, forcePathStyle: true } : {}),
  });
  closers.push(async () => client.destroy());
  return client;
}

function buildSweepRuns(
  sweepRuns: NonNullable<Config['sweepRuns']>,
  closers: Closer[],
  timeoutMs: number | undefined,
): SweepRunStore {
  const { S3SweepRunStore } =
    require('./adapters/sweep-runs/s3-sweep-runs') as typeof import('./adapters/sweep-runs/s3-sweep-runs.js');
  return new S3SweepRunStore(s3ClientFor(sweepRuns, closers, timeoutMs), sweepRuns.bucket);
}

function buildArchive(
  archive: NonNullable<Config['archive']>,
  closers: Closer[],
  timeoutMs: number | undefined,
): ReportArchive {
  const { S3ReportArchive } =
    require('./adapters/archive/s3-archive') as typeof import('./adapters/archive/s3-archive.js');
  return new S3ReportArchive(s3ClientFor(archive, closers, timeoutMs), archive.bucket);
}

/**
 * 429s are retried after Retry-After; a sweep waits rather than drops a notice. With a timeout
 * (the doctor) nothing is retried: the WebClient's default policy retries a dead network for minutes.
 */
export function slackWebClient(slack: SlackConfig, logger: Logger, timeoutMs?: number): WebClient {
  return new WebClient(slack.botToken, {
    ...(timeoutMs === undefined
      ? { retryConfig: retryPolicies.fiveRetriesInFiveMinutes }
      : { retryConfig: { retries: 0 }, timeout: timeoutMs, rejectRateLimitedCalls: true }),
    // Its rate-limit and retry warnings belong in the JSON log, redacted like every other line.
    logger: slackLogger(logger, 'web-api'),
    // Over node:http rather than Node's fetch, whose first request costs tens of MB (httpFetch).
    fetch: httpFetch,
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
  });
}

function buildWorkbook(config: Config, embedded: EmbeddedPart[], timeoutMs: number | undefined): Workbook {
  const ledger = config.ledger;
  if (ledger.kind === 'csv') {
    if (ledger.embedded) embedded.push({ kind: 'ledger-csv', path: ledger.ledgerPath });
    return new CsvWorkbook(ledger.ledgerPath, ledger.peoplePath, { encoding: ledger.encoding });
  }
  // Required only for Sheets: the Google client and its auth library cost every CSV run (the
  // demo, tests' child processes) about a tenth of its start-up.
  const { SheetsWorkbook } =
    require('./adapters/ledger/sheets-workbook') as typeof import('./adapters/ledger/sheets-workbook.js');
  const { googleAuth } =
    require('./adapters/ledger/google-auth') as typeof import('./adapters/ledger/google-auth.js');
  return new SheetsWorkbook({
    spreadsheetId: ledger.spreadsheetId,
    ledgerSheet: ledger.ledgerSheet,
    peopleSheet: ledger.peopleSheet,
    auth: googleAuth(ledger.credentials, timeoutMs),
    ...(timeoutMs === undefined ? {} : { patience: { timeoutMs, retries: 0 } }),
    ...(ledger.rootUrl ? { rootUrl: ledger.rootUrl } : {}),
  });
}
