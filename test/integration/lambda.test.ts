import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { IamAccount, type IamServer, startIamServer } from '@keywarden/iam-simulator';
import { parse } from 'csv-parse/sync';
import nock from 'nock';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import { shiftLedgerDates } from '../../src/demo/seed';
import { addDays, dateInZone, daysBetween, type LocalDate } from '../../src/domain/dates';
import { createHandlers } from '../../src/lambda';
import { ACTION } from '../../src/slack/blocks';
import { type FakeS3, startS3Server } from '../fakes/s3-server';
import { type FakeSheets, startSheetsServer } from '../fakes/sheets-server';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import { signedRequest } from '../fakes/slack-signing';
import { startSsmServer } from '../fakes/ssm-server';
import { startStepFunctionsServer } from '../fakes/stepfunctions-server';
import { lambdaEnv, SWEEP_RUN_BUCKET } from '../support/lambda-env';
import { runSweepMachine } from '../support/sweep-machine';
import { EXAMPLES, exampleAccount } from '../support/world';

const SECRET = 'lambda-signing-secret';
const SWEEP_MACHINE = 'arn:aws:states:ap-northeast-1:123456789012:stateMachine:keywarden-test-sweep';
const SHEET = 'lambda-ledger';
const REFERENCE = '2026-11-24' as LocalDate;

