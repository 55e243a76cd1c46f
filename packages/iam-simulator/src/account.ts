/**
 * An in-memory IAM account: users and everything that can hang off them, groups, managed policies,
 * virtual MFA devices, the account password policy and the credential report.
 *
 * It enforces the IAM rules a teardown depends on (DeleteUser refuses while anything is still attached,
 * DeletePolicy refuses while attached or versioned, an enabled MFA device cannot be deleted) and fails
 * with the same error codes IAM uses, so code driven against it meets the conflicts it would meet in AWS.
 * The HTTP face is `server.ts`; this module knows nothing about the wire.
 *
 * Names of users and groups are matched case-insensitively, as IAM does. Identifiers come from a
 * seedable generator and times from an injectable clock, so a seeded account is reproducible.
 */
import { z } from 'zod';

export const DEFAULT_ACCOUNT_ID = '123456789012';

const MAX_ACCESS_KEYS_PER_USER = 2;
const MAX_SIGNING_CERTIFICATES_PER_USER = 2;
const MAX_SSH_PUBLIC_KEYS_PER_USER = 5;
const MAX_POLICY_VERSIONS = 5;
const MAX_TAGS_PER_USER = 50;
/** IAM serves a generated credential report for four hours, then wants a new one. */
const CREDENTIAL_REPORT_TTL_MS = 4 * 60 * 60 * 1000;
const EMPTY_POLICY_DOCUMENT = '{"Version":"2012-10-17","Statement":[]}';

// ---------------------------------------------------------------------------------------------
// Errors

const ERROR_STATUS = {
  NoSuchEntity: 404,
  DeleteConflict: 409,
  EntityAlreadyExists: 409,
  LimitExceeded: 409,
  InvalidInput: 400,
  ValidationError: 400,
  ReportInProgress: 404,
  ReportNotPresent: 410,
  ReportExpired: 410,
} as const;

export type IamErrorCode = keyof typeof ERROR_STATUS;

/** A failure IAM itself would report; `code` is the wire `<Code>`, `httpStatus` the status IAM uses. */
export class IamError extends Error {
  readonly code: IamErrorCode;
  readonly httpStatus: number;

  constructor(code: IamErrorCode, message: string) {
    super(message);
    this.name = code;
    this.code = code;
    this.httpStatus = ERROR_STATUS[code];
  }
}

// ---------------------------------------------------------------------------------------------
// Public shapes

export type CredentialStatus = 'Active' | 'Inactive';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** Tags as a plain object (`{ team: 'payments' }`) or as a list, whichever reads better at the call site. */
export type TagsInput = Readonly<Record<string, string>> | readonly Tag[];

export interface AccessKeyLastUsed {
  readonly date: Date;
  /** Service namespace, e.g. `s3`. */
  readonly service: string;
  readonly region: string;
}

export interface User {
  readonly userName: string;
  readonly userId: string;
  readonly arn: string;
  readonly path: string;
  readonly createDate: Date;
  readonly passwordLastUsed?: Date;
  readonly tags: readonly Tag[];
}

export interface AccessKey {
  readonly accessKeyId: string;
  readonly userName: string;
  readonly status: CredentialStatus;
  readonly createDate: Date;
  readonly lastUsed?: AccessKeyLastUsed;
}

export interface LoginProfile {
  readonly userName: string;
  readonly createDate: Date;
  readonly passwordResetRequired: boolean;
}

/** A virtual MFA device; `userName` and `enableDate` are set while it is enabled for a user. */
export interface MfaDevice {
  readonly serialNumber: string;
  readonly userName?: string;
  readonly enableDate?: Date;
}

export interface SigningCertificate {
  readonly certificateId: string;
  readonly userName: string;
  readonly status: CredentialStatus;
  readonly uploadDate: Date;
  readonly certificateBody: string;
}

export interface SshPublicKey {
  readonly sshPublicKeyId: string;
  readonly userName: string;
  readonly status: CredentialStatus;
  readonly uploadDate: Date;
}

export interface ServiceSpecificCredential {
  readonly serviceSpecificCredentialId: string;
  readonly userName: string;
  readonly serviceName: string;
  readonly serviceUserName: string;
  readonly status: CredentialStatus;
  readonly createDate: Date;
}

export interface Group {
  readonly groupName: string;
  readonly groupId: string;
  readonly arn: string;
  readonly path: string;
  readonly createDate: Date;
}

export interface InlinePolicy {
  readonly policyName: string;
  /** JSON text, as IAM stores it. */
  readonly document: string;
}

export interface AttachedPolicy {
  readonly policyName: string;
  readonly policyArn: string;
}

export interface ManagedPolicy {
  readonly policyName: string;
  readonly policyId: string;
  readonly arn: string;
  readonly path: string;
  readonly description?: string;
  readonly createDate: Date;
  readonly updateDate: Date;
  /** AWS-managed policies (`arn:aws:iam::aws:policy/...`) can be attached but not deleted. */
  readonly awsManaged: boolean;
  readonly defaultVersionId: string;
  readonly attachmentCount: number;
}

export interface PolicyVersion {
  readonly versionId: string;
  readonly document: string;
  readonly createDate: Date;
  readonly isDefaultVersion: boolean;
}

export interface PolicyEntities {
  readonly users: readonly { readonly userName: string; readonly userId: string }[];
  readonly groups: readonly { readonly groupName: string; readonly groupId: string }[];
}

export interface PasswordPolicy {
  readonly minimumPasswordLength: number;
  readonly requireSymbols: boolean;
  readonly requireNumbers: boolean;
  readonly requireUppercaseCharacters: boolean;
  readonly requireLowercaseCharacters: boolean;
  readonly allowUsersToChangePassword: boolean;
  /** Days; absent means passwords never expire. */
  readonly maxPasswordAge?: number;
  readonly passwordReusePrevention?: number;
  readonly hardExpiry?: boolean;
}

export interface RootAccount {
  readonly mfaActive: boolean;
  readonly passwordLastUsed?: Date;
}

export type CredentialReportState = 'STARTED' | 'INPROGRESS' | 'COMPLETE';

export interface CredentialReport {
  /** The CSV text; the server base64-encodes it as IAM does. */
  readonly content: string;
  readonly generatedTime: Date;
}

export type PolicyScope = 'All' | 'AWS' | 'Local';

export interface IamAccountOptions {
  /** Twelve digits; defaults to `123456789012`. */
  readonly accountId?: string;
  /** When the account (and so the root user) was created; defaults to the clock's now. */
  readonly createDate?: Date;
  /** Source of "now" for defaulted dates and credential report ages. */
  readonly clock?: () => Date;
  /** Seed for generated identifiers; the same seed and the same calls give the same ids. */
  readonly idSeed?: number;
  /**
   * How many further GenerateCredentialReport calls, after the one that answers STARTED, it takes for
   * the report to be ready; 0 makes it ready at once. Defaults to 1.
   */
  readonly credentialReportReadyAfterCalls?: number;
}

export interface CreateUserInput {
  readonly userName: string;
  readonly path?: string;
  readonly tags?: TagsInput;
  readonly createDate?: Date;
  readonly passwordLastUsed?: Date;
  readonly userId?: string;
}

export interface CreateAccessKeyInput {
  readonly accessKeyId?: string;
  readonly status?: CredentialStatus;
  readonly createDate?: Date;
  readonly lastUsed?: AccessKeyLastUsed;
}

export interface CreateLoginProfileInput {
  readonly createDate?: Date;
  readonly passwordResetRequired?: boolean;
}

export interface CreateVirtualMfaDeviceInput {
  readonly path?: string;
  /** Enables the new device for this user straight away. */
  readonly userName?: string;
  readonly enableDate?: Date;
}

