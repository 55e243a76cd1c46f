import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListPolicyVersionsCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  paginateGetAccountAuthorizationDetails,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  type UserDetail,
} from '@aws-sdk/client-iam';
import {
  CREDENTIAL_REPORT_COLUMNS,
  IamAccount,
  IamError,
  type IamServer,
  type IamServerOptions,
  startIamServer,
  startMultiAccountIamServer,
} from '../src';

const ACCOUNT = '123456789012';
const T0 = new Date('2025-06-01T00:00:00Z');
const DOC = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};

/** A clock the tests move by hand, so dates and report ages are exact. */
function manualClock(start: Date = T0): { now: () => Date; advance: (ms: number) => void } {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}

function newAccount(clock = manualClock()): IamAccount {
  return new IamAccount({ clock: clock.now, idSeed: 42 });
}

const servers: IamServer[] = [];
const clients: IAMClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function connect(
  account: IamAccount,
  options: IamServerOptions = {},
  maxAttempts = 1,
): Promise<{ server: IamServer; iam: IAMClient }> {
  const server = await startIamServer(account, options);
  servers.push(server);
  const iam = new IAMClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts,
  });
  clients.push(iam);
  return { server, iam };
}

/** The rejection's SDK error name and HTTP status, for compact assertions. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('IAM simulator through the real IAMClient', () => {
  it('pages GetAccountAuthorizationDetails 100 at a time across 150 users', async () => {
    const account = newAccount();
    account.createGroup({ groupName: 'devs' });
    const policy = account.createPolicy({ policyName: 'read-s3', document: DOC });
    for (let i = 0; i < 150; i += 1) {
      const userName = `user-${String(i).padStart(3, '0')}`;
      account.createUser({ userName, tags: { index: String(i) } });
      if (i % 10 === 0) {
        account.addUserToGroup('devs', userName);
        account.attachUserPolicy(userName, policy.arn);
        account.putUserPolicy(userName, 'inline', DOC);
      }
    }
    const { iam } = await connect(account);

    const first = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
    expect(first.UserDetailList).toHaveLength(100);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toEqual(expect.any(String));
    const second = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['User'], Marker: first.Marker }),
    );
    expect(second.UserDetailList).toHaveLength(50);
    expect(second.IsTruncated).toBe(false);
    expect(second.Marker).toBeUndefined();

    const names: string[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, {})) {
      names.push(...(page.UserDetailList ?? []).map((u) => u.UserName ?? ''));
    }
    expect(names).toHaveLength(150);
    expect(new Set(names).size).toBe(150);

    const all = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1000 }));
    expect(all.IsTruncated).toBe(false);
    expect(all.UserDetailList).toHaveLength(150);
    expect(all.GroupDetailList?.map((g) => g.GroupName)).toEqual(['devs']);
    expect(all.RoleDetailList).toEqual([]);
    expect(all.Policies?.map((p) => [p.Arn, p.AttachmentCount, p.PolicyVersionList?.length])).toEqual([
      [`arn:aws:iam::${ACCOUNT}:policy/read-s3`, 15, 1],
    ]);

    const detail = all.UserDetailList?.find((u) => u.UserName === 'user-010') as UserDetail;
    expect(detail).toMatchObject({
      Path: '/',
      Arn: `arn:aws:iam::${ACCOUNT}:user/user-010`,
      CreateDate: T0,
      GroupList: ['devs'],
      AttachedManagedPolicies: [{ PolicyName: 'read-s3', PolicyArn: policy.arn }],
      Tags: [{ Key: 'index', Value: '10' }],
    });
    expect(detail.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    // IAM URL-encodes policy documents in this call; the SDK passes them through as sent.
    expect(JSON.parse(decodeURIComponent(detail.UserPolicyList?.[0]?.PolicyDocument ?? ''))).toEqual(DOC);
  });

  it('keeps its place when users are deleted between pages', async () => {
    const account = newAccount();
    for (let i = 0; i < 20; i += 1) account.createUser({ userName: `u${String(i).padStart(2, '0')}` });
    const { iam } = await connect(account);

    const first = await iam.send(new ListUsersCommand({ MaxItems: 10 }));
    account.deleteUser('u09');
    account.deleteUser('u10');
    const second = await iam.send(new ListUsersCommand({ MaxItems: 10, Marker: first.Marker }));
    expect(second.Users?.map((u) => u.UserName)).toEqual([
      'u11',
      'u12',
      'u13',
      'u14',
      'u15',
      'u16',
      'u17',
      'u18',
      'u19',
    ]);
    expect(second.IsTruncated).toBe(false);
  });

  it('round-trips tags', async () => {
    const account = newAccount();
    account.createUser({
      userName: 'alice',
      tags: { owner: 'alice@example.com', 'expires-on': '2025-07-01' },
    });
    const { iam } = await connect(account);

    await iam.send(
      new TagUserCommand({
        UserName: 'alice',
        Tags: [
          { Key: 'note', Value: 'no-mfa/key-too-old until=2026-12-31 reason=Tom+Jerry @ SRE: 決済' },
          { Key: 'チーム', Value: '決済' },
          { Key: 'owner', Value: 'bob@example.com' },
        ],
      }),
    );
    const user = await iam.send(new GetUserCommand({ UserName: 'ALICE' }));
    expect(user.User?.UserName).toBe('alice');
    expect(user.User?.Tags).toEqual([
      { Key: 'owner', Value: 'bob@example.com' },
      { Key: 'expires-on', Value: '2025-07-01' },
      { Key: 'note', Value: 'no-mfa/key-too-old until=2026-12-31 reason=Tom+Jerry @ SRE: 決済' },
      { Key: 'チーム', Value: '決済' },
    ]);

    const keys: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(
        new ListUserTagsCommand({ UserName: 'alice', MaxItems: 1, Marker: marker }),
      );
      keys.push(...(page.Tags ?? []).map((t) => t.Key ?? ''));
      marker = page.Marker;
    } while (marker);
    expect(keys.sort()).toEqual(['expires-on', 'note', 'owner', 'チーム'].sort());

    await iam.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['note', 'チーム'] }));
    expect(account.listUserTags('alice')).toEqual([
      { key: 'owner', value: 'bob@example.com' },
      { key: 'expires-on', value: '2025-07-01' },
    ]);
  });

  it('refuses tags IAM refuses: a comma, *, markup, or a value over 256 characters', async () => {
    const account = newAccount();
    account.createUser({ userName: 'alice' });
    const { iam } = await connect(account);
    const tag = (Key: string, Value: string) =>
      iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key, Value }] })).catch((e: unknown) => e);
    for (const value of ['no-mfa,key-too-old', '*', '<b>x</b>', 'x'.repeat(257)])
      expect(await tag('keywarden:mute', value)).toMatchObject({ name: 'ValidationError' });
    expect(await tag('', 'x')).toMatchObject({ name: 'ValidationError' });
    expect(await tag('k'.repeat(129), 'x')).toMatchObject({ name: 'ValidationError' });
    expect(account.listUserTags('alice')).toEqual([]);

    // 256 characters, Japanese counted as one each, and every allowed sign.
    const longest = `all until=2026-12-31 reason=${'理'.repeat(228)}`;
    expect(longest).toHaveLength(256);
    await iam.send(
      new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'keywarden:mute', Value: longest }] }),
    );
    await iam.send(
      new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'a_b.c:d/e=f+g-h@i j', Value: '' }] }),
    );
    expect(account.listUserTags('alice').map((t) => t.key)).toEqual([
      'keywarden:mute',
      'a_b.c:d/e=f+g-h@i j',
    ]);
  });

  describe('DeleteUser while something is still attached', () => {
    interface Attachment {
      readonly kind: string;
      readonly attach: (account: IamAccount, userName: string) => void;
      readonly remove: (iam: IAMClient, account: IamAccount, userName: string) => Promise<unknown>;
    }
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/read-s3`;
    const ATTACHMENTS: readonly Attachment[] = [
      {
        kind: 'access key',
        attach: (a, u) => a.createAccessKey(u),
        remove: (iam, a, u) =>
          iam.send(
            new DeleteAccessKeyCommand({ UserName: u, AccessKeyId: a.listAccessKeys(u)[0]?.accessKeyId }),
          ),
      },
      {
        kind: 'login profile',
        attach: (a, u) => a.createLoginProfile(u),
        remove: (iam, _a, u) => iam.send(new DeleteLoginProfileCommand({ UserName: u })),
      },
      {
        kind: 'MFA device',
        attach: (a, u) => a.createVirtualMfaDevice(u, { userName: u }),
        remove: (iam, _a, u) =>
          iam.send(
            new DeactivateMFADeviceCommand({ UserName: u, SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/${u}` }),
          ),
      },
      {
        kind: 'signing certificate',
        attach: (a, u) => a.uploadSigningCertificate(u),
        remove: (iam, a, u) =>
          iam.send(
            new DeleteSigningCertificateCommand({
              UserName: u,
              CertificateId: a.listSigningCertificates(u)[0]?.certificateId,
            }),
          ),
      },
      {
        kind: 'SSH public key',
        attach: (a, u) => a.uploadSshPublicKey(u),
        remove: (iam, a, u) =>
          iam.send(
            new DeleteSSHPublicKeyCommand({
              UserName: u,
              SSHPublicKeyId: a.listSshPublicKeys(u)[0]?.sshPublicKeyId,
            }),
          ),
      },
      {
        kind: 'service-specific credential',
        attach: (a, u) => a.createServiceSpecificCredential(u),
        remove: (iam, a, u) =>
          iam.send(
            new DeleteServiceSpecificCredentialCommand({
              UserName: u,
              ServiceSpecificCredentialId:
                a.listServiceSpecificCredentials(u)[0]?.serviceSpecificCredentialId,
            }),
          ),
      },
      {
        kind: 'inline policy',
        attach: (a, u) => a.putUserPolicy(u, 'inline', DOC),
        remove: (iam, _a, u) => iam.send(new DeleteUserPolicyCommand({ UserName: u, PolicyName: 'inline' })),
      },
      {
        kind: 'attached policy',
        attach: (a, u) => a.attachUserPolicy(u, policyArn),
        remove: (iam, _a, u) => iam.send(new DetachUserPolicyCommand({ UserName: u, PolicyArn: policyArn })),
      },
      {
        kind: 'group membership',
        attach: (a, u) => a.addUserToGroup('devs', u),
        remove: (iam, _a, u) => iam.send(new RemoveUserFromGroupCommand({ UserName: u, GroupName: 'devs' })),
      },
    ];

    it.each(ATTACHMENTS.map((a) => [a.kind, a] as const))(
      'is a DeleteConflict while the user still has: %s',
      async (_kind, attachment) => {
        const account = newAccount();
        account.createGroup({ groupName: 'devs' });
        account.createPolicy({ policyName: 'read-s3', document: DOC });
        account.createUser({ userName: 'alice' });
        attachment.attach(account, 'alice');
        const { iam } = await connect(account);

        expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'alice' })))).toEqual({
          name: 'DeleteConflictException',
          status: 409,
        });
        await attachment.remove(iam, account, 'alice');
        await iam.send(new DeleteUserCommand({ UserName: 'alice' }));
        expect(await failure(iam.send(new GetUserCommand({ UserName: 'alice' })))).toEqual({
          name: 'NoSuchEntityException',
          status: 404,
        });
      },
    );
  });

  it('tears a fully loaded user down in IAM order, then its customer-managed policy', async () => {
    const account = newAccount();
    const policy = account.createPolicy({ policyName: 'deploy', document: DOC });
    account.createPolicyVersion(policy.arn, { ...DOC, Statement: [] });
    account.createPolicyVersion(policy.arn, DOC, { setAsDefault: true });
    account.createGroup({ groupName: 'devs' });
    account.createGroup({ groupName: 'ops' });
    account.createUser({ userName: 'carol' });
    account.createAccessKey('carol');
    account.createAccessKey('carol', { status: 'Inactive' });
    account.createLoginProfile('carol');
    account.createVirtualMfaDevice('carol-phone', { userName: 'carol' });
    account.uploadSigningCertificate('carol');
    account.uploadSshPublicKey('carol');
    account.createServiceSpecificCredential('carol');
    account.addUserToGroup('devs', 'carol');
    account.addUserToGroup('ops', 'carol');
    account.putUserPolicy('carol', 'one', DOC);
    account.putUserPolicy('carol', 'two', DOC);
    account.attachUserPolicy('carol', policy.arn);
    const { iam, server } = await connect(account);
    const UserName = 'carol';

    for (const key of (await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? []) {
      await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.AccessKeyId }));
    }
    expect((await iam.send(new GetLoginProfileCommand({ UserName }))).LoginProfile?.CreateDate).toEqual(T0);
    await iam.send(new DeleteLoginProfileCommand({ UserName }));
    for (const device of (await iam.send(new ListMFADevicesCommand({ UserName }))).MFADevices ?? []) {
      expect(
        await failure(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: device.SerialNumber }))),
      ).toEqual({ name: 'DeleteConflictException', status: 409 });
      await iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: device.SerialNumber }));
      await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: device.SerialNumber }));
    }
    for (const cert of (await iam.send(new ListSigningCertificatesCommand({ UserName }))).Certificates ??
      []) {
      await iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: cert.CertificateId }));
    }
    for (const key of (await iam.send(new ListSSHPublicKeysCommand({ UserName }))).SSHPublicKeys ?? []) {
      await iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: key.SSHPublicKeyId }));
    }
    const creds = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName }));
    for (const cred of creds.ServiceSpecificCredentials ?? []) {
      const id = cred.ServiceSpecificCredentialId;
      await iam.send(
        new DeleteServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: id }),
      );
    }
    for (const group of (await iam.send(new ListGroupsForUserCommand({ UserName }))).Groups ?? []) {
      await iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: group.GroupName }));
    }
    for (const name of (await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames ?? []) {
      await iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: name }));
    }
    for (const attached of (await iam.send(new ListAttachedUserPoliciesCommand({ UserName })))
      .AttachedPolicies ?? []) {
      await iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: attached.PolicyArn }));
    }
    await iam.send(new DeleteUserCommand({ UserName }));

    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: policy.arn })))).toEqual({
      name: 'DeleteConflictException',
      status: 409,
    });
    const versions =
      (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policy.arn }))).Versions ?? [];
    expect(versions.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v1', false],
      ['v2', false],
      ['v3', true],
    ]);
    for (const version of versions.filter((v) => !v.IsDefaultVersion)) {
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: policy.arn, VersionId: version.VersionId }));
    }
    await iam.send(new DeletePolicyCommand({ PolicyArn: policy.arn }));

    expect(account.listUsers()).toEqual([]);
    expect(account.listVirtualMfaDevices()).toEqual([]);
    expect(account.listPolicies()).toEqual([]);
    expect(server.stats.byAction.DeleteUser).toBe(1);
  });

  it('refuses DeletePolicy while attached and guards default versions and AWS-managed policies', async () => {
    const account = newAccount();
    const policy = account.createPolicy({ policyName: 'deploy', document: DOC });
    const aws = account.createAwsManagedPolicy({ policyName: 'ReadOnlyAccess', document: DOC });
    account.createUser({ userName: 'dave' });
    account.createGroup({ groupName: 'devs' });
    account.attachUserPolicy('dave', policy.arn);
    account.attachGroupPolicy('devs', policy.arn);
    account.attachUserPolicy('dave', aws.arn);
    const { iam } = await connect(account);

    expect((await iam.send(new GetPolicyCommand({ PolicyArn: policy.arn }))).Policy).toMatchObject({
      PolicyName: 'deploy',
      Arn: `arn:aws:iam::${ACCOUNT}:policy/deploy`,
      AttachmentCount: 2,
      DefaultVersionId: 'v1',
      IsAttachable: true,
    });
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policy.arn }));
    expect(entities.PolicyUsers?.map((u) => u.UserName)).toEqual(['dave']);
    expect(entities.PolicyGroups?.map((g) => g.GroupName)).toEqual(['devs']);

    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: policy.arn })))).toEqual({
      name: 'DeleteConflictException',
      status: 409,
    });
    expect(
      await failure(iam.send(new DeletePolicyVersionCommand({ PolicyArn: policy.arn, VersionId: 'v1' }))),
    ).toEqual({ name: 'DeleteConflictException', status: 409 });
    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: aws.arn })))).toEqual({
      name: 'InvalidInputException',
      status: 400,
    });
    expect(
      await failure(iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/nope` }))),
    ).toEqual({ name: 'NoSuchEntityException', status: 404 });

    const details = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['LocalManagedPolicy', 'AWSManagedPolicy'] }),
    );
    expect(details.Policies?.map((p) => p.Arn)).toEqual([policy.arn, aws.arn]);
  });

  it('finds, updates and deletes access keys only for their own user', async () => {
    const account = newAccount();
    account.createUser({ userName: 'erin' });
    account.createUser({ userName: 'frank' });
    const used = account.createAccessKey('erin', {
      lastUsed: { date: new Date('2025-05-30T08:00:00Z'), service: 's3', region: 'eu-west-1' },
    });
    const fresh = account.createAccessKey('erin');
    const { iam } = await connect(account);

    expect(used.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(
      (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: used.accessKeyId }))).AccessKeyLastUsed,
    ).toEqual({ LastUsedDate: new Date('2025-05-30T08:00:00Z'), ServiceName: 's3', Region: 'eu-west-1' });
    expect(await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: fresh.accessKeyId }))).toMatchObject(
      {
        UserName: 'erin',
        AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
      },
    );

    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'erin', AccessKeyId: used.accessKeyId, Status: 'Inactive' }),
    );
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'erin' }));
    expect(keys.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status])).toEqual([
      [used.accessKeyId, 'Inactive'],
      [fresh.accessKeyId, 'Active'],
    ]);

    expect(
      await failure(
        iam.send(new DeleteAccessKeyCommand({ UserName: 'frank', AccessKeyId: used.accessKeyId })),
      ),
    ).toEqual({ name: 'NoSuchEntityException', status: 404 });
    expect(
      await failure(
        iam.send(new DeleteAccessKeyCommand({ UserName: 'nobody', AccessKeyId: used.accessKeyId })),
      ),
    ).toEqual({ name: 'NoSuchEntityException', status: 404 });
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'erin', AccessKeyId: used.accessKeyId }));
    expect(account.listAccessKeys('erin').map((k) => k.accessKeyId)).toEqual([fresh.accessKeyId]);
  });

  it('survives injected throttling through the SDK retry and counts the faults', async () => {
    const account = newAccount();
    account.createUser({ userName: 'gina' });
    const { iam, server } = await connect(
      account,
      { fault: (_action, n) => (n <= 2 ? 'Throttling' : null) },
      3,
    );

    const users = await iam.send(new ListUsersCommand({}));
    expect(users.Users?.map((u) => u.UserName)).toEqual(['gina']);
    expect(users.$metadata.attempts).toBe(3);
    expect(server.stats).toEqual({ requests: 3, byAction: { ListUsers: 3 }, faulted: 2 });
  });

  it('surfaces throttling once retries run out', async () => {
    const { iam, server } = await connect(newAccount(), { fault: () => 'Throttling' }, 1);
    expect(await failure(iam.send(new ListUsersCommand({})))).toEqual({ name: 'Throttling', status: 400 });
    expect(server.stats.faulted).toBe(1);
  });

  it('lets beforeAction crash a request without applying it, or answer with an IAM error', async () => {
    const account = newAccount();
    account.createUser({ userName: 'hank' });
    const key = account.createAccessKey('hank');
    const { iam } = await connect(account, {
      beforeAction: (action, params) => {
        if (action === 'DeleteAccessKey') throw new Error('simulated crash');
        if (action === 'DeleteLoginProfile' && params.UserName === 'hank') {
          throw new IamError('NoSuchEntity', 'injected');
        }
      },
    });

    const crashed = await failure(
      iam.send(new DeleteAccessKeyCommand({ UserName: 'hank', AccessKeyId: key.accessKeyId })),
    );
    expect(crashed.status).toBeUndefined();
    expect(account.listAccessKeys('hank')).toHaveLength(1);
    expect(await failure(iam.send(new DeleteLoginProfileCommand({ UserName: 'hank' })))).toEqual({
      name: 'NoSuchEntityException',
      status: 404,
    });
  });

  it('answers unknown actions with InvalidAction', async () => {
    const { server } = await connect(newAccount());
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateRole&Version=2010-05-08',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidAction</Code>');
  });

  it('serves many accounts from one server, each request in the account whose key signed it', async () => {
    const accounts = new Map(
      ['111111111111', '222222222222'].map((id) => {
        const account = new IamAccount({ accountId: id, clock: manualClock().now, idSeed: Number(id[0]) });
        account.createUser({ userName: `only-in-${id}` });
        return [`ASIA${id}` as string, account] as const;
      }),
    );
    const server = await startMultiAccountIamServer((keyId) => accounts.get(keyId));
    servers.push(server);
    const as = (accessKeyId: string) => {
      const iam = new IAMClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId, secretAccessKey: 'test', sessionToken: 'token' },
        maxAttempts: 1,
      });
      clients.push(iam);
      return iam;
    };
    const userNames = async (iam: IAMClient) =>
      (await iam.send(new ListUsersCommand({}))).Users?.map((u) => [u.UserName, u.Arn]);

    expect(await userNames(as('ASIA111111111111'))).toEqual([
      ['only-in-111111111111', 'arn:aws:iam::111111111111:user/only-in-111111111111'],
    ]);
    // A change in one account leaves the other as it was.
    await as('ASIA222222222222').send(new DeleteUserCommand({ UserName: 'only-in-222222222222' }));
    expect(await userNames(as('ASIA222222222222'))).toEqual([]);
    expect(await userNames(as('ASIA111111111111'))).toHaveLength(1);
    expect(await failure(as('ASIAUNKNOWN00000').send(new ListUsersCommand({})))).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
    });
    expect(server.stats.requests).toBe(5);
  });

  it('generates the credential report STARTED then COMPLETE, with IAM columns and values', async () => {
    const clock = manualClock();
    const account = newAccount(clock);
    account.setRootAccount({ mfaActive: true });
    account.setPasswordPolicy({ minimumPasswordLength: 14, maxPasswordAge: 90 });
    account.createUser({ userName: 'ivy', createDate: new Date('2024-01-01T00:00:00Z') });
    account.createLoginProfile('ivy', { createDate: new Date('2025-05-01T00:00:00Z') });
    account.createVirtualMfaDevice('ivy', { userName: 'ivy' });
    const k1 = account.createAccessKey('ivy', {
      createDate: new Date('2024-02-01T00:00:00Z'),
      lastUsed: { date: new Date('2025-05-31T12:30:00Z'), service: 'sts', region: 'us-east-1' },
    });
    account.createAccessKey('ivy', { createDate: new Date('2024-03-01T00:00:00Z'), status: 'Inactive' });
    account.uploadSigningCertificate('ivy', { uploadDate: new Date('2024-04-01T00:00:00Z') });
    account.createUser({ userName: 'jack', createDate: new Date('2024-06-01T00:00:00Z') });
    account.createLoginProfile('jack', { createDate: new Date('2024-06-01T00:00:00Z') });
    account.createUser({ userName: 'kim', createDate: new Date('2024-07-01T00:00:00Z') });
    const { iam } = await connect(account);

    expect(await failure(iam.send(new GetCredentialReportCommand({})))).toEqual({
      name: 'CredentialReportNotPresentException',
      status: 410,
    });
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    expect(await failure(iam.send(new GetCredentialReportCommand({})))).toEqual({
      name: 'CredentialReportNotReadyException',
      status: 404,
    });
    clock.advance(60_000);
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');

    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toEqual(new Date(T0.getTime() + 60_000));
    const lines = new TextDecoder().decode(report.Content).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,' +
        'password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,' +
        'access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
        'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,' +
        'access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,' +
        'cert_2_active,cert_2_last_rotated',
    );
    expect(lines[0]?.split(',')).toEqual([...CREDENTIAL_REPORT_COLUMNS]);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((r) => r.length)).toEqual([22, 22, 22, 22]);
    expect(rows[0]).toEqual([
      '<root_account>',
      `arn:aws:iam::${ACCOUNT}:root`,
      '2025-06-01T00:00:00+00:00',
      'not_supported',
      'no_information',
      'not_supported',
      'not_supported',
      'true',
      ...['false', 'N/A', 'N/A', 'N/A', 'N/A'],
      ...['false', 'N/A', 'N/A', 'N/A', 'N/A'],
      ...['false', 'N/A', 'false', 'N/A'],
    ]);
    expect(rows[1]).toEqual([
      'ivy',
      `arn:aws:iam::${ACCOUNT}:user/ivy`,
      '2024-01-01T00:00:00+00:00',
      'true',
      'no_information',
      '2025-05-01T00:00:00+00:00',
      '2025-07-30T00:00:00+00:00',
      'true',
      ...['true', '2024-02-01T00:00:00+00:00', '2025-05-31T12:30:00+00:00', 'us-east-1', 'sts'],
      ...['false', '2024-03-01T00:00:00+00:00', 'N/A', 'N/A', 'N/A'],
      ...['true', '2024-04-01T00:00:00+00:00', 'false', 'N/A'],
    ]);
    expect(rows[2]?.slice(0, 8)).toEqual([
      'jack',
      `arn:aws:iam::${ACCOUNT}:user/jack`,
      '2024-06-01T00:00:00+00:00',
      'true',
      'no_information',
      '2024-06-01T00:00:00+00:00',
      '2024-08-30T00:00:00+00:00',
      'false',
    ]);
    expect(rows[3]?.slice(3, 8)).toEqual(['false', 'N/A', 'N/A', 'N/A', 'false']);

    // The report is a snapshot: later changes wait for the next generation.
    account.deleteAccessKey(k1.accessKeyId);
    expect(new TextDecoder().decode((await iam.send(new GetCredentialReportCommand({}))).Content)).toContain(
      '2025-05-31T12:30:00+00:00',
    );
    clock.advance(5 * 60 * 60 * 1000);
    expect(await failure(iam.send(new GetCredentialReportCommand({})))).toEqual({
      name: 'CredentialReportExpiredException',
      status: 410,
    });
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
  });

  it('serves the password policy once one is set', async () => {
    const account = newAccount();
    const { iam } = await connect(account);
    expect(await failure(iam.send(new GetAccountPasswordPolicyCommand({})))).toEqual({
      name: 'NoSuchEntityException',
      status: 404,
    });
    account.setPasswordPolicy({ minimumPasswordLength: 12, requireSymbols: true, maxPasswordAge: 90 });
    expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
      MinimumPasswordLength: 12,
      RequireSymbols: true,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
    });
  });

  describe('JSON fixtures', () => {
    const FIXTURE = {
      accountId: '210987654321',
      createDate: '2020-01-01T00:00:00Z',
      root: { mfaActive: true },
      passwordPolicy: { minimumPasswordLength: 14, maxPasswordAge: 90 },
      policies: [
        { policyName: 'ReadOnlyAccess', awsManaged: true },
        {
          policyName: 'deploy',
          versions: [
            { versionId: 'v2', document: DOC, createDate: '2024-02-01T00:00:00Z' },
            { versionId: 'v3', document: JSON.stringify(DOC) },
          ],
          defaultVersionId: 'v3',
        },
      ],
      groups: [{ groupName: 'devs', attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }],
      users: [
        {
          userName: 'alice',
          createDate: '2024-01-01T00:00:00Z',
          tags: { owner: 'alice@example.com' },
          groups: ['devs'],
          accessKeys: [
            {
              status: 'Active' as const,
              createDate: '2024-01-02T00:00:00Z',
              lastUsed: { date: '2025-05-01T10:00:00Z', service: 's3', region: 'us-east-1' },
            },
          ],
          loginProfile: { passwordResetRequired: true },
          inlinePolicies: { inline: DOC },
          attachedPolicies: ['arn:aws:iam::210987654321:policy/deploy'],
        },
        { userName: 'bot', path: '/service/', sshPublicKeys: [{}], serviceSpecificCredentials: [{}] },
      ],
      mfaDevices: [{ name: 'alice', userName: 'alice' }, { name: 'spare' }],
    };

    it('loads a compact fixture deterministically and round-trips it exactly', async () => {
      const clock = manualClock();
      const a = IamAccount.fromJSON(FIXTURE, { clock: clock.now });
      const b = IamAccount.fromJSON(FIXTURE, { clock: clock.now });
      expect(a.toJSON()).toEqual(b.toJSON());

      const saved = JSON.parse(JSON.stringify(a.toJSON())) as unknown;
      const reloaded = IamAccount.fromJSON(saved);
      expect(reloaded.toJSON()).toEqual(saved);

      const detailsOf = async (iam: IAMClient) => {
        const { $metadata: _metadata, ...body } = await iam.send(
          new GetAccountAuthorizationDetailsCommand({}),
        );
        return body;
      };
      const details = await detailsOf((await connect(a)).iam);
      expect(await detailsOf((await connect(reloaded)).iam)).toEqual(details);
      expect(details.UserDetailList?.map((u) => u.Arn)).toEqual([
        'arn:aws:iam::210987654321:user/alice',
        'arn:aws:iam::210987654321:user/service/bot',
      ]);
      expect(details.UserDetailList?.[0]).toMatchObject({ GroupList: ['devs'], Tags: [{ Key: 'owner' }] });
      expect(
        details.Policies?.map((p) => [p.PolicyName, p.DefaultVersionId, p.PolicyVersionList?.length]),
      ).toEqual([
        ['deploy', 'v3', 2],
        ['ReadOnlyAccess', 'v1', 1],
      ]);

      // The persisted generator state carries on where the original left off.
      expect(reloaded.createUser({ userName: 'new' }).userId).toBe(a.createUser({ userName: 'new' }).userId);
    });

    it('rejects fixtures with unknown fields or dangling references', () => {
      expect(() => IamAccount.fromJSON({ users: [{ userName: 'x', acessKeys: [] }] })).toThrow(/acessKeys/);
      expect(() => IamAccount.fromJSON({ users: [{ userName: 'x', groups: ['missing'] }] })).toThrow(
        IamError,
      );
    });
  });
});
