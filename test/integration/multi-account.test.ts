import { IAMClient } from '@aws-sdk/client-iam';
import { IamAccount, type IamServer, startIamServer } from '@keywarden/iam-simulator';
import { AwsIamGateway } from '../../src/adapters/iam/aws-iam';
import { iamClient } from '../../src/adapters/iam/client';
import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { HOME_ACCOUNT } from '../../src/domain/accounts';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import { SweepStop } from '../../src/domain/stop-reason';
import { runSweep } from '../../src/sweep/run-sweep';
import { listedAccounts } from '../support/account-targets';
import { csvGrid, World } from '../support/world';

const SECOND = '222233334444';
const THIRD = '555566667777';

/** A second account with one expired user the ledger names with its account id. */
function secondAccount(accountId: string) {
  return IamAccount.fromJSON({
    accountId,
    users: [
      {
        userName: 'analytics-ro',
        accessKeys: [{ accessKeyId: 'AKIASECONDACCOUNT001', createDate: '2026-06-01T00:00:00Z' }],
      },
    ],
  });
}

const keyOf = (accountId: string) => `AKIA${accountId}ROW1`;

/** An account with one user whose one key the ledger names. */
function accountWithKey(accountId: string) {
  return IamAccount.fromJSON({
    accountId,
    users: [
      {
        userName: 'analytics-ro',
        accessKeys: [{ accessKeyId: keyOf(accountId), createDate: '2026-06-01T00:00:00Z' }],
      },
    ],
  });
}

