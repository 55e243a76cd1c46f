import { IAMClient } from '@aws-sdk/client-iam';
import { IamAccount, type IamServer, startIamServer } from '@keywarden/iam-simulator';
import { AwsIamGateway } from '../../src/adapters/iam/aws-iam';
import { userTeardownSteps } from '../../src/domain/teardown';
import { IamError } from '../../src/ports/iam';
import { exampleAccount, NOW } from '../support/world';

describe('AwsIamGateway against the IAM simulator', () => {
  let account: IamAccount;
  let server: IamServer;
  let client: IAMClient;
  let gateway: AwsIamGateway;

  beforeEach(async () => {
    account = IamAccount.fromJSON(exampleAccount(), { clock: () => new Date(NOW) });
    server = await startIamServer(account);
    client = new IAMClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    gateway = new AwsIamGateway(client);
  });
  afterEach(async () => {
    client.destroy();
    await server.close();
  });

  it('reads the inventory in bulk: tags, groups and policies, no per-user calls', async () => {
    const inventory = await gateway.inventory();
    expect(inventory.accountId).toBe('123456789012');
    expect(inventory.users.get('ci-deploy')).toMatchObject({
      tags: { Email: 'sato@example.com' },
      groups: ['deployers'],
      inlinePolicyNames: ['deploy-inline'],
    });
    expect(server.stats.byAction).toEqual({ GetAccountAuthorizationDetails: 1 });
  });

  it('reads everything that blocks DeleteUser, and null for a user that does not exist', async () => {
    const holdings = await gateway.holdings('ci-deploy');
    expect(holdings).toMatchObject({
      loginProfile: true,
      mfaDevices: ['arn:aws:iam::123456789012:mfa/ci-deploy'],
      groups: ['deployers'],
      inlinePolicies: ['deploy-inline'],
    });
    expect(holdings?.signingCertificates).toHaveLength(1);
    expect(holdings?.sshPublicKeys).toHaveLength(1);
    expect(holdings?.serviceSpecificCredentials).toHaveLength(1);
    expect(holdings?.attachedPolicies).toHaveLength(3);
    expect(await gateway.holdings('nobody')).toBeNull();
  });

  it.each([
    'delete-login-profile',
    'delete-ssh-public-key',
    'remove-from-group',
    'delete-inline-policy',
    'detach-policy',
    'delete-access-key',
  ])('DeleteUser fails with DeleteConflict when %s is skipped', async (skipped) => {
    const holdings = await gateway.holdings('ci-deploy');
    const steps = userTeardownSteps(holdings!).filter((step) => step.op !== skipped);
    const deleteUser = steps.pop()!;
    for (const step of steps) await gateway.run(step);
    const failure = await gateway.run(deleteUser).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IamError);
    expect((failure as IamError).code).toMatch(/^DeleteConflict/);
    expect(account.listUsers().map((u) => u.userName)).toContain('ci-deploy');
  });

  it('deletes a policy only once nothing uses it, versions first', async () => {
    const holdings = await gateway.holdings('ci-deploy');
    for (const step of userTeardownSteps(holdings!)) await gateway.run(step);
    expect(await gateway.deletePolicyIfUnused('arn:aws:iam::123456789012:policy/ci-deploy-policy')).toBe(
      'deleted',
    );
    expect(await gateway.deletePolicyIfUnused('arn:aws:iam::123456789012:policy/shared-s3-read')).toBe(
      'still-attached',
    );
    expect(await gateway.deletePolicyIfUnused('arn:aws:iam::123456789012:policy/ci-deploy-policy')).toBe(
      'already-gone',
    );
  });

  it('counts a step on something already gone as done', async () => {
    expect(await gateway.run({ op: 'delete-user', userName: 'nobody' })).toBe('already-gone');
  });
});