export interface UploadSigningCertificateInput {
  readonly certificateId?: string;
  readonly status?: CredentialStatus;
  readonly uploadDate?: Date;
  readonly certificateBody?: string;
}

export interface UploadSshPublicKeyInput {
  readonly sshPublicKeyId?: string;
  readonly status?: CredentialStatus;
  readonly uploadDate?: Date;
}

export interface CreateServiceSpecificCredentialInput {
  /** Defaults to `codecommit.amazonaws.com`. */
  readonly serviceName?: string;
  readonly serviceSpecificCredentialId?: string;
  readonly status?: CredentialStatus;
  readonly createDate?: Date;
}

export interface CreateGroupInput {
  readonly groupName: string;
  readonly path?: string;
  readonly createDate?: Date;
  readonly groupId?: string;
}

/** A policy document as JSON text or as the parsed object. */
export type PolicyDocumentInput = string | Readonly<Record<string, unknown>>;

export interface PolicyVersionInput {
  readonly versionId: string;
  readonly document: PolicyDocumentInput;
  readonly createDate?: Date;
}

export interface CreatePolicyInput {
  readonly policyName: string;
  /** The document of v1; ignored when `versions` is given. */
  readonly document?: PolicyDocumentInput;
  /** A whole version history, e.g. to restore a policy whose v1 was deleted. */
  readonly versions?: readonly PolicyVersionInput[];
  /** Defaults to the last of `versions`, or v1. */
  readonly defaultVersionId?: string;
  readonly path?: string;
  readonly description?: string;
  readonly createDate?: Date;
  readonly policyId?: string;
}

export interface CreatePolicyVersionInput {
  readonly setAsDefault?: boolean;
  readonly createDate?: Date;
  readonly versionId?: string;
}

// ---------------------------------------------------------------------------------------------
// Internal records

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface UserRecord extends Mutable<Omit<User, 'tags'>> {
  tags: Tag[];
  /** Canonical names of the groups the user is in. */
  groups: string[];
  accessKeys: Mutable<AccessKey>[];
  loginProfile?: Mutable<LoginProfile>;
  signingCertificates: Mutable<SigningCertificate>[];
  sshPublicKeys: Mutable<SshPublicKey>[];
  serviceCredentials: Mutable<ServiceSpecificCredential>[];
  inlinePolicies: Map<string, string>;
  attachedPolicyArns: string[];
}

interface GroupRecord extends Mutable<Group> {
  inlinePolicies: Map<string, string>;
  attachedPolicyArns: string[];
}

interface PolicyVersionRecord {
  readonly versionId: string;
  readonly document: string;
  readonly createDate: Date;
}

interface PolicyRecord extends Mutable<Omit<ManagedPolicy, 'attachmentCount'>> {
  versions: PolicyVersionRecord[];
}

type ReportGeneration =
  | { readonly phase: 'none' }
  | { readonly phase: 'generating'; callsLeft: number }
  | { readonly phase: 'ready'; readonly report: CredentialReport };

/**
 * mulberry32 over a 32-bit state: tiny, well mixed, and its whole state is one number that
 * `toJSON` can persist so a reloaded account keeps issuing fresh ids.
 */
class IdGenerator {
  private static readonly ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

  constructor(public state: number) {}

  next(prefix: string, length: number): string {
    let id = prefix;
    while (id.length < length) id += IdGenerator.ALPHABET[this.nextUint32() % 32];
    return id;
  }

  private nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}

const NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;
const PATH_PATTERN = /^\/(?:[\x21-\x7e]*\/)?$/;

function checkName(kind: string, name: string): void {
  if (!NAME_PATTERN.test(name)) throw new IamError('ValidationError', `Invalid ${kind} name: ${name}`);
}

function checkPath(path: string): string {
  if (!PATH_PATTERN.test(path)) throw new IamError('ValidationError', `Invalid path: ${path}`);
  return path;
}

function copyDate(date: Date): Date {
  return new Date(date.getTime());
}

function documentText(document: PolicyDocumentInput | undefined): string {
  if (document === undefined) return EMPTY_POLICY_DOCUMENT;
  return typeof document === 'string' ? document : JSON.stringify(document);
}

// IAM's Tag shape: a key of 1-128 and a value of 0-256 characters, both from letters, digits,
// spaces and `_.:/=+-@` (no comma, no `*`, nothing XML would have to escape).
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

function checkTag(tag: Tag): void {
  const length = (text: string) => [...text].length;
  const problems = [
    ...(length(tag.key) < 1 || length(tag.key) > MAX_TAG_KEY
      ? [`Member must have length between 1 and ${MAX_TAG_KEY} (key)`]
      : []),
    ...(TAG_TEXT.test(tag.key) ? [] : ['Member must satisfy regular expression pattern (key)']),
    ...(length(tag.value) > MAX_TAG_VALUE
      ? [`Member must have length less than or equal to ${MAX_TAG_VALUE} (value)`]
      : []),
    ...(TAG_TEXT.test(tag.value) ? [] : ['Member must satisfy regular expression pattern (value)']),
  ];
  if (problems.length > 0)
    throw new IamError(
      'ValidationError',
      `Tag ${tag.key} failed to satisfy constraint: ${problems.join('; ')}: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`,
    );
}

