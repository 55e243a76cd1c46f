import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IamAccount, IamError, type IamServer, startIamServer } from '@keywarden/iam-simulator';
import { parse } from 'csv-parse/sync';
import nock from 'nock';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import { shiftLedgerDates } from '../../src/demo/seed';
import { addDays, dateInZone, daysBetween, type LocalDate } from '../../src/domain/dates';
import { createHandlers } from '../../src/lambda';
import { type FakeS3, startS3Server } from '../fakes/s3-server';
import { type FakeSheets, startSheetsServer } from '../fakes/sheets-server';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import {
  assumedKeyId,
  type FakeControlPlane,
  startAccountRouter,
  startControlPlane,
} from '../fakes/sts-organizations-server';
import { lambdaEnv, SWEEP_RUN_BUCKET } from '../support/lambda-env';
import { runSweepMachine } from '../support/sweep-machine';
import { EXAMPLES, exampleAccount } from '../support/world';

const SHEET = 'state-machine-ledger';
const REFERENCE = '2026-11-24' as LocalDate;
const HOME = '123456789012';
const HOME_KEY = 'AKIALAMBDALAMBDA0001';
const [DONE_1, THROTTLED, FAILING, DONE_2] = ['400000000001', '400000000002', '400000000003', '400000000004'];
const MEMBERS = [DONE_1, THROTTLED, FAILING, DONE_2];

const SCHEDULED = { 'detail-type': 'Scheduled Event' };

const keyOf = (accountId: string) => `AKIA${accountId}ROW1`;

/** A member account with one user whose one key the ledger names. */
const memberAccount = (accountId: string) =>
  IamAccount.fromJSON({
    accountId,
    users: [
      {
        userName: 'analytics-ro',
        accessKeys: [{ accessKeyId: keyOf(accountId), createDate: '2026-06-01T00:00:00Z' }],
      },
    ],
  });

/**
 * The production state machine from serverless.yml, run locally: its task states call the real
 * Lambda handlers, which reach one IAM simulator per account through STS AssumeRole and IAM's one
 * endpoint, the ledger in the Sheets fake, the run store in the S3 fake.
 */
