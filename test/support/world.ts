import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { auth } from '@googleapis/sheets';
import {
  IamAccount,
  type IamAccountFixture,
  type IamServer,
  type IamServerOptions,
  startIamServer,
} from '@keywarden/iam-simulator';
import { parse } from 'csv-parse/sync';
import { AwsIamGateway } from '../../src/adapters/iam/aws-iam';
import { SheetsWorkbook } from '../../src/adapters/ledger/sheets-workbook';
import { dynamoState } from '../../src/adapters/store/dynamo-state';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import type { LocalDate } from '../../src/domain/dates';
import type { SweepReport } from '../../src/domain/report';
import { caseId } from '../../src/ports/cases';
import type {
  AdminCopiesPosted,
  AdminCopy,
  DeactivatedNotice,
  DeactivationsAnnounced,
  DeactivationsOptions,
  FinalNotice,
  FindingsDigest,
  FindingsNotice,
  Notifier,
  OwnerUnknownNotice,
  PendingRequestsNotice,
  WeekAheadNotice,
} from '../../src/ports/notifier';
import type { SweepDeps } from '../../src/sweep/deps';
import { runSweep } from '../../src/sweep/run-sweep';
import { reasonsEn } from '../../src/text/messages-reasons';
import { type FakeSheets, type SheetsServerOptions, startSheetsServer } from '../fakes/sheets-server';

export const SPREADSHEET_ID = 'sheet-under-test';
export const LEDGER_SHEET = '台帳';
export const PEOPLE_SHEET = 'users';
/** 15:00 in Tokyo on the examples' reference date: the scheduled sweep's time. */
export const NOW = '2026-11-24T06:00:00Z';
export const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** Records what the sweep would tell people; the Slack notifier has its own tests against the Slack fake. */
export class RecordingNotifier implements Notifier {
  readonly weekAheadNotices: WeekAheadNotice[] = [];
  readonly ownerUnknownNotices: OwnerUnknownNotice[] = [];
  readonly deactivatedNotices: DeactivatedNotice[] = [];
  /** One per account whose sweep deactivated rows: their notices to the admins, together. */
  readonly deactivationGroups: {
    readonly account: string | null;
    readonly notices: readonly DeactivatedNotice[];
  }[] = [];
  readonly finalNotices: FinalNotice[] = [];
  readonly reports: SweepReport[] = [];
  /** One per owner DM. */
  readonly findingDms: FindingsNotice[] = [];
  readonly digests: FindingsDigest[] = [];
  readonly pendingReminders: PendingRequestsNotice[] = [];
  /** One per account whose sweep sent notices: their admins' copies, together. */
  readonly adminGroups: { readonly account: string | null; readonly copies: readonly AdminCopy[] }[] = [];

  async pendingRequests(notice: PendingRequestsNotice): Promise<void> {
    this.pendingReminders.push(notice);
  }

  async findings(notice: FindingsNotice): Promise<void> {
    this.findingDms.push(notice);
  }

  async findingsDigest(digest: FindingsDigest): Promise<void> {
    this.digests.push(digest);
  }

  async weekAhead(notice: WeekAheadNotice): Promise<AdminCopy> {
    this.weekAheadNotices.push(notice);
    const { row, slackId, daysLeft } = notice;
    const id = caseId(row.accessKeyId, row.endDate);
    return { kind: 'owner-told', row, slackId, caseId: id, notice: { kind: 'week-ahead', daysLeft } };
  }

  async deactivations(
    notices: readonly DeactivatedNotice[],
    account: string | null,
    options: DeactivationsOptions = {},
  ): Promise<DeactivationsAnnounced> {
    this.deactivatedNotices.push(...notices);
    this.deactivationGroups.push({ account, notices });
    await options.posted?.(0, notices.length);
    return { announced: notices.map(() => []) };
  }

  async finalNotice(notice: FinalNotice): Promise<AdminCopy> {
    this.finalNotices.push(notice);
    const { row, deleteOn, to } = notice;
    const kind = { kind: 'final', deleteOn } as const;
    return to.kind === 'owner'
      ? {
          kind: 'owner-told',
          row,
          slackId: to.slackId,
          caseId: caseId(row.accessKeyId, row.endDate),
          notice: kind,
        }
      : { kind: 'admins-only', row, reason: reasonsEn.ownerUnknown(to.reason), notice: kind };
  }

  async ownerUnknown(notice: OwnerUnknownNotice): Promise<AdminCopy> {
    this.ownerUnknownNotices.push(notice);
    const { row, reason, daysLeft } = notice;
    return {
      kind: 'admins-only',
      row,
      reason: reasonsEn.ownerUnknown(reason),
      notice: { kind: 'week-ahead', daysLeft },
    };
  }

