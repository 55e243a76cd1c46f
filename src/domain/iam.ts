/** What the planner needs to know about IAM, read in bulk before planning. */

export interface IamUserSummary {
  readonly userName: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
  readonly attachedPolicyArns: readonly string[];
  readonly inlinePolicyNames: readonly string[];
}

export interface IamInventory {
  /** `null` only when the account has no users to read it from and none was configured. */
  readonly accountId: string | null;
  readonly users: ReadonlyMap<string, IamUserSummary>;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface LiveAccessKey {
  readonly accessKeyId: string;
  readonly status: AccessKeyStatus;
  /** Ties a live key to its credential-report slot, which carries no key id. */
  readonly createdAt?: Date;
}

export const PROTECTED_TAG = 'keywarden:protected';

/** Customer-managed policies live under the account; AWS-managed ones under `aws`. */
export function isCustomerManagedPolicy(arn: string): boolean {
  return /^arn:aws[\w-]*:iam::\d{12}:policy\//.test(arn);
}

export function isProtected(user: IamUserSummary, protectedUsers: ReadonlySet<string>): boolean {
  return protectedUsers.has(user.userName) || user.tags[PROTECTED_TAG]?.toLowerCase() === 'true';
}

/** `AKIA…WXYZ`: enough to recognise a key in a message, not enough to use it. */
export function maskKeyId(accessKeyId: string): string {
  return accessKeyId.length <= 8 ? '****' : `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}