function tagList(tags: TagsInput | undefined): Tag[] {
  if (tags === undefined) return [];
  if (Array.isArray(tags)) return tags.map((t: Tag) => ({ key: t.key, value: t.value }));
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

// ---------------------------------------------------------------------------------------------
// The account

export class IamAccount {
  readonly accountId: string;
  readonly createDate: Date;
  /** Further GenerateCredentialReport calls needed after STARTED; see IamAccountOptions. */
  credentialReportReadyAfterCalls: number;

  private readonly clock: () => Date;
  private readonly ids: IdGenerator;
  private readonly usedIds = new Set<string>();
  private readonly users = new Map<string, UserRecord>();
  private readonly groups = new Map<string, GroupRecord>();
  private readonly policies = new Map<string, PolicyRecord>();
  private readonly mfaDevices = new Map<string, Mutable<MfaDevice>>();
  private root: RootAccount = { mfaActive: false };
  private passwordPolicy: PasswordPolicy | undefined;
  private report: ReportGeneration = { phase: 'none' };

  constructor(options: IamAccountOptions = {}) {
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    if (!/^\d{12}$/.test(this.accountId)) throw new Error(`account id must be 12 digits: ${this.accountId}`);
    this.clock = options.clock ?? (() => new Date());
    this.createDate = copyDate(options.createDate ?? this.clock());
    this.ids = new IdGenerator(options.idSeed ?? 1);
    this.credentialReportReadyAfterCalls = options.credentialReportReadyAfterCalls ?? 1;
  }

  /** Builds an account from the fixture format (see `IamAccountFixture`); throws on a malformed one. */
  static fromJSON(
    json: unknown,
    options: Omit<IamAccountOptions, 'accountId' | 'createDate'> = {},
  ): IamAccount {
    return loadFixture(fixtureSchema.parse(json), options);
  }

  /** The fixture format, with every generated id and date spelled out so a reload is exact. */
  toJSON(): IamAccountFixture {
    const root = this.root;
    return {
      version: 1,
      accountId: this.accountId,
      createDate: iso(this.createDate),
      idState: this.idState,
      root: {
        mfaActive: root.mfaActive,
        ...opt('passwordLastUsed', root.passwordLastUsed && iso(root.passwordLastUsed)),
      },
      ...opt('passwordPolicy', this.passwordPolicy && { ...this.passwordPolicy }),
      policies: [...this.policies.values()].sort(byKey((p) => p.arn)).map(dumpPolicy),
      groups: [...this.groups.values()].sort(byKey((g) => g.groupName)).map(dumpGroup),
      users: [...this.users.values()].sort(byKey((u) => u.userName)).map(dumpUser),
      mfaDevices: this.listVirtualMfaDevices().map(dumpMfaDevice),
    };
  }

  /** The generator state `toJSON` persists. */
  get idState(): number {
    return this.ids.state;
  }

  set idState(state: number) {
    this.ids.state = state | 0;
  }

  // ----- users ---------------------------------------------------------------------------------

  createUser(input: CreateUserInput): User {
    checkName('user', input.userName);
    if (this.users.has(input.userName.toLowerCase())) {
      throw new IamError('EntityAlreadyExists', `User with name ${input.userName} already exists.`);
    }
    const path = checkPath(input.path ?? '/');
    const user: UserRecord = {
      userName: input.userName,
      userId: this.claimId(input.userId, 'AIDA', 21),
      arn: `arn:aws:iam::${this.accountId}:user${path}${input.userName}`,
      path,
      createDate: copyDate(input.createDate ?? this.clock()),
      tags: [],
      groups: [],
      accessKeys: [],
      signingCertificates: [],
      sshPublicKeys: [],
      serviceCredentials: [],
      inlinePolicies: new Map(),
      attachedPolicyArns: [],
    };
    if (input.passwordLastUsed) user.passwordLastUsed = copyDate(input.passwordLastUsed);
    this.users.set(input.userName.toLowerCase(), user);
    if (input.tags) this.tagUser(input.userName, input.tags);
    return user;
  }

  /** Users whose path starts with `pathPrefix`, ordered by name. */
  listUsers(pathPrefix = '/'): readonly User[] {
    return [...this.users.values()]
      .filter((u) => u.path.startsWith(pathPrefix))
      .sort(byKey((u) => u.userName));
  }

  getUser(userName: string): User {
    return this.user(userName);
  }

  tagUser(userName: string, tags: TagsInput): void {
    const user = this.user(userName);
    const list = tagList(tags);
    for (const tag of list) checkTag(tag);
    for (const tag of list) {
      const existing = user.tags.findIndex((t) => t.key === tag.key);
      if (existing >= 0) user.tags[existing] = tag;
      else user.tags.push(tag);
    }
    if (user.tags.length > MAX_TAGS_PER_USER) {
      throw new IamError('LimitExceeded', `A user can have at most ${MAX_TAGS_PER_USER} tags.`);
    }
  }

  untagUser(userName: string, keys: readonly string[]): void {
    const user = this.user(userName);
    user.tags = user.tags.filter((t) => !keys.includes(t.key));
  }

  listUserTags(userName: string): readonly Tag[] {
    return this.user(userName).tags;
  }

  /** Fails with DeleteConflict, naming the first kind of thing still attached, as IAM does. */
  deleteUser(userName: string): void {
    const user = this.user(userName);
    const blocker = this.userDeletionBlocker(user);
    if (blocker) throw new IamError('DeleteConflict', `Cannot delete entity, must ${blocker} first.`);
    this.users.delete(user.userName.toLowerCase());
  }

  // ----- access keys ---------------------------------------------------------------------------

  createAccessKey(userName: string, input: CreateAccessKeyInput = {}): AccessKey {
    const user = this.user(userName);
    if (user.accessKeys.length >= MAX_ACCESS_KEYS_PER_USER) {
      throw new IamError(
        'LimitExceeded',
        `Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS_PER_USER}`,
      );
    }
    const key: Mutable<AccessKey> = {
      accessKeyId: this.claimId(input.accessKeyId, 'AKIA', 20),
      userName: user.userName,
      status: input.status ?? 'Active',
      createDate: copyDate(input.createDate ?? this.clock()),
    };
    if (input.lastUsed) key.lastUsed = { ...input.lastUsed, date: copyDate(input.lastUsed.date) };
    user.accessKeys.push(key);
    return key;
  }

  /** Oldest first, which is also how the credential report numbers them. */
  listAccessKeys(userName: string): readonly AccessKey[] {
    return [...this.user(userName).accessKeys].sort(byKey((k) => k.createDate.toISOString()));
  }

  getAccessKeyLastUsed(accessKeyId: string): {
    readonly userName: string;
    readonly lastUsed?: AccessKeyLastUsed;
  } {
    const { key } = this.accessKey(accessKeyId);
    return key.lastUsed ? { userName: key.userName, lastUsed: key.lastUsed } : { userName: key.userName };
  }

  recordAccessKeyUse(accessKeyId: string, lastUsed: AccessKeyLastUsed): void {
    this.accessKey(accessKeyId).key.lastUsed = { ...lastUsed, date: copyDate(lastUsed.date) };
  }

  /** Without `userName` the key is found wherever it is (IAM would use the caller's own user). */
  updateAccessKey(accessKeyId: string, status: CredentialStatus, userName?: string): void {
    this.accessKey(accessKeyId, userName).key.status = status;
  }

  deleteAccessKey(accessKeyId: string, userName?: string): void {
    const { user, key } = this.accessKey(accessKeyId, userName);
    user.accessKeys = user.accessKeys.filter((k) => k !== key);
  }

  // ----- login profile -------------------------------------------------------------------------

  createLoginProfile(userName: string, input: CreateLoginProfileInput = {}): LoginProfile {
    const user = this.user(userName);
    if (user.loginProfile) {
      throw new IamError('EntityAlreadyExists', `Login Profile for user ${user.userName} already exists.`);
    }
    user.loginProfile = {
      userName: user.userName,
      createDate: copyDate(input.createDate ?? this.clock()),
      passwordResetRequired: input.passwordResetRequired ?? false,
    };
    return user.loginProfile;
  }

  getLoginProfile(userName: string): LoginProfile {
    const user = this.user(userName);
    if (!user.loginProfile) {
      throw new IamError('NoSuchEntity', `Login Profile for User ${user.userName} cannot be found.`);
    }
    return user.loginProfile;
  }

  deleteLoginProfile(userName: string): void {
    this.getLoginProfile(userName);
    delete this.user(userName).loginProfile;
  }

  // ----- MFA devices ---------------------------------------------------------------------------

  createVirtualMfaDevice(deviceName: string, input: CreateVirtualMfaDeviceInput = {}): MfaDevice {
    checkName('MFA device', deviceName);
    const serialNumber = `arn:aws:iam::${this.accountId}:mfa${checkPath(input.path ?? '/')}${deviceName}`;
    if (this.mfaDevices.has(serialNumber)) {
      throw new IamError('EntityAlreadyExists', `MFADevice entity at the same path and name already exists.`);
    }
    const device: Mutable<MfaDevice> = { serialNumber };
    this.mfaDevices.set(serialNumber, device);
    if (input.userName !== undefined) {
      this.enableMfaDevice(
        input.userName,
        serialNumber,
        input.enableDate ? { enableDate: input.enableDate } : {},
      );
    }
    return device;
  }

  enableMfaDevice(userName: string, serialNumber: string, input: { readonly enableDate?: Date } = {}): void {
    const user = this.user(userName);
    const device = this.mfaDevice(serialNumber);
    if (device.userName !== undefined) {
      throw new IamError('EntityAlreadyExists', `MFA device ${serialNumber} is already in use.`);
    }
    device.userName = user.userName;
    device.enableDate = copyDate(input.enableDate ?? this.clock());
  }

  listMfaDevices(userName: string): readonly MfaDevice[] {
    const user = this.user(userName);
    return this.listVirtualMfaDevices().filter((d) => d.userName === user.userName);
  }

  listVirtualMfaDevices(): readonly MfaDevice[] {
    return [...this.mfaDevices.values()].sort(byKey((d) => d.serialNumber));
  }

  /** Without `userName` the device is deactivated for whichever user has it. */
  deactivateMfaDevice(serialNumber: string, userName?: string): void {
    const device = this.mfaDevice(serialNumber);
    const owner = userName === undefined ? device.userName : this.user(userName).userName;
    if (device.userName === undefined || device.userName !== owner) {
      throw new IamError('NoSuchEntity', `MFA Device with serial number ${serialNumber} not found for user.`);
    }
    delete device.userName;
    delete device.enableDate;
  }

  deleteVirtualMfaDevice(serialNumber: string): void {
    const device = this.mfaDevice(serialNumber);
    if (device.userName !== undefined) throw new IamError('DeleteConflict', 'MFA Device is still in use');
    this.mfaDevices.delete(serialNumber);
  }

  // ----- signing certificates, SSH keys, service-specific credentials --------------------------

  uploadSigningCertificate(userName: string, input: UploadSigningCertificateInput = {}): SigningCertificate {
    const user = this.user(userName);
    if (user.signingCertificates.length >= MAX_SIGNING_CERTIFICATES_PER_USER) {
      throw new IamError('LimitExceeded', 'Cannot exceed quota for SigningCertificatesPerUser: 2');
    }
    const certificateId = this.claimId(input.certificateId, '', 32);
    const cert: Mutable<SigningCertificate> = {
      certificateId,
      userName: user.userName,
      status: input.status ?? 'Active',
      uploadDate: copyDate(input.uploadDate ?? this.clock()),
      certificateBody:
        input.certificateBody ?? `-----BEGIN CERTIFICATE-----\n${certificateId}\n-----END CERTIFICATE-----\n`,
    };
    user.signingCertificates.push(cert);
    return cert;
  }

  listSigningCertificates(userName: string): readonly SigningCertificate[] {
    return this.user(userName).signingCertificates;
  }

  deleteSigningCertificate(certificateId: string, userName?: string): void {
    const owner = this.ownerOf(userName, (u) =>
      u.signingCertificates.some((c) => c.certificateId === certificateId),
    );
    if (!owner)
      throw new IamError('NoSuchEntity', `The Certificate with id ${certificateId} cannot be found.`);
    owner.signingCertificates = owner.signingCertificates.filter((c) => c.certificateId !== certificateId);
  }

  uploadSshPublicKey(userName: string, input: UploadSshPublicKeyInput = {}): SshPublicKey {
    const user = this.user(userName);
    if (user.sshPublicKeys.length >= MAX_SSH_PUBLIC_KEYS_PER_USER) {
      throw new IamError('LimitExceeded', 'Cannot exceed quota for PublicKeysPerUser: 5');
    }
    const key: Mutable<SshPublicKey> = {
      sshPublicKeyId: this.claimId(input.sshPublicKeyId, 'APKA', 21),
      userName: user.userName,
      status: input.status ?? 'Active',
      uploadDate: copyDate(input.uploadDate ?? this.clock()),
    };
    user.sshPublicKeys.push(key);
    return key;
  }

  listSshPublicKeys(userName: string): readonly SshPublicKey[] {
    return this.user(userName).sshPublicKeys;
  }

  deleteSshPublicKey(userName: string, sshPublicKeyId: string): void {
    const user = this.user(userName);
    if (!user.sshPublicKeys.some((k) => k.sshPublicKeyId === sshPublicKeyId)) {
      throw new IamError('NoSuchEntity', `The Public Key with id ${sshPublicKeyId} cannot be found.`);
    }
    user.sshPublicKeys = user.sshPublicKeys.filter((k) => k.sshPublicKeyId !== sshPublicKeyId);
  }

  createServiceSpecificCredential(
    userName: string,
    input: CreateServiceSpecificCredentialInput = {},
  ): ServiceSpecificCredential {
    const user = this.user(userName);
    const credential: Mutable<ServiceSpecificCredential> = {
      serviceSpecificCredentialId: this.claimId(input.serviceSpecificCredentialId, 'ACCA', 21),
      userName: user.userName,
      serviceName: input.serviceName ?? 'codecommit.amazonaws.com',
      serviceUserName: `${user.userName}-at-${this.accountId}`,
      status: input.status ?? 'Active',
      createDate: copyDate(input.createDate ?? this.clock()),
    };
    user.serviceCredentials.push(credential);
    return credential;
  }

  listServiceSpecificCredentials(
    userName: string,
    serviceName?: string,
  ): readonly ServiceSpecificCredential[] {
    return this.user(userName).serviceCredentials.filter(
      (c) => serviceName === undefined || c.serviceName === serviceName,
    );
  }

  deleteServiceSpecificCredential(serviceSpecificCredentialId: string, userName?: string): void {
    const matches = (c: ServiceSpecificCredential): boolean =>
      c.serviceSpecificCredentialId === serviceSpecificCredentialId;
    const owner = this.ownerOf(userName, (u) => u.serviceCredentials.some(matches));
    if (!owner) {
      throw new IamError(
        'NoSuchEntity',
        `No such credential ${serviceSpecificCredentialId} exists for the specified user.`,
      );
    }
    owner.serviceCredentials = owner.serviceCredentials.filter((c) => !matches(c));
  }

  // ----- groups --------------------------------------------------------------------------------

  createGroup(input: CreateGroupInput): Group {
    checkName('group', input.groupName);
    if (this.groups.has(input.groupName.toLowerCase())) {
      throw new IamError('EntityAlreadyExists', `Group with name ${input.groupName} already exists.`);
    }
    const path = checkPath(input.path ?? '/');
    const group: GroupRecord = {
      groupName: input.groupName,
      groupId: this.claimId(input.groupId, 'AGPA', 21),
      arn: `arn:aws:iam::${this.accountId}:group${path}${input.groupName}`,
      path,
      createDate: copyDate(input.createDate ?? this.clock()),
      inlinePolicies: new Map(),
      attachedPolicyArns: [],
    };
    this.groups.set(input.groupName.toLowerCase(), group);
    return group;
  }

  listGroups(): readonly Group[] {
    return [...this.groups.values()].sort(byKey((g) => g.groupName));
  }

  addUserToGroup(groupName: string, userName: string): void {
    const group = this.group(groupName);
    const user = this.user(userName);
    if (!user.groups.includes(group.groupName)) user.groups.push(group.groupName);
  }

  removeUserFromGroup(groupName: string, userName: string): void {
    const group = this.group(groupName);
    const user = this.user(userName);
    if (!user.groups.includes(group.groupName)) {
      throw new IamError('NoSuchEntity', `User ${user.userName} is not in group ${group.groupName}.`);
    }
    user.groups = user.groups.filter((g) => g !== group.groupName);
  }

  listGroupsForUser(userName: string): readonly Group[] {
    return this.user(userName)
      .groups.map((name) => this.group(name))
      .sort(byKey((g) => g.groupName));
  }

  putGroupPolicy(groupName: string, policyName: string, document: PolicyDocumentInput): void {
    checkName('policy', policyName);
    this.group(groupName).inlinePolicies.set(policyName, documentText(document));
  }

  listGroupPolicies(groupName: string): readonly InlinePolicy[] {
    return inlinePolicyList(this.group(groupName).inlinePolicies);
  }

  attachGroupPolicy(groupName: string, policyArn: string): void {
    const group = this.group(groupName);
    this.policy(policyArn);
    if (!group.attachedPolicyArns.includes(policyArn)) group.attachedPolicyArns.push(policyArn);
  }

  listAttachedGroupPolicies(groupName: string): readonly AttachedPolicy[] {
    return this.attachedList(this.group(groupName).attachedPolicyArns);
  }

  // ----- user policies -------------------------------------------------------------------------

  putUserPolicy(userName: string, policyName: string, document: PolicyDocumentInput): void {
    checkName('policy', policyName);
    this.user(userName).inlinePolicies.set(policyName, documentText(document));
  }

  listUserPolicies(userName: string): readonly InlinePolicy[] {
    return inlinePolicyList(this.user(userName).inlinePolicies);
  }

  deleteUserPolicy(userName: string, policyName: string): void {
    const user = this.user(userName);
    if (!user.inlinePolicies.delete(policyName)) {
      throw new IamError('NoSuchEntity', `The user policy with name ${policyName} cannot be found.`);
    }
  }

  attachUserPolicy(userName: string, policyArn: string): void {
    const user = this.user(userName);
    this.policy(policyArn);
    if (!user.attachedPolicyArns.includes(policyArn)) user.attachedPolicyArns.push(policyArn);
  }

  listAttachedUserPolicies(userName: string): readonly AttachedPolicy[] {
    return this.attachedList(this.user(userName).attachedPolicyArns);
  }

  detachUserPolicy(userName: string, policyArn: string): void {
    const user = this.user(userName);
    if (!user.attachedPolicyArns.includes(policyArn)) {
      throw new IamError('NoSuchEntity', `Policy ${policyArn} was not found.`);
    }
    user.attachedPolicyArns = user.attachedPolicyArns.filter((arn) => arn !== policyArn);
  }

  // ----- managed policies ----------------------------------------------------------------------

  /** A customer-managed policy, `arn:aws:iam::<account>:policy<path><name>`, starting at version v1. */
  createPolicy(input: CreatePolicyInput): ManagedPolicy {
    return this.addPolicy(input, false);
  }

  /** Registers an AWS-managed policy (`arn:aws:iam::aws:policy<path><name>`) so it can be attached. */
  createAwsManagedPolicy(input: CreatePolicyInput): ManagedPolicy {
    return this.addPolicy(input, true);
  }

  createPolicyVersion(
    policyArn: string,
    document: PolicyDocumentInput,
    input: CreatePolicyVersionInput = {},
  ): PolicyVersion {
    const policy = this.policy(policyArn);
    if (policy.versions.length >= MAX_POLICY_VERSIONS) {
      throw new IamError('LimitExceeded', `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions.`);
    }
    const highest = Math.max(0, ...policy.versions.map((v) => Number(v.versionId.slice(1))));
    const version: PolicyVersionRecord = {
      versionId: input.versionId ?? `v${highest + 1}`,
      document: documentText(document),
      createDate: copyDate(input.createDate ?? this.clock()),
    };
    if (policy.versions.some((v) => v.versionId === version.versionId)) {
      throw new IamError('EntityAlreadyExists', `Policy version ${version.versionId} already exists.`);
    }
    policy.versions.push(version);
    if (input.setAsDefault) policy.defaultVersionId = version.versionId;
    policy.updateDate = copyDate(version.createDate);
    return { ...version, isDefaultVersion: policy.defaultVersionId === version.versionId };
  }

  getPolicy(policyArn: string): ManagedPolicy {
    const { versions: _versions, ...policy } = this.policy(policyArn);
    return { ...policy, attachmentCount: this.attachmentCount(policyArn) };
  }

  /** Ordered by ARN; `AWS` lists the AWS-managed ones, `Local` the customer-managed ones. */
  listPolicies(scope: PolicyScope = 'All'): readonly ManagedPolicy[] {
    return [...this.policies.values()]
      .filter((p) => scope === 'All' || p.awsManaged === (scope === 'AWS'))
      .sort(byKey((p) => p.arn))
      .map((p) => this.getPolicy(p.arn));
  }

  listPolicyVersions(policyArn: string): readonly PolicyVersion[] {
    const policy = this.policy(policyArn);
    return policy.versions.map((v) => ({ ...v, isDefaultVersion: v.versionId === policy.defaultVersionId }));
  }

  deletePolicyVersion(policyArn: string, versionId: string): void {
    const policy = this.policy(policyArn);
    if (!policy.versions.some((v) => v.versionId === versionId)) {
      throw new IamError('NoSuchEntity', `Policy ${policyArn} version ${versionId} does not exist.`);
    }
    if (versionId === policy.defaultVersionId) {
      throw new IamError('DeleteConflict', 'Cannot delete the default version of a policy.');
    }
    policy.versions = policy.versions.filter((v) => v.versionId !== versionId);
  }

  deletePolicy(policyArn: string): void {
    const policy = this.policy(policyArn);
    if (policy.awsManaged) {
      // IAM's model lists no dedicated error for this; InvalidInput is the closest it declares.
      throw new IamError('InvalidInput', `Policy ${policyArn} is AWS managed and cannot be deleted.`);
    }
    if (this.attachmentCount(policyArn) > 0) {
      throw new IamError('DeleteConflict', 'Cannot delete a policy attached to entities.');
    }
    if (policy.versions.length > 1) {
      throw new IamError(
        'DeleteConflict',
        "This policy has more than one version. Before you delete a policy, you must delete the policy's " +
          'versions. The default version is deleted with the policy.',
      );
    }
    this.policies.delete(policyArn);
  }

  listEntitiesForPolicy(policyArn: string): PolicyEntities {
    this.policy(policyArn);
    const users = [...this.users.values()]
      .filter((u) => u.attachedPolicyArns.includes(policyArn))
      .sort(byKey((u) => u.userName))
      .map((u) => ({ userName: u.userName, userId: u.userId }));
    const groups = [...this.groups.values()]
      .filter((g) => g.attachedPolicyArns.includes(policyArn))
      .sort(byKey((g) => g.groupName))
      .map((g) => ({ groupName: g.groupName, groupId: g.groupId }));
    return { users, groups };
  }

  // ----- account settings ----------------------------------------------------------------------

  setPasswordPolicy(policy: Partial<PasswordPolicy> | undefined): void {
    this.passwordPolicy = policy === undefined ? undefined : normalisePasswordPolicy(policy);
  }

  getPasswordPolicy(): PasswordPolicy {
    if (!this.passwordPolicy) {
      throw new IamError(
        'NoSuchEntity',
        `The Password Policy with domain name ${this.accountId} cannot be found.`,
      );
    }
    return this.passwordPolicy;
  }

  setRootAccount(root: Partial<RootAccount>): void {
    const next: Mutable<RootAccount> = { mfaActive: root.mfaActive ?? this.root.mfaActive };
    const lastUsed = 'passwordLastUsed' in root ? root.passwordLastUsed : this.root.passwordLastUsed;
    if (lastUsed) next.passwordLastUsed = copyDate(lastUsed);
    this.root = next;
  }

  getRootAccount(): RootAccount {
    return this.root;
  }

  // ----- credential report ---------------------------------------------------------------------

  /**
   * STARTED when a new report begins, COMPLETE once it is ready (see credentialReportReadyAfterCalls).
   * A ready report older than four hours is replaced by a new generation, as in IAM.
   */
  generateCredentialReport(): { readonly state: CredentialReportState; readonly description?: string } {
    const report = this.report;
    if (report.phase === 'ready' && !this.isExpired(report.report)) return { state: 'COMPLETE' };
    if (report.phase === 'generating') {
      report.callsLeft -= 1;
      if (report.callsLeft > 0) return { state: 'INPROGRESS' };
      this.completeCredentialReport();
      return { state: 'COMPLETE' };
    }
    this.report = { phase: 'generating', callsLeft: this.credentialReportReadyAfterCalls };
    if (this.credentialReportReadyAfterCalls <= 0) this.completeCredentialReport();
    return { state: 'STARTED', description: 'No report exists. Starting a new report generation task' };
  }

  /** Finishes a pending generation now, snapshotting the account as it stands. */
  completeCredentialReport(): void {
    const generatedTime = this.clock();
    this.report = { phase: 'ready', report: { content: this.renderCredentialReport(), generatedTime } };
  }

  getCredentialReport(): CredentialReport {
    const report = this.report;
    if (report.phase === 'none') {
      throw new IamError(
        'ReportNotPresent',
        'Credential report does not exist. Use GenerateCredentialReport.',
      );
    }
    if (report.phase === 'generating') {
      throw new IamError('ReportInProgress', 'Credential report is being generated.');
    }
    if (this.isExpired(report.report)) {
      throw new IamError('ReportExpired', 'Credential report has expired. Use GenerateCredentialReport.');
    }
    return report.report;
  }

  /** The report CSV as IAM would write it now; GetCredentialReport serves the snapshot taken at generation. */
  renderCredentialReport(): string {
    const rows = [CREDENTIAL_REPORT_COLUMNS.join(','), this.rootReportRow().join(',')];
    for (const user of this.listUsers()) rows.push(this.userReportRow(this.user(user.userName)).join(','));
    return `${rows.join('\n')}\n`;
  }

  // ----- internals -----------------------------------------------------------------------------

  private isExpired(report: CredentialReport): boolean {
    return this.clock().getTime() - report.generatedTime.getTime() > CREDENTIAL_REPORT_TTL_MS;
  }

  private rootReportRow(): string[] {
    const root = this.root;
    return [
      '<root_account>',
      `arn:aws:iam::${this.accountId}:root`,
      reportDate(this.createDate),
      'not_supported',
      root.passwordLastUsed ? reportDate(root.passwordLastUsed) : 'no_information',
      'not_supported',
      'not_supported',
      String(root.mfaActive),
      ...noAccessKeyColumns(),
      ...noAccessKeyColumns(),
      'false',
      'N/A',
      'false',
      'N/A',
    ];
  }

  private userReportRow(user: UserRecord): string[] {
    const profile = user.loginProfile;
    const keys = this.listAccessKeys(user.userName);
    const certs = [...user.signingCertificates].sort(byKey((c) => c.uploadDate.toISOString()));
    return [
      csvField(user.userName),
      csvField(user.arn),
      reportDate(user.createDate),
      String(profile !== undefined),
      passwordLastUsedColumn(profile, user.passwordLastUsed),
      profile ? reportDate(profile.createDate) : 'N/A',
      this.passwordNextRotation(profile),
      String(this.listMfaDevices(user.userName).length > 0),
      ...accessKeyColumns(keys[0]),
      ...accessKeyColumns(keys[1]),
      ...certificateColumns(certs[0]),
      ...certificateColumns(certs[1]),
    ];
  }

  private passwordNextRotation(profile: LoginProfile | undefined): string {
    const maxAge = this.passwordPolicy?.maxPasswordAge;
    if (!profile || maxAge === undefined) return 'N/A';
    return reportDate(new Date(profile.createDate.getTime() + maxAge * 24 * 60 * 60 * 1000));
  }

  private userDeletionBlocker(user: UserRecord): string | undefined {
    if (user.accessKeys.length > 0) return 'delete access keys';
    if (user.loginProfile) return 'delete login profile';
    if (this.listMfaDevices(user.userName).length > 0) return 'delete MFA device';
    if (user.signingCertificates.length > 0) return 'delete signing certificate';
    if (user.sshPublicKeys.length > 0) return 'delete SSH public keys';
    if (user.serviceCredentials.length > 0) return 'delete service specific credentials';
    if (user.inlinePolicies.size > 0) return 'delete policies';
    if (user.attachedPolicyArns.length > 0) return 'detach all policies';
    if (user.groups.length > 0) return 'remove user from all groups';
    return undefined;
  }

  private addPolicy(input: CreatePolicyInput, awsManaged: boolean): ManagedPolicy {
    checkName('policy', input.policyName);
    const path = checkPath(input.path ?? '/');
    const owner = awsManaged ? 'aws' : this.accountId;
    const arn = `arn:aws:iam::${owner}:policy${path}${input.policyName}`;
    if (this.policies.has(arn)) {
      throw new IamError('EntityAlreadyExists', `A policy called ${input.policyName} already exists.`);
    }
    const createDate = copyDate(input.createDate ?? this.clock());
    const versions = (input.versions ?? [{ versionId: 'v1', document: documentText(input.document) }]).map(
      (v) => ({
        versionId: v.versionId,
        document: documentText(v.document),
        createDate: copyDate(v.createDate ?? createDate),
      }),
    );
    const defaultVersionId = input.defaultVersionId ?? versions[versions.length - 1]?.versionId ?? 'v1';
    if (!versions.some((v) => v.versionId === defaultVersionId)) {
      throw new IamError('InvalidInput', `Default version ${defaultVersionId} is not among the versions.`);
    }
    const policy: PolicyRecord = {
      policyName: input.policyName,
      policyId: this.claimId(input.policyId, 'ANPA', 21),
      arn,
      path,
      createDate,
      updateDate: new Date(Math.max(...versions.map((v) => v.createDate.getTime()))),
      awsManaged,
      defaultVersionId,
      versions,
    };
    if (input.description !== undefined) policy.description = input.description;
    this.policies.set(arn, policy);
    return this.getPolicy(arn);
  }

  private attachmentCount(policyArn: string): number {
    let count = 0;
    for (const user of this.users.values()) if (user.attachedPolicyArns.includes(policyArn)) count += 1;
    for (const group of this.groups.values()) if (group.attachedPolicyArns.includes(policyArn)) count += 1;
    return count;
  }

  private attachedList(arns: readonly string[]): AttachedPolicy[] {
    return arns.map((arn) => ({ policyArn: arn, policyName: this.policy(arn).policyName }));
  }

  private claimId(wanted: string | undefined, prefix: string, length: number): string {
    let id = wanted ?? this.ids.next(prefix, length);
    while (wanted === undefined && this.usedIds.has(id)) id = this.ids.next(prefix, length);
    if (this.usedIds.has(id))
      throw new IamError('EntityAlreadyExists', `Identifier ${id} is already in use.`);
    this.usedIds.add(id);
    return id;
  }

  private user(userName: string): UserRecord {
    const user = this.users.get(userName.toLowerCase());
    if (!user) throw new IamError('NoSuchEntity', `The user with name ${userName} cannot be found.`);
    return user;
  }

  private group(groupName: string): GroupRecord {
    const group = this.groups.get(groupName.toLowerCase());
    if (!group) throw new IamError('NoSuchEntity', `The group with name ${groupName} cannot be found.`);
    return group;
  }

  private policy(policyArn: string): PolicyRecord {
    const policy = this.policies.get(policyArn);
    if (!policy)
      throw new IamError('NoSuchEntity', `Policy ${policyArn} does not exist or is not attachable.`);
    return policy;
  }

  private mfaDevice(serialNumber: string): Mutable<MfaDevice> {
    const device = this.mfaDevices.get(serialNumber);
    if (!device)
      throw new IamError(
        'NoSuchEntity',
        `VirtualMFADevice with serial number ${serialNumber} doesn't exist.`,
      );
    return device;
  }

  private accessKey(accessKeyId: string, userName?: string): { user: UserRecord; key: Mutable<AccessKey> } {
    const owner = this.ownerOf(userName, (u) => u.accessKeys.some((k) => k.accessKeyId === accessKeyId));
    const key = owner?.accessKeys.find((k) => k.accessKeyId === accessKeyId);
    if (!owner || !key)
      throw new IamError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`);
    return { user: owner, key };
  }

  /**
   * The user holding a credential. With a user name only that user is considered, so naming the wrong
   * user reads as "not found", as IAM answers; an unknown user name is still NoSuchEntity for the user.
   */
  private ownerOf(
    userName: string | undefined,
    holds: (user: UserRecord) => boolean,
  ): UserRecord | undefined {
    if (userName !== undefined) {
      const user = this.user(userName);
      return holds(user) ? user : undefined;
    }
    return [...this.users.values()].find(holds);
  }
}

function inlinePolicyList(policies: ReadonlyMap<string, string>): InlinePolicy[] {
  return [...policies.entries()]
    .map(([policyName, document]) => ({ policyName, document }))
    .sort(byKey((p) => p.policyName));
}

function normalisePasswordPolicy(policy: Partial<PasswordPolicy>): PasswordPolicy {
  const normalised: Mutable<PasswordPolicy> = {
    minimumPasswordLength: policy.minimumPasswordLength ?? 8,
    requireSymbols: policy.requireSymbols ?? false,
    requireNumbers: policy.requireNumbers ?? false,
    requireUppercaseCharacters: policy.requireUppercaseCharacters ?? false,
    requireLowercaseCharacters: policy.requireLowercaseCharacters ?? false,
    allowUsersToChangePassword: policy.allowUsersToChangePassword ?? false,
  };
  if (policy.maxPasswordAge !== undefined) normalised.maxPasswordAge = policy.maxPasswordAge;
  if (policy.passwordReusePrevention !== undefined)
    normalised.passwordReusePrevention = policy.passwordReusePrevention;
  if (policy.hardExpiry !== undefined) normalised.hardExpiry = policy.hardExpiry;
  return normalised;
}

// ---------------------------------------------------------------------------------------------
// Credential report formatting

/** The columns of IAM's credential report, in IAM's order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** IAM writes report times as `2024-05-01T12:00:00+00:00`, not with a `Z`. */
function reportDate(date: Date): string {
  return date.toISOString().replace(/(\.\d+)?Z$/, '+00:00');
}

/** User names may contain commas, so quote the way RFC 4180 does when needed. */
function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** N/A without a password; no_information for a password that has never been used. */
function passwordLastUsedColumn(profile: LoginProfile | undefined, lastUsed: Date | undefined): string {
  if (lastUsed) return reportDate(lastUsed);
  return profile ? 'no_information' : 'N/A';
}

function noAccessKeyColumns(): string[] {
  return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
}

function accessKeyColumns(key: AccessKey | undefined): string[] {
  if (!key) return noAccessKeyColumns();
  const used = key.lastUsed;
  return [
    String(key.status === 'Active'),
    reportDate(key.createDate),
    used ? reportDate(used.date) : 'N/A',
    used ? used.region : 'N/A',
    used ? used.service : 'N/A',
  ];
}

function certificateColumns(cert: SigningCertificate | undefined): string[] {
  return cert ? [String(cert.status === 'Active'), reportDate(cert.uploadDate)] : ['false', 'N/A'];
}

// ---------------------------------------------------------------------------------------------
// Fixture format

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 date-time');
const status = z.enum(['Active', 'Inactive']);
const policyDocument = z.union([z.string(), z.record(z.string(), z.unknown())]);
const inlinePolicies = z.record(z.string(), policyDocument);

const accessKeyFixture = z.strictObject({
  accessKeyId: z.string().optional(),
  status: status.optional(),
  createDate: isoDate.optional(),
  lastUsed: z.strictObject({ date: isoDate, service: z.string(), region: z.string() }).optional(),
});

const userFixture = z.strictObject({
  userName: z.string(),
  userId: z.string().optional(),
  path: z.string().optional(),
  createDate: isoDate.optional(),
  passwordLastUsed: isoDate.optional(),
  tags: z.record(z.string(), z.string()).optional(),
  groups: z.array(z.string()).optional(),
  accessKeys: z.array(accessKeyFixture).optional(),
  loginProfile: z
    .strictObject({ createDate: isoDate.optional(), passwordResetRequired: z.boolean().optional() })
    .optional(),
  signingCertificates: z
    .array(
      z.strictObject({
        certificateId: z.string().optional(),
        status: status.optional(),
        uploadDate: isoDate.optional(),
        certificateBody: z.string().optional(),
      }),
    )
    .optional(),
  sshPublicKeys: z
    .array(
      z.strictObject({
        sshPublicKeyId: z.string().optional(),
        status: status.optional(),
        uploadDate: isoDate.optional(),
      }),
    )
    .optional(),
  serviceSpecificCredentials: z
    .array(
      z.strictObject({
        serviceSpecificCredentialId: z.string().optional(),
        serviceName: z.string().optional(),
        status: status.optional(),
        createDate: isoDate.optional(),
      }),
    )
    .optional(),
  inlinePolicies: inlinePolicies.optional(),
  attachedPolicies: z.array(z.string()).optional(),
});

const groupFixture = z.strictObject({
  groupName: z.string(),
  groupId: z.string().optional(),
  path: z.string().optional(),
  createDate: isoDate.optional(),
  inlinePolicies: inlinePolicies.optional(),
  attachedPolicies: z.array(z.string()).optional(),
});

const policyFixture = z.strictObject({
  policyName: z.string(),
  awsManaged: z.boolean().optional(),
  policyId: z.string().optional(),
  path: z.string().optional(),
  description: z.string().optional(),
  createDate: isoDate.optional(),
  /** Shorthand for a single version v1. */
  document: policyDocument.optional(),
  versions: z
    .array(
      z.strictObject({ versionId: z.string(), document: policyDocument, createDate: isoDate.optional() }),
    )
    .min(1)
    .optional(),
  defaultVersionId: z.string().optional(),
});

const mfaDeviceFixture = z.strictObject({
  /** The device name; the serial number is `arn:aws:iam::<account>:mfa<path><name>`. */
  name: z.string(),
  path: z.string().optional(),
  userName: z.string().optional(),
  enableDate: isoDate.optional(),
});

const passwordPolicyFixture = z.strictObject({
  minimumPasswordLength: z.number().int().optional(),
  requireSymbols: z.boolean().optional(),
  requireNumbers: z.boolean().optional(),
  requireUppercaseCharacters: z.boolean().optional(),
  requireLowercaseCharacters: z.boolean().optional(),
  allowUsersToChangePassword: z.boolean().optional(),
  maxPasswordAge: z.number().int().positive().optional(),
  passwordReusePrevention: z.number().int().positive().optional(),
  hardExpiry: z.boolean().optional(),
});

/**
 * The JSON fixture: every field but names is optional, dates are ISO-8601 strings, tags are a plain
 * object, policy documents may be JSON objects or JSON text. Omitted ids are generated from `idState`
 * (or the `idSeed` option), omitted dates default to the clock. Policies are loaded first, then groups,
 * then users (whose `groups` and `attachedPolicies` refer to them), then MFA devices (whose `userName`
 * enables them for that user). `toJSON` writes the same format with every id and date filled in.
 */
const fixtureSchema = z.strictObject({
  version: z.literal(1).optional(),
  accountId: z.string().optional(),
  createDate: isoDate.optional(),
  idState: z.number().int().optional(),
  root: z
    .strictObject({ mfaActive: z.boolean().optional(), passwordLastUsed: isoDate.optional() })
    .optional(),
  passwordPolicy: passwordPolicyFixture.optional(),
  policies: z.array(policyFixture).optional(),
  groups: z.array(groupFixture).optional(),
  users: z.array(userFixture).optional(),
  mfaDevices: z.array(mfaDeviceFixture).optional(),
});

export type IamAccountFixture = z.input<typeof fixtureSchema>;
type UserFixture = z.output<typeof userFixture>;
type PolicyFixture = z.output<typeof policyFixture>;

function optionalDate(value: string | undefined): { readonly date?: Date } {
  return value === undefined ? {} : { date: new Date(value) };
}

/** Spreads `{ [key]: value }` only when the value is present, keeping inputs free of explicit undefineds. */
function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function loadFixture(
  fixture: z.output<typeof fixtureSchema>,
  options: Omit<IamAccountOptions, 'accountId' | 'createDate'>,
): IamAccount {
  const account = new IamAccount({
    ...options,
    ...opt('accountId', fixture.accountId),
    ...opt('createDate', optionalDate(fixture.createDate).date),
  });
  if (fixture.idState !== undefined) account.idState = fixture.idState;
  if (fixture.root) {
    account.setRootAccount({
      mfaActive: fixture.root.mfaActive ?? false,
      ...opt('passwordLastUsed', optionalDate(fixture.root.passwordLastUsed).date),
    });
  }
  if (fixture.passwordPolicy) account.setPasswordPolicy(fixture.passwordPolicy);
  for (const policy of fixture.policies ?? []) loadPolicy(account, policy);
  for (const group of fixture.groups ?? []) {
    account.createGroup({
      groupName: group.groupName,
      ...opt('groupId', group.groupId),
      ...opt('path', group.path),
      ...opt('createDate', optionalDate(group.createDate).date),
    });
    for (const [name, doc] of Object.entries(group.inlinePolicies ?? {}))
      account.putGroupPolicy(group.groupName, name, doc);
    for (const arn of group.attachedPolicies ?? []) account.attachGroupPolicy(group.groupName, arn);
  }
  for (const user of fixture.users ?? []) loadUser(account, user);
  for (const device of fixture.mfaDevices ?? []) {
    account.createVirtualMfaDevice(device.name, {
      ...opt('path', device.path),
      ...opt('userName', device.userName),
      ...opt('enableDate', optionalDate(device.enableDate).date),
    });
  }
  return account;
}

function loadPolicy(account: IamAccount, policy: PolicyFixture): void {
  const input: CreatePolicyInput = {
    policyName: policy.policyName,
    ...opt('policyId', policy.policyId),
    ...opt('path', policy.path),
    ...opt('description', policy.description),
    ...opt('createDate', optionalDate(policy.createDate).date),
    ...opt('document', policy.document),
    ...opt('defaultVersionId', policy.defaultVersionId),
    ...opt(
      'versions',
      policy.versions?.map((v) => ({
        versionId: v.versionId,
        document: v.document,
        ...opt('createDate', optionalDate(v.createDate).date),
      })),
    ),
  };
  if (policy.awsManaged) account.createAwsManagedPolicy(input);
  else account.createPolicy(input);
}

function loadUser(account: IamAccount, user: UserFixture): void {
  const { userName } = user;
  account.createUser({
    userName,
    ...opt('userId', user.userId),
    ...opt('path', user.path),
    ...opt('tags', user.tags),
    ...opt('createDate', optionalDate(user.createDate).date),
    ...opt('passwordLastUsed', optionalDate(user.passwordLastUsed).date),
  });
  for (const group of user.groups ?? []) account.addUserToGroup(group, userName);
  for (const key of user.accessKeys ?? []) {
    account.createAccessKey(userName, {
      ...opt('accessKeyId', key.accessKeyId),
      ...opt('status', key.status),
      ...opt('createDate', optionalDate(key.createDate).date),
      ...opt('lastUsed', key.lastUsed && { ...key.lastUsed, date: new Date(key.lastUsed.date) }),
    });
  }
  if (user.loginProfile) {
    account.createLoginProfile(userName, {
      ...opt('createDate', optionalDate(user.loginProfile.createDate).date),
      ...opt('passwordResetRequired', user.loginProfile.passwordResetRequired),
    });
  }
  for (const cert of user.signingCertificates ?? []) {
    account.uploadSigningCertificate(userName, {
      ...opt('certificateId', cert.certificateId),
      ...opt('status', cert.status),
      ...opt('uploadDate', optionalDate(cert.uploadDate).date),
      ...opt('certificateBody', cert.certificateBody),
    });
  }
  for (const key of user.sshPublicKeys ?? []) {
    account.uploadSshPublicKey(userName, {
      ...opt('sshPublicKeyId', key.sshPublicKeyId),
      ...opt('status', key.status),
      ...opt('uploadDate', optionalDate(key.uploadDate).date),
    });
  }
  for (const cred of user.serviceSpecificCredentials ?? []) {
    account.createServiceSpecificCredential(userName, {
      ...opt('serviceSpecificCredentialId', cred.serviceSpecificCredentialId),
      ...opt('serviceName', cred.serviceName),
      ...opt('status', cred.status),
      ...opt('createDate', optionalDate(cred.createDate).date),
    });
  }
  for (const [name, doc] of Object.entries(user.inlinePolicies ?? {}))
    account.putUserPolicy(userName, name, doc);
  for (const arn of user.attachedPolicies ?? []) account.attachUserPolicy(userName, arn);
}

/** Documents go out as objects when they are JSON, which keeps fixtures readable and diffable. */
function documentJson(text: string): string | Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON: keep the text as it is.
  }
  return text;
}

function iso(date: Date): string {
  return date.toISOString();
}

function inlineJson(policies: readonly InlinePolicy[]): Record<string, string | Record<string, unknown>> {
  return Object.fromEntries(policies.map((p) => [p.policyName, documentJson(p.document)]));
}

function dumpPolicy(policy: PolicyRecord): PolicyFixture {
  return {
    policyName: policy.policyName,
    awsManaged: policy.awsManaged,
    policyId: policy.policyId,
    path: policy.path,
    ...opt('description', policy.description),
    createDate: iso(policy.createDate),
    versions: policy.versions.map((v) => ({
      versionId: v.versionId,
      document: documentJson(v.document),
      createDate: iso(v.createDate),
    })),
    defaultVersionId: policy.defaultVersionId,
  };
}

function dumpGroup(group: GroupRecord): z.output<typeof groupFixture> {
  return {
    groupName: group.groupName,
    groupId: group.groupId,
    path: group.path,
    createDate: iso(group.createDate),
    inlinePolicies: inlineJson(inlinePolicyList(group.inlinePolicies)),
    attachedPolicies: [...group.attachedPolicyArns],
  };
}

function dumpUser(user: UserRecord): UserFixture {
  return {
    userName: user.userName,
    userId: user.userId,
    path: user.path,
    createDate: iso(user.createDate),
    ...opt('passwordLastUsed', user.passwordLastUsed && iso(user.passwordLastUsed)),
    tags: Object.fromEntries(user.tags.map((t) => [t.key, t.value])),
    groups: [...user.groups],
    accessKeys: user.accessKeys.map((k) => ({
      accessKeyId: k.accessKeyId,
      status: k.status,
      createDate: iso(k.createDate),
      ...opt('lastUsed', k.lastUsed && { ...k.lastUsed, date: iso(k.lastUsed.date) }),
    })),
    ...opt(
      'loginProfile',
      user.loginProfile && {
        createDate: iso(user.loginProfile.createDate),
        passwordResetRequired: user.loginProfile.passwordResetRequired,
      },
    ),
    signingCertificates: user.signingCertificates.map((c) => ({
      certificateId: c.certificateId,
      status: c.status,
      uploadDate: iso(c.uploadDate),
      certificateBody: c.certificateBody,
    })),
    sshPublicKeys: user.sshPublicKeys.map((k) => ({
      sshPublicKeyId: k.sshPublicKeyId,
      status: k.status,
      uploadDate: iso(k.uploadDate),
    })),
    serviceSpecificCredentials: user.serviceCredentials.map((c) => ({
      serviceSpecificCredentialId: c.serviceSpecificCredentialId,
      serviceName: c.serviceName,
      status: c.status,
      createDate: iso(c.createDate),
    })),
    inlinePolicies: inlineJson(inlinePolicyList(user.inlinePolicies)),
    attachedPolicies: [...user.attachedPolicyArns],
  };
}

function dumpMfaDevice(device: MfaDevice): z.input<typeof mfaDeviceFixture> {
  const match = /^arn:aws:iam::\d{12}:mfa(\/(?:.*\/)?)([^/]+)$/.exec(device.serialNumber);
  return {
    name: match?.[2] ?? device.serialNumber,
    path: match?.[1] ?? '/',
    ...opt('userName', device.userName),
    ...opt('enableDate', device.enableDate && iso(device.enableDate)),
  };
}
