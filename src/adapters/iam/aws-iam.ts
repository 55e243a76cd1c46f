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
  GetLoginProfileCommand,
  GetPolicyCommand,
  type IAMClient,
  ListServiceSpecificCredentialsCommand,
  NoSuchEntityException,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListMFADevices,
  paginateListPolicyVersions,
  paginateListSigningCertificates,
  paginateListSSHPublicKeys,
  paginateListUserPolicies,
  RemoveUserFromGroupCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { IamInventory, IamUserSummary, LiveAccessKey } from '../../domain/iam';
import type { TeardownStep, UserHoldings } from '../../domain/teardown';
import type { IamGateway, PolicyCleanup, StepOutcome } from '../../ports/iam';
import { toIamError } from './errors';

/** GetAccountAuthorizationDetails allows up to 1000 items a page: 5 calls for 5,000 users. */
const PAGE_SIZE = 1000;

async function collect<P, T>(
  pages: AsyncIterable<P>,
  pick: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...(pick(page) ?? []));
  return items;
}

function accountOf(arn: string | undefined): string | null {
  return arn?.split(':')[4] || null;
}

export class AwsIamGateway implements IamGateway {
  constructor(
    private readonly client: IAMClient,
    private readonly accountId: string | null = null,
  ) {}

  async inventory(): Promise<IamInventory> {
    const users = await this.call('GetAccountAuthorizationDetails', () =>
      collect(
        paginateGetAccountAuthorizationDetails(
          { client: this.client, pageSize: PAGE_SIZE },
          { Filter: ['User'] },
        ),
        (page) => page.UserDetailList,
      ),
    );
    const summaries = users.map(
      (user): IamUserSummary => ({
        userName: user.UserName ?? '',
        arn: user.Arn ?? '',
        tags: Object.fromEntries((user.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
        groups: user.GroupList ?? [],
        attachedPolicyArns: (user.AttachedManagedPolicies ?? []).flatMap((p) =>
          p.PolicyArn ? [p.PolicyArn] : [],
        ),
        inlinePolicyNames: (user.UserPolicyList ?? []).flatMap((p) => (p.PolicyName ? [p.PolicyName] : [])),
      }),
    );
    return {
      accountId: this.accountId ?? accountOf(summaries[0]?.arn),
      users: new Map(summaries.map((user) => [user.userName, user])),
    };
  }

  async listAccessKeys(userName: string): Promise<LiveAccessKey[] | null> {
    return this.call(`ListAccessKeys ${userName}`, () => absentAsNull(this.keys(userName)));
  }

  async holdings(userName: string): Promise<UserHoldings | null> {
    return this.call(`reading ${userName}`, async () => {
      const client = this.client;
      const args = { UserName: userName };
      const accessKeys = await absentAsNull(this.keys(userName));
      if (accessKeys === null) return null;
      const [loginProfile, mfa, certs, ssh, serviceCreds, groups, inline, attached] = await Promise.all([
        absentAsNull(client.send(new GetLoginProfileCommand(args))).then((profile) => profile !== null),
        collect(paginateListMFADevices({ client }, args), (p) => p.MFADevices),
        collect(paginateListSigningCertificates({ client }, args), (p) => p.Certificates),
        collect(paginateListSSHPublicKeys({ client }, args), (p) => p.SSHPublicKeys),
        client.send(new ListServiceSpecificCredentialsCommand(args)),
        collect(paginateListGroupsForUser({ client }, args), (p) => p.Groups),
        collect(paginateListUserPolicies({ client }, args), (p) => p.PolicyNames),
        collect(paginateListAttachedUserPolicies({ client }, args), (p) => p.AttachedPolicies),
      ]);
      return {
        userName,
        accessKeys,
        loginProfile,
        mfaDevices: mfa.flatMap((d) => (d.SerialNumber ? [d.SerialNumber] : [])),
        signingCertificates: certs.flatMap((c) => (c.CertificateId ? [c.CertificateId] : [])),
        sshPublicKeys: ssh.flatMap((k) => (k.SSHPublicKeyId ? [k.SSHPublicKeyId] : [])),
        serviceSpecificCredentials: (serviceCreds.ServiceSpecificCredentials ?? []).flatMap((c) =>
          c.ServiceSpecificCredentialId ? [c.ServiceSpecificCredentialId] : [],
        ),
        groups: groups.flatMap((g) => (g.GroupName ? [g.GroupName] : [])),
        inlinePolicies: inline,
        attachedPolicies: attached.flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
      };
    });
  }

  /** Deleting what is already gone is success: that is what makes a re-run safe. */
  async run(step: TeardownStep): Promise<StepOutcome> {
    return this.call(step.op, async () => {
      try {
        await sendStep(this.client, step);
        return 'done';
      } catch (error) {
        if (error instanceof NoSuchEntityException) return 'already-gone';
        throw error;
      }
    });
  }

  async deletePolicyIfUnused(policyArn: string): Promise<PolicyCleanup> {
    return this.call(`deleting policy ${policyArn}`, async () => {
      const client = this.client;
      try {
        const { Policy } = await client.send(new GetPolicyCommand({ PolicyArn: policyArn }));
        if ((Policy?.AttachmentCount ?? 0) > 0) return 'still-attached';
        const versions = await collect(
          paginateListPolicyVersions({ client }, { PolicyArn: policyArn }),
          (p) => p.Versions,
        );
        for (const version of versions.filter((v) => !v.IsDefaultVersion && v.VersionId))
          await client.send(
            new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: version.VersionId }),
          );
        await client.send(new DeletePolicyCommand({ PolicyArn: policyArn }));
        return 'deleted';
      } catch (error) {
        if (error instanceof NoSuchEntityException) return 'already-gone';
        // Attached again between our check and the delete: leaving it is the safe answer.
        if ((error as { name?: string }).name === 'DeleteConflictException') return 'still-attached';
        throw error;
      }
    });
  }