/** Records asynchronous invocations as the Lambda service would accept them (202, no body). */
async function startLambdaService(): Promise<{
  url: string;
  invocations: { name: string; payload: unknown }[];
  server: Server;
}> {
  const invocations: { name: string; payload: unknown }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const name = /\/functions\/([^/]+)\/invocations/.exec(req.url ?? '')?.[1] ?? '';
      invocations.push({
        name: decodeURIComponent(name),
        payload: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(req.headers['x-amz-invocation-type'] === 'Event' ? 202 : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, invocations, server };
}

/** The API Gateway HTTP API (payload 2.0) event for a signed Slack request. */
function apiGatewayEvent(body: Record<string, unknown>, secret = SECRET) {
  const signed = signedRequest(secret, body);
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: { ...signed.headers, host: 'abc123.execute-api.ap-northeast-1.amazonaws.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.ap-northeast-1.amazonaws.com',
      http: {
        method: 'POST',
        path: '/slack/events',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'Slackbot 1.0',
      },
      requestId: 'req-1',
      routeKey: 'POST /slack/events',
      stage: '$default',
      time: '24/Nov/2026:06:00:00 +0000',
      timeEpoch: 1795500000000,
    },
    body: signed.body,
    isBase64Encoded: false,
  };
}

const scheduledEvent = {
  version: '0',
  id: 'f7e1c3a2-0000-4000-8000-000000000000',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-24T06:00:00Z',
  region: 'ap-northeast-1',
  resources: ['arn:aws:events:ap-northeast-1:123456789012:rule/keywarden-prod-sweep'],
  detail: {},
};

describe('Lambda handlers with real API Gateway v2 and EventBridge events', () => {
  let iam: IamServer;
  let account: IamAccount;
  let sheets: FakeSheets;
  let slack: FakeSlack;
  let dynamo: EmbeddedDynamo;
  let lambda: Awaited<ReturnType<typeof startLambdaService>>;
  let s3: FakeS3;
  let env: NodeJS.ProcessEnv;
  const saved = { ...process.env };

  beforeEach(async () => {
    account = IamAccount.fromJSON(exampleAccount());
    iam = await startIamServer(account);
    // Dates relative to the real today: the handlers use the real clock, as on Lambda.
    const shift = daysBetween(REFERENCE, dateInZone(new Date(), 'Asia/Tokyo'));
    const ledger = parse(shiftLedgerDates(readFileSync(join(EXAMPLES, 'ledger.csv'), 'utf8'), shift));
    sheets = await startSheetsServer({ requireAuth: true });
    sheets.setSheet(SHEET, '台帳', ledger);
    sheets.setSheet(SHEET, 'users', parse(readFileSync(join(EXAMPLES, 'people.csv'), 'utf8')));
    slack = await startSlackServer({ token: 'xoxb-lambda' });
    slack.setUsers([{ id: 'U01YAMADA', email: 'yamada@example.com', name: 'yamada' }]);
    dynamo = await startEmbeddedDynamo();
    await ensureTable(dynamo.client, 'keywarden-test');
    lambda = await startLambdaService();
    s3 = await startS3Server([SWEEP_RUN_BUCKET]);
    env = lambdaEnv(
      {
        spreadsheetId: SHEET,
        sheetsUrl: sheets.url,
        iamUrl: iam.url,
        dynamoEndpoint: dynamo.endpoint,
        table: 'keywarden-test',
        slackApiUrl: slack.apiUrl,
        signingSecret: SECRET,
        adminChannel: 'C0ADMINS',
        admins: 'U0ADMIN',
        workerName: 'keywarden-test-worker',
        lambdaUrl: lambda.url,
        s3Url: s3.url,
      },
      // Plain next-day deletion: these tests are about the handlers, not the warning rule.
      { FINAL_NOTICE_DAYS: '0' },
    );
    // The SDK's default credential chain reads these from the process, as on Lambda.
    Object.assign(process.env, env);
  });

  afterEach(async () => {
    process.env = { ...saved };
    nock.cleanAll();
    await new Promise((resolve) => lambda.server.close(resolve));
    await Promise.all([iam.close(), sheets.close(), slack.close(), dynamo.close(), s3.close()]);
  });

  it('the scheduled sweep applies, DMs the owner and tears down the expired user', async () => {
    const handlers = createHandlers(() => ({
      ...env,
      AWS_LAMBDA_FUNCTION_NAME: 'keywarden-test-sweepFinish',
    }));
    const lines: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const summary = await runSweepMachine(handlers, scheduledEvent).finally(() => stdout.mockRestore());
    // The heartbeat the "no successful sweep in 26 hours" alarm watches.
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ FunctionName: 'keywarden-test-sweepFinish', SweepSucceeded: 1 }),
    );
    expect(summary).toMatchObject({ mode: 'apply', actions: 4, failed: 0 });
    expect(account.listUsers().map((u) => u.userName)).not.toContain('ci-deploy');
    expect(slack.messages('U01YAMADA')).toHaveLength(1);
    expect(sheets.stats).toMatchObject({ reads: 2, writes: 1 });
  });

  it('the scheduled sweep stops at a safe point before the Lambda timeout instead of being cut off', async () => {
    const handlers = createHandlers(() => env);
    // An invocation already within a minute of its timeout: no action may start.
    const summary = await runSweepMachine(handlers, scheduledEvent, {
      awsRequestId: 'late',
      getRemainingTimeInMillis: () => 30_000,
    });
    expect(summary).toMatchObject({
      mode: 'apply',
      actions: 0,
      stopped: 'the Lambda invocation had less than 60 s left',
    });
    expect(account.listUsers().map((u) => u.userName)).toContain('ci-deploy');
    // The lock is free: the next invocation sweeps everything.
    await expect(runSweepMachine(handlers, scheduledEvent)).resolves.toMatchObject({ actions: 4, failed: 0 });
    expect(account.listUsers().map((u) => u.userName)).not.toContain('ci-deploy');
  });

  it('a Slack click is acknowledged at once and its teardown runs in the worker invocation', async () => {
    const handlers = createHandlers(() => env);
    await runSweepMachine(handlers, scheduledEvent);
    const [dm] = slack.messages('U01YAMADA');
    const caseId = JSON.stringify(dm?.blocks).match(/"value":"(AKIA[^"]+)"/)?.[1];
    expect(caseId).toBeDefined();

    const response = await handlers.slack(
      apiGatewayEvent({
        type: 'block_actions',
        user: { id: 'U01YAMADA' },
        trigger_id: slack.triggerId('U01YAMADA'),
        response_url: slack.responseUrl(),
        actions: [{ type: 'button', action_id: ACTION.delete, value: caseId, action_ts: '1' }],
      }),
      {},
    );
    expect(response.statusCode).toBe(200);
    // Nothing was deleted inside the Slack invocation: the work went to the worker.
    expect(account.listUsers().map((u) => u.userName)).toContain('etl-batch');
    expect(lambda.invocations).toEqual([
      {
        name: 'keywarden-test-worker',
        payload: { job: expect.objectContaining({ kind: 'delete', user: 'U01YAMADA' }) },
      },
    ]);

    await handlers.worker(lambda.invocations[0]?.payload as Parameters<typeof handlers.worker>[0]);
    expect(account.listUsers().map((u) => u.userName)).not.toContain('etl-batch');
  });

  it('a manual invoke may catch up a missed day but refuses one still to come, doing nothing', async () => {
    const handlers = createHandlers(() => env);
    const tomorrow = addDays(dateInZone(new Date(), 'Asia/Tokyo'), 1);
    const before = account.toJSON();
    await expect(runSweepMachine(handlers, { ...scheduledEvent, date: tomorrow })).resolves.toEqual({
      refused: expect.stringMatching(/の時点では実行できません/),
    });
    await expect(runSweepMachine(handlers, { ...scheduledEvent, date: 'next week' })).resolves.toEqual({
      refused: 'date must be YYYY-MM-DD',
    });
    expect(account.toJSON()).toEqual(before);
    expect(slack.calls).toEqual([]);
    expect(sheets.stats).toMatchObject({ reads: 0, writes: 0 });

    const yesterday = addDays(dateInZone(new Date(), 'Asia/Tokyo'), -1);
    await expect(runSweepMachine(handlers, { ...scheduledEvent, date: yesterday })).resolves.toMatchObject({
      mode: 'apply',
      failed: 0,
    });
  });

  it('rejects a forged request with 401 and starts no work', async () => {
    const handlers = createHandlers(() => env);
    const response = await handlers.slack(
      apiGatewayEvent({ type: 'block_actions', user: { id: 'U01YAMADA' }, actions: [] }, 'wrong-secret'),
      {},
    );
    expect(response.statusCode).toBe(401);
    expect(lambda.invocations).toEqual([]);
  });

  it('the weekly digest posts to the admin channel with the credential report attached', async () => {
    const handlers = createHandlers(() => env);
    const result = await handlers.digest(scheduledEvent);
    expect(result.total).toBeGreaterThan(0);
    expect(slack.files.find((f) => f.completed)?.channel).toBe('C0ADMINS');
  });

  it('a bad setting fails the cold start with its name, and the next invocation tries again', async () => {
    let current: NodeJS.ProcessEnv = { ...env, NOTICE_DAYS: 'soon' };
    const handlers = createHandlers(() => current);
    await expect(runSweepMachine(handlers, scheduledEvent)).rejects.toThrow(/NOTICE_DAYS/);
    current = env;
    await expect(runSweepMachine(handlers, scheduledEvent)).resolves.toMatchObject({ mode: 'apply' });
  });

  it("tells the admins about a worker job Lambda gave up on, from the failure destination's queue", async () => {
    const handlers = createHandlers(() => env);
    const record = {
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { job: { kind: 'delete', caseId: 'AKIAEXAMPLE', user: 'U01YAMADA' } },
      responsePayload: { errorType: 'Error', errorMessage: 'IAM answered Throttling' },
    };
    const result = await handlers.failures({ Records: [{ messageId: 'm1', body: JSON.stringify(record) }] });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(slack.messages('C0ADMINS').map((message) => message.text)).toEqual([
      expect.stringMatching(/<@U01YAMADA> さんの操作（削除）が3回失敗.*IAM answered Throttling/),
    ]);
  });

  it('reads its secrets from SSM Parameter Store at cold start, once, given only their names', async () => {
    const ssm = await startSsmServer();
    try {
      const { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, GOOGLE_SERVICE_ACCOUNT_JSON, ...rest } = env;
      ssm.put('/keywarden/test/slack-bot-token', SLACK_BOT_TOKEN ?? '');
      ssm.put('/keywarden/test/slack-signing-secret', SLACK_SIGNING_SECRET ?? '');
      ssm.put('/keywarden/test/google-credentials', GOOGLE_SERVICE_ACCOUNT_JSON ?? '');
      const handlers = createHandlers(() => ({
        ...rest,
        SSM_ENDPOINT: ssm.url,
        SLACK_BOT_TOKEN_PARAMETER: '/keywarden/test/slack-bot-token',
        SLACK_SIGNING_SECRET_PARAMETER: '/keywarden/test/slack-signing-secret',
        GOOGLE_SERVICE_ACCOUNT_JSON_PARAMETER: '/keywarden/test/google-credentials',
      }));
      await expect(runSweepMachine(handlers, scheduledEvent)).resolves.toMatchObject({
        mode: 'apply',
        failed: 0,
      });
      // The signing secret from SSM verifies Slack's signature; a warm process reads SSM no more.
      // Slack's URL check is answered only once the signature verifies.
      const check = { type: 'url_verification', token: 'legacy', challenge: 'ssm-challenge' };
      expect((await handlers.slack(apiGatewayEvent(check, 'wrong-secret'), {})).statusCode).toBe(401);
      expect(await handlers.slack(apiGatewayEvent(check), {})).toMatchObject({
        statusCode: 200,
        body: expect.stringContaining('ssm-challenge'),
      });
      expect(ssm.calls).toEqual([
        expect.objectContaining({ operation: 'GetParameters', withDecryption: true }),
      ]);
      expect(slack.messages('U01YAMADA')).toHaveLength(1);
    } finally {
      await ssm.close();
    }
  });
  /** The admin as a Slack user the fake can DM, beside the owner. */
  const withAdminUser = () =>
    slack.setUsers([
      { id: 'U01YAMADA', email: 'yamada@example.com', name: 'yamada' },
      { id: 'U0ADMIN', email: 'admin@example.com', name: 'admin' },
    ]);

  /**
   * `/iam-audit sweep` on Lambda, end to end: the signed command to the slack function, its job to
   * the worker, the worker's StartExecution to the Step Functions fake, which runs serverless.yml's
   * definition on the state machine's own handlers (their environment has no state machine ARN,
   * as deployed) once `release` is called.
   */
  async function sweepFromSlack(language: 'ja' | 'en', machines: readonly string[] = [SWEEP_MACHINE]) {
    withAdminUser();
    const gate = Promise.withResolvers<void>();
    const steps = createHandlers(() => ({ ...env, LANGUAGE: language }));
    const sfn = await startStepFunctionsServer(machines, async (execution) => {
      await gate.promise;
      return runSweepMachine(
        steps,
        execution.input as Parameters<typeof runSweepMachine>[1],
        undefined,
        execution.name,
      );
    });
    const workerEnv = {
      ...env,
      LANGUAGE: language,
      SWEEP_STATE_MACHINE_ARN: SWEEP_MACHINE,
      STEPFUNCTIONS_ENDPOINT: sfn.url,
    };
    const front = createHandlers(() => workerEnv);
    const response = await front.slack(
      apiGatewayEvent({
        command: '/iam-audit',
        text: 'sweep',
        user_id: 'U0ADMIN',
        channel_id: 'C0ADMINS',
        team_id: slack.identity.teamId,
        response_url: slack.responseUrl({ channel: 'C0ADMINS' }),
      }),
      {},
    );
    expect(response.statusCode).toBe(200);
    const [invocation] = lambda.invocations;
    expect(invocation?.payload).toEqual({
      job: expect.objectContaining({ kind: 'hygiene-report', text: 'sweep' }),
    });
    await createHandlers(() => workerEnv).worker(invocation?.payload as Parameters<typeof front.worker>[0]);
    return { sfn, release: () => gate.resolve(), close: () => sfn.close() };
  }

  it.each([
    ['ja', 'ドライランを開始しました。終わりしだい結果を DM でお送りします。', 'ドライラン（変更なし'],
    [
      'en',
      'Dry run started; the report will come to your direct messages when it is done.',
      'dry run (nothing changed',
    ],
  ] as const)(
    '/iam-audit sweep (%s) starts one dry-run execution, answers at once, and Finish DMs the admin the report',
    async (language, started, dryRunHeading) => {
      const before = account.toJSON();
      const { sfn, release, close } = await sweepFromSlack(language);
      try {
        // One execution, asked for as a dry run for the admin, through Step Functions' own protocol.
        expect(sfn.started).toEqual([
          expect.objectContaining({
            stateMachineArn: SWEEP_MACHINE,
            input: { dryRun: true, requestedBy: 'U0ADMIN' },
            target: 'AWSStepFunctions.StartExecution',
            contentType: expect.stringContaining('application/x-amz-json-1.0'),
          }),
        ]);
        // The admin has their answer while the execution has not even begun its first step.
        expect(slack.responses.map((r) => r.body)).toEqual([
          expect.objectContaining({ response_type: 'ephemeral', text: `\`\`\`\n${started}\n\`\`\`` }),
        ]);
        expect(slack.messages('U0ADMIN')).toEqual([]);
        expect(sheets.stats).toMatchObject({ reads: 0 });

        release();
        await expect(sfn.runs[0]).resolves.toMatchObject({ mode: 'dry-run', sweepId: sfn.started[0]?.name });

        // Finish sent the report to the admin who asked, and to nobody else.
        const dms = slack.messages('U0ADMIN');
        expect(dms).toHaveLength(1);
        const text = String(dms[0]?.text);
        expect(text.startsWith('```\n')).toBe(true);
        expect(text).toContain(dryRunHeading);
        // What the next sweep would do: the expired row's user is named.
        expect(text).toContain('ci-deploy');
        expect(slack.messages('C0ADMINS')).toEqual([]);
        expect(slack.messages('U01YAMADA')).toEqual([]);
        // Nothing changed: IAM as it was, the ledger read by Prepare and Finish and never written.
        expect(account.toJSON()).toEqual(before);
        expect(sheets.stats).toMatchObject({ reads: 1, writes: 0 });
        // A dry run takes no lock: the daily sweep, run now, applies.
        await expect(
          runSweepMachine(
            createHandlers(() => env),
            scheduledEvent,
          ),
        ).resolves.toMatchObject({
          mode: 'apply',
          failed: 0,
        });
        expect(account.listUsers().map((u) => u.userName)).not.toContain('ci-deploy');
      } finally {
        await close();
      }
    },
  );

  it('a state machine that cannot be started is the answer to the admin; the worker does not sweep instead', async () => {
    const { sfn, close } = await sweepFromSlack('en', []);
    try {
      expect(sfn.started).toEqual([]);
      expect(slack.responses.map((r) => String(r.body.text))).toEqual([
        expect.stringMatching(/^\/iam-audit sweep failed: .*State Machine Does Not Exist/),
      ]);
      expect(sheets.stats).toMatchObject({ reads: 0, writes: 0 });
      expect(slack.messages('U0ADMIN')).toEqual([]);
    } finally {
      await close();
    }
  });

  it("an execution's input cannot ask for apply: only SWEEP_APPLY can, and a requested run stays a dry run", async () => {
    withAdminUser();
    const before = account.toJSON();
    const claimsApply = { ...scheduledEvent, mode: 'apply', apply: true, dryRun: false };
    const dryDeployment = createHandlers(() => ({ ...env, SWEEP_APPLY: 'false' }));
    await expect(runSweepMachine(dryDeployment, claimsApply)).resolves.toMatchObject({ mode: 'dry-run' });
    // On a deployment that applies, asking for a dry run (or naming a requester) is a dry run.
    const applying = createHandlers(() => env);
    await expect(runSweepMachine(applying, { dryRun: true })).resolves.toMatchObject({ mode: 'dry-run' });
    const lines: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    await expect(
      runSweepMachine(applying, { requestedBy: 'U0ADMIN', dryRun: false }).finally(() =>
        stdout.mockRestore(),
      ),
    ).resolves.toMatchObject({ mode: 'dry-run' });
    // An admin's dry run is not the daily sweep: the "no successful sweep" alarm does not count it.
    expect(lines.join('')).not.toContain('SweepSucceeded');
    // An input the steps cannot read is refused, doing nothing.
    await expect(runSweepMachine(applying, { dryRun: 'yes' })).resolves.toEqual({
      refused: 'dryRun must be true or false, requestedBy a Slack user id',
    });
    await expect(runSweepMachine(applying, { dryRun: true, requestedBy: '<!channel>' })).resolves.toEqual({
      refused: 'dryRun must be true or false, requestedBy a Slack user id',
    });
    expect(account.toJSON()).toEqual(before);
    expect(sheets.stats.writes).toBe(0);
    // Only the admin named gets the report.
    expect(slack.messages('U0ADMIN')).toHaveLength(1);
    expect(slack.messages('C0ADMINS')).toEqual([]);
  });

  it('a requested dry run that fails tells the admin why in their DM, and the execution fails', async () => {
    withAdminUser();
    const handlers = createHandlers(() => ({ ...env, SHEETS_SPREADSHEET_ID: 'no-such-spreadsheet' }));
    await expect(runSweepMachine(handlers, { dryRun: true, requestedBy: 'U0ADMIN' })).rejects.toThrow();
    expect(slack.messages('U0ADMIN').map((message) => message.text)).toEqual([
      expect.stringMatching(/^\/iam-audit sweep に失敗しました: \S/),
    ]);
    expect(slack.messages('C0ADMINS')).toEqual([]);
    // The daily sweep's own failure is the alarms' to tell: nobody is DMed.
    await expect(runSweepMachine(handlers, scheduledEvent)).rejects.toThrow();
    expect(slack.messages('U0ADMIN')).toHaveLength(1);
  });

  it('a requested dry run for someone who is no admin sends its report to nobody', async () => {
    const handlers = createHandlers(() => env);
    await expect(
      runSweepMachine(handlers, { dryRun: true, requestedBy: 'U01YAMADA' }),
    ).resolves.toMatchObject({
      mode: 'dry-run',
    });
    expect(slack.messages('U01YAMADA')).toEqual([]);
    expect(slack.messages('C0ADMINS')).toEqual([]);
  });
});