  async adminCopies(copies: readonly AdminCopy[], account: string | null): Promise<AdminCopiesPosted> {
    this.adminGroups.push({ account, copies });
    return { posted: copies.length };
  }

  async sweepReport(report: SweepReport): Promise<void> {
    this.reports.push(report);
  }
}

export function exampleAccount(): IamAccountFixture {
  return JSON.parse(readFileSync(join(EXAMPLES, 'iam-account.json'), 'utf8')) as IamAccountFixture;
}

export function csvGrid(file: string): string[][] {
  return parse(readFileSync(join(EXAMPLES, file), 'utf8'), { bom: true });
}

export interface WorldOptions {
  readonly account?: IamAccountFixture;
  readonly ledger?: readonly (readonly (string | number)[])[];
  readonly people?: string[][];
  readonly iamServer?: IamServerOptions;
  /** SDK attempts per IAM call; 1 makes an injected crash surface at once. */
  readonly iamMaxAttempts?: number;
  /** Faults the Sheets fake answers with; read on every request, so a test can switch them on and off. */
  readonly sheetsFault?: SheetsServerOptions['fault'];
}

/**
 * Every service a sweep touches, as real clients talking HTTP to local servers:
 * the IAM simulator, the Sheets fake and dynalite.
 */
export class World {
  private constructor(
    readonly account: IamAccount,
    readonly iamServer: IamServer,
    readonly iamClient: IAMClient,
    readonly sheets: FakeSheets,
    readonly dynamo: EmbeddedDynamo,
    readonly notifier: RecordingNotifier,
  ) {}

  static async start(options: WorldOptions = {}): Promise<World> {
    const account = IamAccount.fromJSON(options.account ?? exampleAccount(), { clock: () => new Date(NOW) });
    const iamServer = await startIamServer(account, options.iamServer);
    const iamClient = new IAMClient({
      region: 'us-east-1',
      endpoint: iamServer.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: options.iamMaxAttempts ?? 3,
      retryMode: 'standard',
    });
    const sheets = await startSheetsServer({
      requireAuth: true,
      ...(options.sheetsFault ? { fault: options.sheetsFault } : {}),
    });
    sheets.setSheet(SPREADSHEET_ID, LEDGER_SHEET, options.ledger ?? csvGrid('ledger.csv'));
    sheets.setSheet(SPREADSHEET_ID, PEOPLE_SHEET, options.people ?? csvGrid('people.csv'));
    const dynamo = await startEmbeddedDynamo();
    await ensureTable(dynamo.client, 'keywarden');
    return new World(account, iamServer, iamClient, sheets, dynamo, new RecordingNotifier());
  }

  get state() {
    return dynamoState(this.dynamo.client, 'keywarden');
  }

  workbook(): SheetsWorkbook {
    const oauth = new auth.OAuth2();
    oauth.setCredentials({ access_token: 'test-token' });
    return new SheetsWorkbook({
      spreadsheetId: SPREADSHEET_ID,
      ledgerSheet: LEDGER_SHEET,
      peopleSheet: PEOPLE_SHEET,
      auth: oauth,
      rootUrl: this.sheets.url,
      // Production's retries and their count, without the waits.
      sleep: async () => {},
    });
  }

  deps(overrides: Partial<SweepDeps> = {}): SweepDeps {
    const state = this.state;
    return {
      workbook: this.workbook(),
      iam: new AwsIamGateway(this.iamClient),
      journal: state.journal,
      lock: state.lock,
      audit: state.audit,
      notifier: this.notifier,
      // Plain next-day deletion, which most tests are about; the warning rule has its own tests.
      policy: { noticeDays: 7, finalNoticeDays: 0, protectedUsers: new Set() },
      timeZone: 'Asia/Tokyo',
      language: 'ja',
      now: () => new Date(NOW),
      ...overrides,
    };
  }

  sweep(
    mode: 'dry-run' | 'apply',
    overrides: Partial<SweepDeps> = {},
    date?: LocalDate,
  ): Promise<SweepReport> {
    return runSweep(this.deps(overrides), { mode, ...(date ? { date } : {}) });
  }

  userNames(): string[] {
    return this.account
      .listUsers()
      .map((user) => user.userName)
      .sort();
  }

  /** One ledger row as text, padded to the header's width (Sheets trims trailing blanks). */
  ledgerRow(rowNumber: number): string[] {
    const grid = this.sheets.getSheet(SPREADSHEET_ID, LEDGER_SHEET);
    const width = grid[0]?.length ?? 0;
    const row = (grid[rowNumber - 1] ?? []).map(String);
    return [...row, ...Array<string>(Math.max(0, width - row.length)).fill('')];
  }

  async close(): Promise<void> {
    this.iamClient.destroy();
    await Promise.all([this.iamServer.close(), this.sheets.close(), this.dynamo.close()]);
  }
}