describe('the sweep state machine across an Organization', () => {
  let home: IamServer;
  let homeAccount: IamAccount;
  const members = new Map<string, IamServer>();
  let control: FakeControlPlane;
  let router: Awaited<ReturnType<typeof startAccountRouter>>;
  let sheets: FakeSheets;
  let slack: FakeSlack;
  let dynamo: EmbeddedDynamo;
  let s3: FakeS3;
  let env: NodeJS.ProcessEnv;
  let throttled = 0;
  const saved = { ...process.env };

  beforeEach(async () => {
    const today = dateInZone(new Date(), 'Asia/Tokyo');
    homeAccount = IamAccount.fromJSON(exampleAccount());
    home = await startIamServer(homeAccount);
    throttled = 0;
    for (const id of MEMBERS)
      members.set(
        id,
        await startIamServer(memberAccount(id), {
          // Throttled past the SDK's own retries the first time: the Map's Retry rides it out.
          ...(id === THROTTLED
            ? {
                fault: (action: string) =>
                  action === 'GetAccountAuthorizationDetails' && throttled++ < 3 ? 'Throttling' : null,
              }
            : {}),
          ...(id === FAILING
            ? {
                beforeAction: () => {
                  throw new IamError('InvalidInput', `refused in ${FAILING}`);
                },
              }
            : {}),
        }),
      );
    router = await startAccountRouter(
      new Map([
        [HOME_KEY, home.url],
        ...MEMBERS.map((id) => [assumedKeyId(id), members.get(id)?.url ?? ''] as const),
      ]),
    );
    control = await startControlPlane(HOME, [
      { id: HOME, status: 'ACTIVE' },
      ...MEMBERS.map((id) => ({ id, status: 'ACTIVE' })),
    ]);

    // Dates relative to the real today: the handlers use the real clock, as on Lambda.
    const shift = daysBetween(REFERENCE, today);
    const ledger = (
      parse(shiftLedgerDates(readFileSync(join(EXAMPLES, 'ledger.csv'), 'utf8'), shift)) as string[][]
    ).map((row) => [...row, '']);
    (ledger[0] as string[])[8] = 'AWSアカウントID';
    const ended = addDays(today, -2).replaceAll('-', '/');
    for (const id of MEMBERS)
      ledger.push([
        '田中 三郎',
        '分析',
        'athena',
        'analytics-ro',
        keyOf(id),
        '2026/06/01',
        ended,
        '利用中',
        id,
      ]);
    sheets = await startSheetsServer({ requireAuth: true });
    sheets.setSheet(SHEET, '台帳', ledger);
    sheets.setSheet(SHEET, 'users', parse(readFileSync(join(EXAMPLES, 'people.csv'), 'utf8')));
    slack = await startSlackServer({ token: 'xoxb-lambda' });
    slack.setUsers([{ id: 'U01YAMADA', email: 'yamada@example.com', name: 'yamada' }]);
    dynamo = await startEmbeddedDynamo();
    await ensureTable(dynamo.client, 'keywarden-sfn');
    s3 = await startS3Server([SWEEP_RUN_BUCKET]);
    env = lambdaEnv(
      {
        spreadsheetId: SHEET,
        sheetsUrl: sheets.url,
        iamUrl: router.url,
        dynamoEndpoint: dynamo.endpoint,
        table: 'keywarden-sfn',
        slackApiUrl: slack.apiUrl,
        signingSecret: 'sfn-signing-secret',
        adminChannel: 'C0ADMINS',
        admins: 'U0ADMIN',
        workerName: 'keywarden-sfn-worker',
        // Nothing here hands work to the worker: port 2 refuses, no test server is handed it.
        lambdaUrl: 'http://127.0.0.1:2',
        s3Url: s3.url,
      },
      {
        FINAL_NOTICE_DAYS: '0',
        ACCOUNTS: 'organizations',
        ASSUME_ROLE_NAME: 'KeywardenAccess',
        STS_ENDPOINT: control.url,
        ORGANIZATIONS_ENDPOINT: control.url,
      },
    );
    // The SDK's default credential chain reads these from the process, as on Lambda.
    Object.assign(process.env, env);
  });

  afterEach(async () => {
    process.env = { ...saved };
    nock.cleanAll();
    await Promise.all([
      home.close(),
      ...[...members.values()].map((server) => server.close()),
      router.close(),
      control.close(),
      sheets.close(),
      slack.close(),
      dynamo.close(),
      s3.close(),
    ]);
    members.clear();
  });

  const ledgerStatus = (accountId: string) =>
    sheets.getSheet(SHEET, '台帳').find((row) => row[4] === keyOf(accountId))?.[7];

  it('sweeps every account in its own step: one failing is reported, one throttled retried, one ledger write', async () => {
    const handlers = createHandlers(() => env);

    const summary = await runSweepMachine(handlers, SCHEDULED);

    // The failing account is the one failure; every other account's work is done.
    expect(summary).toMatchObject({ mode: 'apply', failed: 1 });
    expect(homeAccount.listUsers().map((u) => u.userName)).not.toContain('ci-deploy');
    for (const id of [DONE_1, THROTTLED, DONE_2]) expect(members.get(id)?.stats.byAction.DeleteUser).toBe(1);
    expect(members.get(FAILING)?.stats.byAction.DeleteUser).toBeUndefined();
    // The throttled account failed its first step past the SDK's retries and was done on the retry.
    expect(throttled).toBeGreaterThan(3);
    expect(members.get(THROTTLED)?.stats.faulted).toBe(3);
    // One read; one write-back for every account's rows, by the last step, after checking the key column.
    expect(sheets.stats).toMatchObject({ reads: 2, writes: 1 });
    expect(MEMBERS.map(ledgerStatus)).toEqual(['削除済み', '削除済み', '利用中', '削除済み']);
    // The admins' summary names the account that could not be swept, and why.
    const admin = JSON.stringify(slack.messages('C0ADMINS'));
    expect(admin).toContain(FAILING);
    expect(admin).toContain(`refused in ${FAILING}`);
    // Each member account was reached through its own role.
    for (const id of MEMBERS) expect(control.assumed).toContain(`arn:aws:iam::${id}:role/KeywardenAccess`);

    // The lock was released: the next run is not turned away, and finds nothing left to tear down.
    await expect(runSweepMachine(handlers, SCHEDULED)).resolves.toMatchObject({
      mode: 'apply',
      failed: 1,
    });
    for (const id of [DONE_1, THROTTLED, DONE_2]) expect(members.get(id)?.stats.byAction.DeleteUser).toBe(1);
  });

  it("reads the whole ledger in Prepare and Finish only: each account's step reads its own part", async () => {
    const warm = createHandlers(() => env);
    // Every account step a cold start, as 40 Lambda instances at once would be.
    const handlers = {
      ...warm,
      sweepAccount: (...args: Parameters<typeof warm.sweepAccount>) =>
        createHandlers(() => env).sweepAccount(...args),
    };

    // The execution's name is the run's id.
    const summary = await runSweepMachine(handlers, SCHEDULED, undefined, 'parts-run');
    expect(summary).toMatchObject({ sweepId: 'parts-run', mode: 'apply', failed: 1 });

    const run = `${SWEEP_RUN_BUCKET}/sweep-runs/parts-run`;
    const reads = s3.reads
      .filter((read) => read.startsWith(`${run}/`))
      .map((read) => read.slice(run.length + 1));
    // The whole tables once, by Finish; every account step its part and the people table. The
    // throttled account's step ran twice (the Map's Retry), the failing one three times.
    expect(reads.filter((read) => read === 'tables.json')).toHaveLength(1);
    const parts = reads.filter((read) => read.startsWith('parts/'));
    expect(new Set(parts)).toEqual(new Set(['default', ...MEMBERS].map((key) => `parts/${key}.json`)));
    expect(reads.filter((read) => read === 'people.json')).toHaveLength(parts.length);
    // A member's part holds its own row and nothing else; the credentials' own the rest.
    const stored = (key: string) =>
      JSON.parse(s3.objects.findLast((o) => o.key === `sweep-runs/parts-run/${key}`)?.body ?? 'null') as {
        rows: { accessKeyId: string; accountId: string | null }[];
      };
    for (const id of MEMBERS)
      expect(stored(`parts/${id}.json`).rows.map((row) => row.accessKeyId)).toEqual([keyOf(id)]);
    const homeRows = stored('parts/default.json').rows;
    expect(homeRows.length).toBeGreaterThan(0);
    expect(homeRows.every((row) => row.accountId === null)).toBe(true);
    // Only Prepare listed the Organization; each account step assumed its own role and no more.
    expect(control.calls.filter((call) => call === 'ListAccounts')).toHaveLength(1);
  });

  it('writes nothing back when Finish reads another version of the ledger than an account step swept', async () => {
    const handlers = createHandlers(() => env);
    const prepared = await handlers.sweepPrepare({ input: SCHEDULED, execution: 'two-reads' });
    if (!('run' in prepared)) throw new Error(`not prepared: ${JSON.stringify(prepared)}`);
    await handlers.sweepAccount({ run: prepared.run, account: DONE_1 });
    // Two Prepare attempts at once, the sheet edited between their reads: the tables Finish
    // reads have a row inserted above the one the account step swept.
    const key = 'sweep-runs/two-reads/tables.json';
    const tables = JSON.parse(s3.objects.findLast((o) => o.key === key)?.body ?? '{}') as {
      ledger: unknown[][];
    };
    tables.ledger.splice(1, 0, [
      '新規',
      '',
      '',
      'new-bot',
      'AKIANEWROWNEWROWNEW1',
      '',
      '2027/03/31',
      '利用中',
      '',
    ]);
    const stored = s3.objects.findLast((o) => o.key === key);
    if (!stored) throw new Error('no tables stored');
    s3.objects.push({ ...stored, body: JSON.stringify(tables) });

    await expect(
      handlers.sweepFinish({ ...prepared, swept: prepared.accounts.map((account) => ({ account })) }),
    ).rejects.toThrow(/read different versions of the ledger/);
    // The account's IAM work is done and journaled; no row was marked: the next sweep records it.
    expect(members.get(DONE_1)?.stats.byAction.DeleteUser).toBe(1);
    expect(sheets.stats.writes).toBe(0);
    // The lock was released all the same.
    await expect(runSweepMachine(handlers, SCHEDULED)).resolves.toMatchObject({ mode: 'apply' });
    expect(ledgerStatus(DONE_1)).toBe('削除済み');
  });

  it('after a Map that failed as a whole, Finish writes back what was done, flags the rest and frees the lock', async () => {
    const handlers = createHandlers(() => env);
    const prepared = await handlers.sweepPrepare({ input: SCHEDULED, execution: 'map-failed' });
    if (!('run' in prepared)) throw new Error(`not prepared: ${JSON.stringify(prepared)}`);
    // One member account's step ran before the Map failed; no other did.
    await handlers.sweepAccount({ run: prepared.run, account: DONE_1 });

    const summary = await handlers.sweepFinish({
      ...prepared,
      failure: { Error: 'States.Runtime', Cause: 'the Map state failed' },
    });

    expect(summary).toMatchObject({
      mode: 'apply',
      stopped: "the accounts' Map state failed: States.Runtime: the Map state failed",
    });
    expect(members.get(DONE_1)?.stats.byAction.DeleteUser).toBe(1);
    expect(sheets.stats).toMatchObject({ reads: 2, writes: 1 });
    expect(MEMBERS.map(ledgerStatus)).toEqual(['削除済み', '利用中', '利用中', '利用中']);
    // The accounts not reached are named as such to the admins, for the next run to cover.
    const admin = JSON.stringify(slack.messages('C0ADMINS'));
    for (const id of [THROTTLED, FAILING, DONE_2]) expect(admin).toContain(id);
    // The lock is free: a new run is prepared at once.
    await expect(handlers.sweepPrepare({ input: SCHEDULED, execution: 'next' })).resolves.toHaveProperty(
      'run',
    );
  });

  it("an account step that died without storing its outcome is reported with its Lambda error's message", async () => {
    const handlers = createHandlers(() => env);
    // Lambda's own report of a step that ended before it could store anything: Error is just "Error".
    const cause = JSON.stringify({
      errorType: 'Error',
      errorMessage: 'Runtime exited with error: signal: killed',
    });
    const killed = {
      ...handlers,
      sweepAccount: async (...args: Parameters<typeof handlers.sweepAccount>) => {
        if (args[0].account === DONE_2) throw Object.assign(new Error(cause), { name: 'Error' });
        return handlers.sweepAccount(...args);
      },
    };

    await expect(runSweepMachine(killed, SCHEDULED)).resolves.toMatchObject({ mode: 'apply', failed: 2 });

    expect(ledgerStatus(DONE_2)).toBe('利用中');
    const admin = JSON.stringify(slack.messages('C0ADMINS'));
    expect(admin).toContain('Runtime exited with error: signal: killed');
    expect(admin).not.toContain('errorType');
  });

  it("one account's Lambda nearing its timeout is that account's outcome, not a stopped run", async () => {
    const handlers = createHandlers(() => env);
    // DONE_1's invocation is within a minute of its timeout: it stops before any action.
    const late = {
      ...handlers,
      sweepAccount: async (...[event, context]: Parameters<typeof handlers.sweepAccount>) =>
        handlers.sweepAccount(
          event,
          event.account === DONE_1 ? { ...context, getRemainingTimeInMillis: () => 30_000 } : context,
        ),
    };

    const summary = await runSweepMachine(late, SCHEDULED);

    // Not stopped as a whole: the late account is the one not ok besides the failing one.
    expect(summary).toMatchObject({ mode: 'apply', failed: 2 });
    expect(summary).not.toHaveProperty('stopped');
    expect(members.get(DONE_1)?.stats.byAction.DeleteUser).toBeUndefined();
    expect(MEMBERS.map(ledgerStatus)).toEqual(['利用中', '削除済み', '利用中', '削除済み']);
    const admin = JSON.stringify(slack.messages('C0ADMINS'));
    expect(admin).toContain(DONE_1);
    // The next run covers what the late account left.
    await expect(runSweepMachine(handlers, SCHEDULED)).resolves.toMatchObject({ mode: 'apply' });
    expect(members.get(DONE_1)?.stats.byAction.DeleteUser).toBe(1);
  });

  it('an account step begun past the run budget does nothing, and Finish reports its account not reached', async () => {
    const handlers = createHandlers(() => env);
    const prepared = await handlers.sweepPrepare({
      input: SCHEDULED,
      execution: 'late',
      // Started long enough ago that Finish must run now to end before the execution's timeout.
      startedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    });
    if (!('run' in prepared)) throw new Error(`not prepared: ${JSON.stringify(prepared)}`);

    const late = await handlers.sweepAccount({ run: prepared.run, account: DONE_1 });
    expect(late).toEqual({ account: DONE_1, late: true });
    const summary = await handlers.sweepFinish({ ...prepared, swept: [late] });

    expect(members.get(DONE_1)?.stats.byAction.DeleteUser).toBeUndefined();
    expect(summary).toMatchObject({ mode: 'apply', actions: 0 });
    expect(ledgerStatus(DONE_1)).toBe('利用中');
    expect(JSON.stringify(slack.messages('C0ADMINS'))).toContain(DONE_1);
  });

  it('turns a second run away while the first holds the lock: it starts nothing and the execution fails', async () => {
    const handlers = createHandlers(() => env);
    const first = await handlers.sweepPrepare({ input: SCHEDULED, execution: 'first' });
    expect(first).toHaveProperty('run');

    await expect(runSweepMachine(handlers, SCHEDULED)).rejects.toThrow(/Another sweep holds the lock/);
    expect(sheets.stats).toMatchObject({ reads: 1, writes: 0 });
  });

  it('a Prepare retried after its first attempt took the lock sweeps the day under the same run', async () => {
    const handlers = createHandlers(() => env);
    let attempts = 0;
    // Lambda ran the first attempt to its end but Step Functions never got its answer.
    const lostAnswer = {
      ...handlers,
      sweepPrepare: async (...args: Parameters<typeof handlers.sweepPrepare>) => {
        const prepared = await handlers.sweepPrepare(...args);
        if (++attempts > 1) return prepared;
        throw Object.assign(new Error('the answer was lost'), { name: 'Lambda.ServiceException' });
      },
    };

    const summary = await runSweepMachine(lostAnswer, SCHEDULED, undefined, 'daily-2026-11-30');

    expect(attempts).toBe(2);
    expect(summary).toMatchObject({ sweepId: 'daily-2026-11-30', mode: 'apply', failed: 1 });
    for (const id of [DONE_1, THROTTLED, DONE_2]) expect(members.get(id)?.stats.byAction.DeleteUser).toBe(1);
    // The lock was released by Finish: the next day's run is not turned away.
    await expect(runSweepMachine(handlers, SCHEDULED)).resolves.toMatchObject({ mode: 'apply' });
  });
});
