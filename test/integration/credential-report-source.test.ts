import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  IamAccount,
  type IamServer,
  type IamServerOptions,
  IamError as SimulatedIamError,
  startIamServer,
} from '@keywarden/iam-simulator';
import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { getCredentialReport } from '../../src/adapters/iam/report-content';
import { IamError } from '../../src/ports/iam';

const T0 = new Date('2026-05-01T03:00:00Z');
const HOUR = 3_600_000;

describe('AwsCredentialReportSource against the IAM simulator', () => {
  let now: Date;
  let account: IamAccount;
  let server: IamServer | undefined;
  let client: IAMClient | undefined;
  let waits: number[];

  beforeEach(() => {
    now = T0;
    account = new IamAccount({ clock: () => now, createDate: new Date('2020-01-01T00:00:00Z') });
    account.createUser({ userName: 'alice', createDate: new Date('2025-01-01T00:00:00Z') });
    account.createAccessKey('alice', { createDate: new Date('2025-02-01T00:00:00Z') });
    waits = [];
  });
  afterEach(async () => {
    client?.destroy();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  /** The real IAMClient on the simulator; one attempt per call so the source's own backoff is what is tested. */
  async function source(
    options: { pollMs?: number; maxWaitMs?: number } = {},
    serverOptions: IamServerOptions = {},
  ): Promise<AwsCredentialReportSource> {
    server = await startIamServer(account, serverOptions);
    client = new IAMClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    return new AwsCredentialReportSource(client, {
      ...options,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  }

  /** Answers `code` to the first `times` calls of `action`, then lets calls through. */
  function failFirst(action: string, code: SimulatedIamError['code'], times = 1): IamServerOptions {
    let left = times;
    return {
      beforeAction: (name) => {
        if (name === action && left-- > 0) throw new SimulatedIamError(code, `${code} (injected)`);
      },
    };
  }

  it('generates, polls with doubling waits until COMPLETE, then downloads the whole report', async () => {
    account.credentialReportReadyAfterCalls = 3;
    const report = await (await source()).fetch();

    expect(report.csv).toBe(account.renderCredentialReport());
    expect(report.csv.split('\n')[0]).toMatch(/^user,arn,user_creation_time,/);
    expect(report.csv).toContain('\nalice,arn:aws:iam::123456789012:user/alice,');
    expect(report.generatedAt).toEqual(T0);
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(server?.stats.byAction).toEqual({ GenerateCredentialReport: 4, GetCredentialReport: 1 });
  });

  it('caps the wait between polls at 10 seconds', async () => {
    account.credentialReportReadyAfterCalls = 5;
    await (await source({ pollMs: 3000 })).fetch();
    expect(waits).toEqual([3000, 6000, 10_000, 10_000, 10_000]);
  });

  it('returns a report IAM still serves, up to four hours old, without waiting', async () => {
    account.completeCredentialReport();
    now = new Date(T0.getTime() + 3.5 * HOUR);
    const report = await (await source()).fetch();
    expect(report.generatedAt).toEqual(T0);
    expect(waits).toEqual([]);
    expect(server?.stats.byAction).toEqual({ GenerateCredentialReport: 1, GetCredentialReport: 1 });
  });

  it('generates a new report once the old one is past four hours', async () => {
    account.credentialReportReadyAfterCalls = 1;
    account.completeCredentialReport();
    now = new Date(T0.getTime() + 5 * HOUR);
    const report = await (await source()).fetch();
    expect(report.generatedAt).toEqual(now);
    expect(waits).toEqual([1000]);
  });

  it('keeps polling when GetCredentialReport says ReportInProgress', async () => {
    account.credentialReportReadyAfterCalls = 0;
    const report = await (await source({}, failFirst('GetCredentialReport', 'ReportInProgress', 2))).fetch();
    expect(report.csv).toBe(account.renderCredentialReport());
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(server?.stats.byAction).toEqual({ GenerateCredentialReport: 4, GetCredentialReport: 3 });
  });

  it.each(['ReportExpired', 'ReportNotPresent'] as const)(
    'generates again at once when GetCredentialReport says %s',
    async (code) => {
      account.credentialReportReadyAfterCalls = 0;
      const report = await (await source({}, failFirst('GetCredentialReport', code))).fetch();
      expect(report.csv).toBe(account.renderCredentialReport());
      expect(waits).toEqual([1000]);
      expect(server?.stats.byAction).toEqual({ GenerateCredentialReport: 3, GetCredentialReport: 2 });
    },
  );

  it('gives up after a few fresh generations when the report keeps vanishing', async () => {
    account.credentialReportReadyAfterCalls = 0;
    const src = await source({}, failFirst('GetCredentialReport', 'ReportNotPresent', 100));
    const failure = await src.fetch().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IamError);
    expect(failure).toMatchObject({ code: 'ReportNotPresent' });
    expect((failure as IamError).message).toMatch(/after 3 fresh generations; no report was used/);
    expect(server?.stats.byAction.GetCredentialReport).toBe(4);
  });

  it('backs off when throttled and still gets the report', async () => {
    account.credentialReportReadyAfterCalls = 1;
    let throttled = 0;
    const report = await (
      await source(
        {},
        {
          fault: (action) => (action === 'GenerateCredentialReport' && throttled++ < 2 ? 'Throttling' : null),
        },
      )
    ).fetch();
    expect(report.csv).toBe(account.renderCredentialReport());
    expect(server?.stats.faulted).toBe(2);
    // Two throttled calls, STARTED, then COMPLETE: a wait after each of the first three.
    expect(waits).toEqual([1000, 2000, 4000]);
  });

  it('backs off on LimitExceeded', async () => {
    account.credentialReportReadyAfterCalls = 0;
    const src = await source({}, failFirst('GenerateCredentialReport', 'LimitExceeded'));
    await expect(src.fetch()).resolves.toMatchObject({ generatedAt: T0 });
    expect(waits).toEqual([1000, 2000]);
  });

  it('throws an IamError rather than return anything when the report is not ready in time', async () => {
    account.credentialReportReadyAfterCalls = 1000;
    const src = await source({ maxWaitMs: 30_000 });
    const failure = await src.fetch().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IamError);
    expect(failure).toMatchObject({ code: 'CredentialReportTimeout' });
    expect((failure as IamError).message).toMatch(
      /^IAM credential report was not ready after 30 s \(limit 30 s; last: GenerateCredentialReport said INPROGRESS\); no report was used/,
    );
    // The last wait is cut short to end on the limit.
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 5000]);
    expect(server?.stats.byAction.GetCredentialReport).toBeUndefined();
  });

  it('times out naming throttling when IAM throttles throughout', async () => {
    const src = await source({ maxWaitMs: 5000 }, { fault: () => 'Throttling' });
    await expect(src.fetch()).rejects.toThrow(/last: GenerateCredentialReport was throttled/);
    expect(waits).toEqual([1000, 2000, 2000]);
  });

  it('does not retry an error that waiting cannot fix', async () => {
    const src = await source(
      {},
      {
        beforeAction: () => {
          throw new Error('crash');
        },
      },
    );
    const failure = await src.fetch().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IamError);
    expect((failure as IamError).message).toMatch(/^IAM GenerateCredentialReport failed: /);
    expect(waits).toEqual([]);
    expect(server?.stats.requests).toBe(1);
  });

  describe('passwordPolicy', () => {
    it('gives the maximum password age when passwords expire', async () => {
      account.setPasswordPolicy({ maxPasswordAge: 90 });
      expect(await (await source()).passwordPolicy()).toEqual({ maxPasswordAge: 90 });
    });

    it('gives a policy without a maximum age when passwords do not expire', async () => {
      account.setPasswordPolicy({ minimumPasswordLength: 14 });
      expect(await (await source()).passwordPolicy()).toEqual({});
    });

    it('gives null when the account has no password policy', async () => {
      expect(await (await source()).passwordPolicy()).toBeNull();
      expect(server?.stats.byAction).toEqual({ GetAccountPasswordPolicy: 1 });
    });

    it('turns other failures into an IamError', async () => {
      const src = await source({}, { fault: () => 'Throttling' });
      const failure = await src.passwordPolicy().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(IamError);
      expect(failure).toMatchObject({ code: 'Throttling' });
    });
  });
});

