import {
  IamAccount,
  type IamServer,
  startIamServer,
  startMultiAccountIamServer,
} from '@keywarden/iam-simulator';
import { accountTargets } from '../../src/adapters/accounts/targets';
import { loadConfig } from '../../src/config';
import { accountTargetOptions } from '../../src/container';
import {
  assumedKeyId,
  type FakeControlPlane,
  startControlPlane,
  startSigningRecorder,
} from '../fakes/sts-organizations-server';

describe('account targets', () => {
  let iam: IamServer;
  let control: FakeControlPlane;
  let recorder: Awaited<ReturnType<typeof startSigningRecorder>>;
  const closers: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    iam = await startIamServer(
      IamAccount.fromJSON({ accountId: '222233334444', users: [{ userName: 'u1' }] }),
    );
    recorder = await startSigningRecorder(iam.url);
    control = await startControlPlane('111122223333', [
      { id: '111122223333', status: 'ACTIVE' },
      { id: '222233334444', status: 'ACTIVE' },
      { id: '999999999999', status: 'SUSPENDED' },
    ]);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await Promise.all([recorder.close(), control.close(), iam.close()]);
  });

  const env = (accounts: string) => ({
    IAM_SOURCE: 'aws',
    IAM_ENDPOINT: recorder.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAHOMEHOMEHOMEHOME',
    AWS_SECRET_ACCESS_KEY: 'home-secret',
    ACCOUNTS: accounts,
    ASSUME_ROLE_NAME: 'KeywardenAccess',
    STS_ENDPOINT: control.url,
    ORGANIZATIONS_ENDPOINT: control.url,
  });

  it('assumes the named role in each listed account and signs its IAM calls with those credentials', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env('111122223333,222233334444'));
    try {
      const targets = await accountTargets(accountTargetOptions(loadConfig(process.env))!, closers).list();
      // The credentials' own account is the home account, not a target.
      expect(targets.map((t) => t.id)).toEqual(['222233334444']);
      const inventory = await targets[0]!.iam.inventory();
      expect([...inventory.users.keys()]).toEqual(['u1']);
      expect(control.assumed).toEqual(['arn:aws:iam::222233334444:role/KeywardenAccess']);
      expect(recorder.keys).toEqual([assumedKeyId('222233334444')]);
    } finally {
      process.env = saved;
    }
  });

  it('lists nothing until asked, reaches an account by id without listing, and lists once', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env('organizations'));
    try {
      const targets = accountTargets(accountTargetOptions(loadConfig(process.env))!, closers);
      // Made at every cold start (the Slack function's too): nothing asked of STS or Organizations.
      expect(control.calls).toEqual([]);
      // An account step of a run whose first step listed the accounts: its own role, no listing.
      const reached = targets.reach('222233334444');
      expect([...(await reached.iam.inventory()).users.keys()]).toEqual(['u1']);
      expect(control.calls).toEqual(['AssumeRole']);
      // The listing, asked for twice, is made once and gives the same target for that id.
      const [first, again] = await Promise.all([targets.list(), targets.list()]);
      expect(first).toBe(again);
      expect(first).toEqual([reached]);
      expect(first[0]).toBe(reached);
      expect(control.calls.filter((call) => call === 'ListAccounts')).toHaveLength(1);
      expect(control.calls.filter((call) => call === 'GetCallerIdentity')).toHaveLength(1);
    } finally {
      process.env = saved;
    }
  });

  it('takes an account listed twice once, and lists again after a listing that failed', async () => {
    const flaky = await startControlPlane('111122223333', [{ id: '222233334444', status: 'ACTIVE' }], {
      failListings: 1,
    });
    const saved = { ...process.env };
    Object.assign(process.env, {
      ...env('organizations'),
      STS_ENDPOINT: flaky.url,
      ORGANIZATIONS_ENDPOINT: flaky.url,
    });
    try {
      // Unretried (the doctor's patience), so the fake's one failure reaches the caller.
      const targets = accountTargets(accountTargetOptions(loadConfig(process.env), 5_000)!, closers);
      await expect(targets.list()).rejects.toThrow(/ListAccounts/);
      expect((await targets.list()).map((t) => t.id)).toEqual(['222233334444']);
      expect(flaky.calls.filter((call) => call === 'ListAccounts')).toHaveLength(2);

      process.env.ACCOUNTS = '222233334444,222233334444';
      const twice = accountTargets(accountTargetOptions(loadConfig(process.env))!, closers);
      expect((await twice.list()).map((t) => t.id)).toEqual(['222233334444']);
    } finally {
      process.env = saved;
      await flaky.close();
    }
  });

  it('takes active accounts from AWS Organizations', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env('organizations'));
    try {
      const targets = await accountTargets(accountTargetOptions(loadConfig(process.env))!, closers).list();
      expect(targets.map((t) => t.id)).toEqual(['222233334444']);
    } finally {
      process.env = saved;
    }
  });

  it("reaches an Organization's accounts on one IAM server, each through its assumed role's key", async () => {
    // The benchmark's setup: one listening socket for every account, routed by signing key.
    const accounts = ['111122223333', '222233334444', '333344445555'];
    const byKey = new Map(
      accounts.map((id, i) => [
        i === 0 ? 'AKIAHOMEHOMEHOMEHOME' : assumedKeyId(id),
        IamAccount.fromJSON({ accountId: id, users: [{ userName: `user-of-${id}` }] }),
      ]),
    );
    const shared = await startMultiAccountIamServer((keyId) => byKey.get(keyId));
    const organization = await startControlPlane(
      accounts[0]!,
      accounts.map((id) => ({ id, status: 'ACTIVE' })),
    );
    const saved = { ...process.env };
    Object.assign(process.env, {
      ...env('organizations'),
      IAM_ENDPOINT: shared.url,
      STS_ENDPOINT: organization.url,
      ORGANIZATIONS_ENDPOINT: organization.url,
    });
    try {
      const targets = await accountTargets(accountTargetOptions(loadConfig(process.env))!, closers).list();
      const seen = await Promise.all(
        targets.map(async (t) => [t.id, [...(await t.iam.inventory()).users.keys()]]),
      );
      expect(seen).toEqual([
        ['222233334444', ['user-of-222233334444']],
        ['333344445555', ['user-of-333344445555']],
      ]);
    } finally {
      process.env = saved;
      await Promise.all([shared.close(), organization.close()]);
    }
  });
});
