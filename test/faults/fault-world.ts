/**
 * The sweep in-process, wired as production wires it (the one IAM client factory's retries, the Sheets
 * adapter's retry policy, the Slack notifier on a real WebClient), against local servers
 * that inject the faults real services produce: IAM `Throttling`, Sheets 429/503 with and
 * without `Retry-After`, Slack 429 with `Retry-After`.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { auth } from '@googleapis/sheets';
import {
  IamAccount,
  type IamAccountFixture,
  type IamServer,
  type IamServerOptions,
  startIamServer,
} from '@keywarden/iam-simulator';
import { LogLevel, WebClient } from '@slack/web-api';
import { AwsIamGateway } from '../../src/adapters/iam/aws-iam';
import { iamClient as makeIamClient } from '../../src/adapters/iam/client';
import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { SheetsWorkbook } from '../../src/adapters/ledger/sheets-workbook';
import { dynamoState } from '../../src/adapters/store/dynamo-state';
import type { EmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import type { LocalDate } from '../../src/domain/dates';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import type { SweepReport } from '../../src/domain/report';
import { SlackNotifier } from '../../src/slack/notifier';
import type { SweepDeps } from '../../src/sweep/deps';
import { runSweep } from '../../src/sweep/run-sweep';
import { messages } from '../../src/text/messages';
import {
  type Cell,
  type FakeSheets,
  type SheetsServerOptions,
  startSheetsServer,
} from '../fakes/sheets-server';
import { type FakeSlack, type SlackServerOptions, startSlackServer } from '../fakes/slack-server';
import { csvGrid, exampleAccount, LEDGER_SHEET, NOW, PEOPLE_SHEET, SPREADSHEET_ID } from '../support/world';

export const ADMIN_CHANNEL = 'C0ADMINS';
const BOT_TOKEN = 'xoxb-fault-world';

/** Everyone in the examples' people table but 高橋 次郎, whose key then has no owner. */
export const SLACK_USERS = [
  { id: 'U01YAMADA', email: 'yamada@example.com', name: 'yamada' },
  { id: 'U02SATO', email: 'sato@example.com', name: 'sato' },
  { id: 'U03SUZUKI', email: 'suzuki@example.com', name: 'suzuki' },
  { id: 'U04TANAKA', email: 'tanaka@example.com', name: 'tanaka' },
  { id: 'U05ITO', email: 'ito@example.com', name: 'ito' },
  { id: 'U06WATANABE', email: 'watanabe@example.com', name: 'watanabe' },
  { id: 'U07YAMAMOTO', email: 'yamamoto@example.com', name: 'yamamoto' },
  { id: 'U08NAKAMURA', email: 'nakamura@example.com', name: 'nakamura' },
  { id: 'U09KOBAYASHI', email: 'kobayashi@example.com', name: 'kobayashi' },
  { id: 'U10KATO', email: 'kato@example.com', name: 'kato' },
  { id: 'U0ADMIN', email: 'admin@example.com', name: 'admin', isAdmin: true },
];

export interface FaultPlan {
  readonly iam?: IamServerOptions['fault'];
  readonly sheets?: SheetsServerOptions['fault'];
  readonly slack?: SlackServerOptions['rateLimit'];
}

export interface FaultWorldOptions {
  readonly faults?: FaultPlan;
  readonly ledger?: readonly (readonly Cell[])[];
  /** The credential-report checks, on as in production unless false. */
  readonly hygiene?: boolean;
}

export interface WorldState {
  readonly iam: IamAccountFixture;
  readonly ledger: Cell[][];
  /** Served chat.postMessage calls by channel (a user id for DMs), as texts. */
  readonly posts: ReadonlyMap<string, readonly string[]>;
}

export class FaultWorld {
  private constructor(
    readonly account: IamAccount,
    readonly iamServer: IamServer,
    private readonly iamClient: IAMClient,
    readonly sheets: FakeSheets,
    readonly slack: FakeSlack,
    private readonly deps: SweepDeps,
  ) {}