describe('a sweep across several accounts', () => {
  let world: World;
  const extra: { server: IamServer; client: IAMClient }[] = [];
  afterEach(async () => {
    for (const { server, client } of extra.splice(0)) {
      client.destroy();
      await server.close();
    }
    await world.close();
  });

  async function account(id: string, options: Parameters<typeof startIamServer>[1] = {}) {
    const server = await startIamServer(secondAccount(id), options);
    const client = new IAMClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    extra.push({ server, client });
    return { server, target: { id, iam: new AwsIamGateway(client, id) } };
  }

  function ledgerWithAccounts(): string[][] {
    const grid = csvGrid('ledger.csv').map((row) => [...row, '']);
    grid[0]![8] = 'AWSアカウントID';
    grid.push([
      '田中 三郎',
      '分析',
      'athena',
      'analytics-ro',
      'AKIASECONDACCOUNT001',
      '2026/06/01',
      '2026/11/10',
      '利用中',
      SECOND,
    ]);
    grid.push([
      '田中 三郎',
      '分析',
      'athena',
      'analytics-ro',
      'AKIATHIRDACCOUNT0001',
      '2026/06/01',
      '2026/11/10',
      '利用中',
      THIRD,
    ]);
    return grid;
  }

  it('runs the same plan in each account; one failing account is reported and stops nothing else', async () => {
    world = await World.start({ ledger: ledgerWithAccounts() });
    const second = await account(SECOND);
    const third = await account(THIRD, { fault: () => 'Throttling' });

    const report = await world.sweep('apply', { accounts: listedAccounts([second.target, third.target]) });

    expect(report.accounts).toEqual([
      { account: '123456789012', ok: true },
      { account: SECOND, ok: true },
      { account: THIRD, ok: false, error: expect.stringContaining('Throttling') },
    ]);
    // The home account's work and the second account's teardown both happened.
    expect(world.userNames()).not.toContain('ci-deploy');
    expect(second.server.stats.byAction.DeleteUser).toBe(1);
    expect(third.server.stats.byAction.DeleteUser).toBeUndefined();
    // Both accounts' write-backs went out in the one write.
    expect(world.sheets.stats).toMatchObject({ reads: 2, writes: 1 });
    expect(world.ledgerRow(14)[7]).toBe('削除済み');
    expect(world.ledgerRow(15)[7]).toBe('利用中');
    const key = 'teardown#AKIASECONDACCOUNT001#2026-11-10';
    expect((await world.state.journal.getMany([key])).get(key)).toMatchObject({
      state: 'completed',
      rowId: `${SECOND}/AKIASECONDACCOUNT001`,
    });
    expect(report.skips.find((s) => s.row.rowNumber === 15)).toMatchObject({
      reason: 'other-account',
      attention: true,
      detail: expect.objectContaining({ kind: 'account-failed', account: THIRD }),
    });
  });

  it('a sweep stopped between accounts says which ones it did not reach, not that it does not cover them', async () => {
    world = await World.start({ ledger: ledgerWithAccounts() });
    const stop = new AbortController();
    // A SIGTERM arrives while the second account's user is being deleted.
    const second = await account(SECOND, {
      beforeAction: (action) => {
        if (action === 'DeleteUser') stop.abort(new SweepStop({ kind: 'signal', signal: 'SIGTERM' }));
      },
    });
    const third = await account(THIRD);

    // One account at a time, so "between accounts" is a moment the test can name.
    const deps = world.deps({
      accounts: listedAccounts([second.target, third.target]),
      accountConcurrency: 1,
    });
    const begun: { account: string; n: number; of: number }[] = [];
    const ended: string[] = [];
    const report = await runSweep(deps, {
      mode: 'apply',
      stop: stop.signal,
      onAccount: (progress) => begun.push(progress),
      onAccountDone: (account) => ended.push(account),
    });

    // The run's own stop: the whole run is stopped, no account counts as failed (unchanged by
    // the Step Functions rule that keeps one account's own stop on that account).
    expect(report.stopped?.reason).toEqual({ kind: 'signal', signal: 'SIGTERM' });
    expect(report.accounts?.filter((outcome) => !outcome.ok)).toEqual([]);
    // The progress line heard of the accounts begun, and only those.
    expect(begun).toEqual([
      // The home account's id is known only once its sweep has begun.
      { account: HOME_ACCOUNT, n: 1, of: 3 },
      { account: SECOND, n: 2, of: 3 },
    ]);
    // Both begun accounts ended: the second finished its teardown at the safe point.
    expect(ended).toEqual([HOME_ACCOUNT, SECOND]);
    // The teardown under way finished; the third account was never started.
    expect(second.server.stats.byAction.DeleteUser).toBe(1);
    expect(third.server.stats.requests).toBe(0);
    expect(report.skips.find((s) => s.row.rowNumber === 15)).toMatchObject({
      reason: 'other-account',
      attention: true,
      detail: { kind: 'account-not-reached', account: THIRD },
    });
  });

  it('sweeps accounts side by side, credential reports asked for first; results, write-back and report as one', async () => {
    const [A, B, C, D] = ['300000000001', '300000000002', '300000000003', '300000000004'] as const;
    const ids = ['home', A, B, C, D];
    // Every request of every account, in arrival order, as `account:Action`.
    const arrivals: string[] = [];
    // Each account's first inventory request is held until all five accounts have one in flight:
    // only a sweep that runs them side by side gets past it (one at a time would wait forever).
    const inventoried = new Set<string>();
    let allInFlight!: () => void;
    const together = new Promise<void>((resolve) => {
      allInFlight = resolve;
    });
    const hold = (id: string) => async (action: string) => {
      arrivals.push(`${id}:${action}`);
      if (action !== 'GetAccountAuthorizationDetails') return;
      inventoried.add(id);
      if (inventoried.size === ids.length) allInFlight();
      await together;
    };
    const ledger = csvGrid('ledger.csv').map((row) => [...row, '']);
    ledger[0]![8] = 'AWSアカウントID';
    for (const id of [A, B, C, D])
      ledger.push([
        '田中 三郎',
        '分析',
        'athena',
        'analytics-ro',
        keyOf(id),
        '2026/06/01',
        '2026/11/10',
        '利用中',
        id,
      ]);
    world = await World.start({ ledger, iamServer: { hold: hold('home') } });

    const member = async (id: string, options: Parameters<typeof startIamServer>[1], attempts?: number) => {
      const server = await startIamServer(accountWithKey(id), { ...options, hold: hold(id) });
      const settings = {
        region: 'us-east-1',
        endpoint: server.url,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      };
      // Production's client (standard retries), or one attempt for the account that keeps failing.
      const used = attempts ? new IAMClient({ ...settings, maxAttempts: attempts }) : iamClient(settings);
      extra.push({ server, client: used });
      return {
        server,
        target: {
          id,
          iam: new AwsIamGateway(used, id),
          credentialReports: new AwsCredentialReportSource(used, { sleep: async () => {} }),
        },
      };
    };
    let throttled = 0;
    const accounts = [
      await member(A, {}),
      await member(B, { fault: () => 'Throttling' }, 1),
      // Throttled twice, then ridden out by the standard retries.
      await member(C, {
        fault: (action) =>
          action === 'GetAccountAuthorizationDetails' && throttled++ < 2 ? 'Throttling' : null,
      }),
      await member(D, {}),
    ];

    const report = await world.sweep('apply', {
      accounts: listedAccounts(accounts.map((a) => a.target)),
      credentialReports: new AwsCredentialReportSource(world.iamClient, { sleep: async () => {} }),
      hygiene: { policy: DEFAULT_HYGIENE_POLICY, deactivateStaleKeys: false },
    });

    expect(inventoried.size).toBe(ids.length);
    expect(throttled).toBe(3);
    // In account order, whichever finished first.
    expect(report.accounts?.map(({ account, ok }) => [account, ok])).toEqual([
      ['123456789012', true],
      [A, true],
      [B, false],
      [C, true],
      [D, true],
    ]);
    expect(report.accounts?.[2]).toMatchObject({ error: expect.stringContaining('Throttling') });
    const torn = report.results.flatMap((r) =>
      r.action.kind === 'teardown-user' && r.outcome === 'done'
        ? r.action.rows.map((row) => row.accountId ?? 'home')
        : [],
    );
    expect(torn.filter((id) => id !== 'home')).toEqual([A, C, D]);
    expect(torn.indexOf(A)).toBeGreaterThan(torn.lastIndexOf('home'));
    for (const i of [0, 2, 3]) expect(accounts[i]!.server.stats.byAction.DeleteUser).toBe(1);
    expect(accounts[1]!.server.stats.byAction.DeleteUser).toBeUndefined();
    // One read and one write-back for every account's rows.
    expect(world.sheets.stats).toMatchObject({ reads: 2, writes: 1 });
    expect([14, 15, 16, 17].map((n) => world.ledgerRow(n)[7])).toEqual([
      '削除済み',
      '利用中',
      '削除済み',
      '削除済み',
    ]);
    // Every account was asked for its credential report before any account's sweep began.
    const firstInventory = arrivals.findIndex((a) => a.endsWith(':GetAccountAuthorizationDetails'));
    for (const id of ids) {
      const asked = arrivals.indexOf(`${id}:GenerateCredentialReport`);
      expect(asked).toBeGreaterThanOrEqual(0);
      expect(asked).toBeLessThan(firstInventory);
    }
  });

  it('flags rows of accounts the sweep does not cover', async () => {
    world = await World.start({ ledger: ledgerWithAccounts() });
    const report = await world.sweep('dry-run');
    expect(report.skips.filter((s) => s.reason === 'other-account').map((s) => s.row.rowNumber)).toEqual([
      14, 15,
    ]);
  });
});