  private async keys(userName: string): Promise<LiveAccessKey[]> {
    const keys = await collect(
      paginateListAccessKeys({ client: this.client }, { UserName: userName }),
      (p) => p.AccessKeyMetadata,
    );
    return keys.flatMap((key): LiveAccessKey[] =>
      key.AccessKeyId
        ? [
            {
              accessKeyId: key.AccessKeyId,
              status: key.Status === 'Active' ? 'Active' : 'Inactive',
              ...(key.CreateDate ? { createdAt: key.CreateDate } : {}),
            },
          ]
        : [],
    );
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toIamError(error, what);
    }
  }
}

async function absentAsNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NoSuchEntityException) return null;
    throw error;
  }
}

/** One IAM call per step; a switch keeps each command's input type-checked. */
function sendStep(client: IAMClient, step: TeardownStep): Promise<unknown> {
  switch (step.op) {
    case 'deactivate-access-key':
      return client.send(
        new UpdateAccessKeyCommand({
          UserName: step.userName,
          AccessKeyId: step.accessKeyId,
          Status: 'Inactive',
        }),
      );
    case 'activate-access-key':
      return client.send(
        new UpdateAccessKeyCommand({
          UserName: step.userName,
          AccessKeyId: step.accessKeyId,
          Status: 'Active',
        }),
      );
    case 'delete-access-key':
      return client.send(
        new DeleteAccessKeyCommand({ UserName: step.userName, AccessKeyId: step.accessKeyId }),
      );
    case 'delete-login-profile':
      return client.send(new DeleteLoginProfileCommand({ UserName: step.userName }));
    case 'deactivate-mfa-device':
      return client.send(
        new DeactivateMFADeviceCommand({ UserName: step.userName, SerialNumber: step.serialNumber }),
      );
    case 'delete-virtual-mfa-device':
      return client.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: step.serialNumber }));
    case 'delete-signing-certificate':
      return client.send(
        new DeleteSigningCertificateCommand({ UserName: step.userName, CertificateId: step.certificateId }),
      );
    case 'delete-ssh-public-key':
      return client.send(
        new DeleteSSHPublicKeyCommand({ UserName: step.userName, SSHPublicKeyId: step.sshPublicKeyId }),
      );
    case 'delete-service-specific-credential':
      return client.send(
        new DeleteServiceSpecificCredentialCommand({
          UserName: step.userName,
          ServiceSpecificCredentialId: step.serviceSpecificCredentialId,
        }),
      );
    case 'remove-from-group':
      return client.send(
        new RemoveUserFromGroupCommand({ UserName: step.userName, GroupName: step.groupName }),
      );
    case 'delete-inline-policy':
      return client.send(
        new DeleteUserPolicyCommand({ UserName: step.userName, PolicyName: step.policyName }),
      );
    case 'detach-policy':
      return client.send(new DetachUserPolicyCommand({ UserName: step.userName, PolicyArn: step.policyArn }));
    case 'delete-user':
      return client.send(new DeleteUserCommand({ UserName: step.userName }));
  }
}