  static async start(
    dynamo: EmbeddedDynamo,
    table: string,
    options: FaultWorldOptions = {},
  ): Promise<FaultWorld> {
    const faults = options.faults ?? {};
    await ensureTable(dynamo.client, table);
    const account = IamAccount.fromJSON(exampleAccount(), { clock: () => new Date(NOW) });
    const iamServer = await startIamServer(account, faults.iam ? { fault: faults.iam } : {});
    // Built as production builds every account's client: standard retries that back off on Throttling.
    const iamClient = makeIamClient({
      region: 'us-east-1',
      endpoint: iamServer.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const sheets = await startSheetsServer({
      requireAuth: true,
      ...(faults.sheets ? { fault: faults.sheets } : {}),
    });
    sheets.setSheet(SPREADSHEET_ID, LEDGER_SHEET, options.ledger ?? csvGrid('ledger.csv'));
    sheets.setSheet(SPREADSHEET_ID, PEOPLE_SHEET, csvGrid('people.csv'));
    const slack = await startSlackServer({
      token: BOT_TOKEN,
      ...(faults.slack ? { rateLimit: faults.slack } : {}),
    });
    slack.setUsers(SLACK_USERS);

    const oauth = new auth.OAuth2();
    oauth.setCredentials({ access_token: 'test-token' });
    const workbook = new SheetsWorkbook({
      spreadsheetId: SPREADSHEET_ID,
      ledgerSheet: LEDGER_SHEET,
      peopleSheet: PEOPLE_SHEET,
      auth: oauth,
      rootUrl: sheets.url,
    });
    // Production retries 429s five times over five minutes; the waits here are Retry-After plus a few ms.
    const web = new WebClient(BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 5, factor: 1, minTimeout: 10, maxTimeout: 50 },
      // The 429s are injected on purpose; a call that still fails throws, and the test reports it.
      logLevel: LogLevel.ERROR,
    });
    const state = dynamoState(dynamo.client, table);
    const notifier = new SlackNotifier({
      web,
      cases: state.cases,
      adminChannel: ADMIN_CHANNEL,
      messages: messages('ja'),
    });
    const deps: SweepDeps = {
      workbook,
      iam: new AwsIamGateway(iamClient),
      journal: state.journal,
      lock: state.lock,
      audit: state.audit,
      notifier,
      slackDirectory: notifier,
      policy: { noticeDays: 7, finalNoticeDays: 0, protectedUsers: new Set() },
      ...(options.hygiene === false
        ? {}
        : {
            credentialReports: new AwsCredentialReportSource(iamClient, { pollMs: 10 }),
            hygiene: {
              policy: DEFAULT_HYGIENE_POLICY,
              deactivateStaleKeys: false,
            },
          }),
      timeZone: 'Asia/Tokyo',
      language: 'ja',
      now: () => new Date(NOW),
    };
    return new FaultWorld(account, iamServer, iamClient, sheets, slack, deps);
  }

  sweep(mode: 'dry-run' | 'apply', date?: LocalDate): Promise<SweepReport> {
    return runSweep(this.deps, { mode, ...(date ? { date } : {}) });
  }

  /** Requests answered with an injected fault, per service. */
  faulted(): { iam: number; sheets: number; slack: number } {
    return {
      iam: this.iamServer.stats.faulted,
      sheets: this.sheets.stats.faulted,
      slack: this.slack.stats.rateLimited,
    };
  }

  state(): WorldState {
    const posts = new Map<string, string[]>();
    for (const call of this.slack.callsTo('chat.postMessage')) {
      if (!call.ok) continue;
      const channel = String(call.args.channel ?? '');
      posts.set(channel, [...(posts.get(channel) ?? []), String(call.args.text ?? '')]);
    }
    return {
      iam: this.account.toJSON(),
      ledger: this.sheets.getSheet(SPREADSHEET_ID, LEDGER_SHEET),
      posts,
    };
  }

  async close(): Promise<void> {
    this.iamClient.destroy();
    await Promise.all([this.iamServer.close(), this.sheets.close(), this.slack.close()]);
  }
}
