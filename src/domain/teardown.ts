import type { AccessKeyStatus } from './iam';

/** Everything an IAM user holds that blocks `DeleteUser`, read live right before a teardown. */
export interface UserHoldings {
  readonly userName: string;
  readonly accessKeys: readonly { readonly accessKeyId: string; readonly status: AccessKeyStatus }[];
  readonly loginProfile: boolean;
  readonly mfaDevices: readonly string[];
  readonly signingCertificates: readonly string[];
  readonly sshPublicKeys: readonly string[];
  readonly serviceSpecificCredentials: readonly string[];
  readonly groups: readonly string[];
  readonly inlinePolicies: readonly string[];
  readonly attachedPolicies: readonly string[];
}

export type TeardownStep =
  | { readonly op: 'deactivate-access-key'; readonly userName: string; readonly accessKeyId: string }
  /** Only a staged removal's Reactivate undoes a deactivation; a teardown never activates. */
  | { readonly op: 'activate-access-key'; readonly userName: string; readonly accessKeyId: string }
  | { readonly op: 'delete-access-key'; readonly userName: string; readonly accessKeyId: string }
  | { readonly op: 'delete-login-profile'; readonly userName: string }
  | { readonly op: 'deactivate-mfa-device'; readonly userName: string; readonly serialNumber: string }
  | { readonly op: 'delete-virtual-mfa-device'; readonly serialNumber: string }
  | { readonly op: 'delete-signing-certificate'; readonly userName: string; readonly certificateId: string }
  | { readonly op: 'delete-ssh-public-key'; readonly userName: string; readonly sshPublicKeyId: string }
  | {
      readonly op: 'delete-service-specific-credential';
      readonly userName: string;
      readonly serviceSpecificCredentialId: string;
    }
  | { readonly op: 'remove-from-group'; readonly userName: string; readonly groupName: string }
  | { readonly op: 'delete-inline-policy'; readonly userName: string; readonly policyName: string }
  | { readonly op: 'detach-policy'; readonly userName: string; readonly policyArn: string }
  | { readonly op: 'delete-user'; readonly userName: string };

/** Virtual MFA devices are IAM resources with an ARN; hardware tokens have a bare serial. */
function isVirtualMfa(serialNumber: string): boolean {
  return serialNumber.startsWith('arn:');
}

/** Keys are deactivated first so that, should a later step fail, the credential is already dead. */
export function keyRemovalSteps(
  userName: string,
  accessKeyId: string,
  status: AccessKeyStatus,
): TeardownStep[] {
  return [
    ...(status === 'Active' ? [{ op: 'deactivate-access-key' as const, userName, accessKeyId }] : []),
    { op: 'delete-access-key', userName, accessKeyId },
  ];
}

/**
 * The order AWS requires before `DeleteUser` succeeds: every credential, then group
 * memberships and policies, then the user. Recomputed from a fresh snapshot on a re-run,
 * so a teardown interrupted half-way resumes with only what is left.
 */
export function userTeardownSteps(h: UserHoldings): TeardownStep[] {
  const userName = h.userName;
  return [
    ...h.accessKeys.flatMap((key) => keyRemovalSteps(userName, key.accessKeyId, key.status)),
    ...(h.loginProfile ? [{ op: 'delete-login-profile' as const, userName }] : []),
    ...h.mfaDevices.flatMap((serialNumber): TeardownStep[] => [
      { op: 'deactivate-mfa-device', userName, serialNumber },
      ...(isVirtualMfa(serialNumber) ? [{ op: 'delete-virtual-mfa-device' as const, serialNumber }] : []),
    ]),
    ...h.signingCertificates.map(
      (certificateId): TeardownStep => ({ op: 'delete-signing-certificate', userName, certificateId }),
    ),
    ...h.sshPublicKeys.map(
      (sshPublicKeyId): TeardownStep => ({ op: 'delete-ssh-public-key', userName, sshPublicKeyId }),
    ),
    ...h.serviceSpecificCredentials.map(
      (serviceSpecificCredentialId): TeardownStep => ({
        op: 'delete-service-specific-credential',
        userName,
        serviceSpecificCredentialId,
      }),
    ),
    ...h.groups.map((groupName): TeardownStep => ({ op: 'remove-from-group', userName, groupName })),
    ...h.inlinePolicies.map(
      (policyName): TeardownStep => ({ op: 'delete-inline-policy', userName, policyName }),
    ),
    ...h.attachedPolicies.map((policyArn): TeardownStep => ({ op: 'detach-policy', userName, policyArn })),
    { op: 'delete-user', userName },
  ];
}

export function describeStep(step: TeardownStep): string {
  const { op, ...args } = step;
  return `${op} ${Object.values(args).join(' ')}`;
}