describe('getCredentialReport: content cut from the raw body', () => {
  it('returns exactly what the SDK parser returns, for a large report and for an error', async () => {
    const account = new IamAccount({
      createDate: new Date('2020-01-01T00:00:00Z'),
      credentialReportReadyAfterCalls: 0,
    });
    for (let i = 0; i < 300; i++) {
      account.createUser({ userName: `user-${i}`, createDate: new Date('2025-01-01T00:00:00Z') });
      account.createAccessKey(`user-${i}`, { createDate: new Date('2025-02-01T00:00:00Z') });
    }
    const server = await startIamServer(account);
    const client = new IAMClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      // Before a report exists IAM answers an error: it must surface as the SDK's own error.
      const missing = await getCredentialReport(client).catch((error: unknown) => error);
      const sdkMissing = await client
        .send(new GetCredentialReportCommand({}))
        .catch((error: unknown) => error);
      expect((missing as Error).name).toBe((sdkMissing as Error).name);
      expect((missing as Error).name).toMatch(/ReportNotPresent|ReportExpired/);

      await client.send(new GenerateCredentialReportCommand({}));
      const lifted = await getCredentialReport(client);
      const parsed = await client.send(new GetCredentialReportCommand({}));
      expect(Buffer.from(lifted.Content ?? []).toString('utf8')).toBe(
        Buffer.from(parsed.Content ?? []).toString('utf8'),
      );
      // Header, root, 300 users.
      expect(
        Buffer.from(lifted.Content ?? [])
          .toString('utf8')
          .trim()
          .split('\n'),
      ).toHaveLength(302);
      expect(lifted.ReportFormat).toBe(parsed.ReportFormat);
      expect(lifted.GeneratedTime).toEqual(parsed.GeneratedTime);
    } finally {
      client.destroy();
      await server.close();
    }
  });
});
