/**
 * An HTTP server speaking IAM's Query protocol (what `@aws-sdk/client-iam` sends: a form-encoded POST of
 * `Action=...&Version=2010-05-08&...`, answered with `<XResponse><XResult>` XML) over an `IamAccount`,
 * so the real IAMClient can be pointed at it with `endpoint: url`. Signatures are not checked.
 *
 * Markers are opaque to clients but carry the key of the last item returned rather than an offset, so
 * a page boundary survives items being deleted between pages, as a teardown that lists while it
 * deletes will do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttachedPolicy,
  type CredentialStatus,
  type Group,
  type IamAccount,
  IamError,
  type InlinePolicy,
  type ManagedPolicy,
  type PolicyScope,
  type Tag,
  type User,
} from './account';

const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const MAX_BODY_BYTES = 1024 * 1024;

export type IamFault = 'Throttling';

/** The request's form fields (`UserName`, `Filter.member.1`, ...), without `Action` and `Version`. */
export type IamRequestParams = Readonly<Record<string, string>>;

export interface IamServerOptions {
  /** Delay before every answer, to make timing and concurrency visible. */
  readonly latencyMs?: number;
  /**
   * Asked before each action; returning `'Throttling'` answers HTTP 400 `Throttling` "Rate exceeded",
   * which the SDK retries with backoff. `n` is the 1-based number of the request on this server.
   */
  readonly fault?: (action: string, n: number) => IamFault | null;
  /**
   * Runs after faults and before the action touches the account. Throwing an `IamError` answers with
   * that error. Throwing anything else simulates a crash: the connection is destroyed with no answer
   * and the action is not applied, so the client sees a socket hang-up (which the SDK treats as
   * transient and retries unless `maxAttempts` is 1).
   */
  readonly beforeAction?: (action: string, params: IamRequestParams) => void;
  /**
   * Awaited as each request arrives, before anything else: a test can hold requests to prove
   * that others are in flight at the same time (counting, not timing).
   */
  readonly hold?: (action: string) => Promise<void>;
}

export interface IamServerStats {
  /** Every request received, including faulted, failed and crashed ones. */
  requests: number;
  /** Requests per action name, counted the same way. */
  byAction: Record<string, number>;
  /** Requests answered with an injected fault. */
  faulted: number;
}

export interface IamServer {
  readonly url: string;
  readonly port: number;
  /** Live counters; read them after the calls of interest. */
  readonly stats: IamServerStats;
  close(): Promise<void>;
}

export async function startIamServer(
  account: IamAccount,
  options: IamServerOptions = {},
): Promise<IamServer> {
  return listen(() => account, options);
}

/**
 * Which account a request is for, from the access key id that signed it (its SigV4
 * `Credential=`); undefined answers 403 `InvalidClientTokenId`, as IAM does for a key it does not know.
 */
export type IamAccountFor = (accessKeyId: string) => IamAccount | undefined;

/**
 * Many accounts behind one server: each request goes to the account whose credentials signed
 * it, as each of an Organization's accounts answers only its own (assumed) role's calls. One
 * listening socket serves a thousand accounts where a server per account would need a thousand.
 * `stats` counts every account's requests together.
 */
export async function startMultiAccountIamServer(
  accountFor: IamAccountFor,
  options: IamServerOptions = {},
): Promise<IamServer> {
  return listen((req) => {
    const keyId = signingKeyId(req);
    return keyId === undefined ? undefined : accountFor(keyId);
  }, options);
}

/** The access key id in a SigV4 `Authorization` header. */
export function signingKeyId(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
}

async function listen(
  accountOf: (req: IncomingMessage) => IamAccount | undefined,
  options: IamServerOptions,
): Promise<IamServer> {
  const stats: IamServerStats = { requests: 0, byAction: {}, faulted: 0 };
  const server = createServer((req, res) => {
    stats.requests += 1;
    const n = stats.requests;
    serve(accountOf(req), options, stats, n, req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // SDK clients keep connections alive; without this, close waits for them to time out.
      server.closeAllConnections();
    });
    return closing;
  };
  return { url: `http://127.0.0.1:${port}`, port, stats, close };
}

// ---------------------------------------------------------------------------------------------
// Request handling

class QueryError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

async function serve(
  account: IamAccount | undefined,
  options: IamServerOptions,
  stats: IamServerStats,
  n: number,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const form = await readForm(req);
  const action = form.get('Action') ?? '';
  stats.byAction[action] = (stats.byAction[action] ?? 0) + 1;
  await options.hold?.(action);
  if (options.latencyMs) await sleep(options.latencyMs);

  if (options.fault?.(action, n) === 'Throttling') {
    stats.faulted += 1;
    return sendError(res, requestId, new QueryError('Throttling', 400, 'Rate exceeded'));
  }
  if (account === undefined)
    return sendError(
      res,
      requestId,
      new QueryError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'),
    );
  const handler = Object.hasOwn(HANDLERS, action) ? HANDLERS[action] : undefined;
  if (!handler) {
    const error = action
      ? new QueryError('InvalidAction', 400, `Could not find operation ${action} for version 2010-05-08`)
      : new QueryError('MissingAction', 400, 'Missing Action');
    return sendError(res, requestId, error);
  }
  const params = new QueryParams(form);
  try {
    options.beforeAction?.(action, params.fields());
  } catch (err) {
    if (err instanceof IamError) return sendError(res, requestId, err);
    res.destroy();
    return;
  }
  try {
    sendResult(res, requestId, action, handler(account, params));
  } catch (err) {
    if (err instanceof IamError || err instanceof QueryError) return sendError(res, requestId, err);
    const message = err instanceof Error ? err.message : String(err);
    sendError(res, requestId, new QueryError('ServiceFailure', 500, message));
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'POST') return url.searchParams;
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendResult(
  res: ServerResponse,
  requestId: string,
  action: string,
  result: XmlObject | undefined,
): void {
  const body =
    `<${action}Response xmlns="${IAM_XMLNS}">` +
    (result === undefined ? '' : renderXml(`${action}Result`, result)) +
    renderXml('ResponseMetadata', { RequestId: requestId }) +
    `</${action}Response>`;
  send(res, 200, requestId, body);
}

function sendError(res: ServerResponse, requestId: string, error: IamError | QueryError): void {
  const type = error.httpStatus >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${IAM_XMLNS}">` +
    renderXml('Error', { Type: type, Code: error.code, Message: error.message }) +
    renderXml('RequestId', requestId) +
    '</ErrorResponse>';
  send(res, error.httpStatus, requestId, body);
}

function send(res: ServerResponse, status: number, requestId: string, body: string): void {
  // The SDK takes $metadata.requestId from this header, not from the XML.
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

/** Typed access to the form, decoding the Query protocol's `Name.member.N(.Field)` lists. */
class QueryParams {
  constructor(private readonly form: URLSearchParams) {}

  fields(): IamRequestParams {
    const fields: Record<string, string> = {};
    for (const [name, value] of this.form) if (name !== 'Action' && name !== 'Version') fields[name] = value;
    return fields;
  }

  optional(name: string): string | undefined {
    const value = this.form.get(name);
    return value === null || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) {
      const member = name.charAt(0).toLowerCase() + name.slice(1);
      throw new QueryError(
        'ValidationError',
        400,
        `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return value;
  }

  /** `Name.member.1`, `Name.member.2`, ...; the SDK sends an empty list as a bare `Name=`. */
  list(name: string): string[] {
    const values: string[] = [];
    for (let i = 1; this.form.has(`${name}.member.${i}`); i += 1)
      values.push(this.form.get(`${name}.member.${i}`) ?? '');
    return values;
  }

  /** `Name.member.N.Field` for each of `fields`. */
  structList<F extends string>(name: string, fields: readonly F[]): Record<F, string>[] {
    const items: Record<F, string>[] = [];
    for (let i = 1; fields.some((f) => this.form.has(`${name}.member.${i}.${f}`)); i += 1) {
      const entries = fields.map((f) => [f, this.form.get(`${name}.member.${i}.${f}`) ?? ''] as const);
      items.push(Object.fromEntries(entries) as Record<F, string>);
    }
    return items;
  }

  bool(name: string): boolean {
    return this.optional(name) === 'true';
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.optional(name);
    return value === undefined ? undefined : QueryParams.match(name, value, allowed);
  }

  requiredOneOf<T extends string>(name: string, allowed: readonly T[]): T {
    return QueryParams.match(name, this.required(name), allowed);
  }

  private static match<T extends string>(name: string, value: string, allowed: readonly T[]): T {
    const match = allowed.find((a) => a === value);
    if (match === undefined) {
      throw new QueryError(
        'ValidationError',
        400,
        `Value '${value}' at '${name}' must be one of ${allowed.join(', ')}`,
      );
    }
    return match;
  }

  maxItems(): number {
    const raw = this.optional('MaxItems');
    if (raw === undefined) return DEFAULT_PAGE_SIZE;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
      throw new QueryError(
        'ValidationError',
        400,
        `Value '${raw}' at 'maxItems' failed to satisfy constraint: Member must be between 1 and ${MAX_PAGE_SIZE}`,
      );
    }
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Pagination

interface Page<T> {
  readonly items: T[];
  readonly isTruncated: boolean;
  readonly marker?: string;
}

/**
 * The page after the marker, keeping the order of `items`. Resuming looks for the item whose key the
 * marker holds; if that item has since been deleted, it resumes at the first key sorting after it,
 * which is exact for the lists served in key order (users, groups, policies by name) and close enough
 * for the short ones that are not (access keys, tags).
 */
function paginate<T>(items: readonly T[], keyOf: (item: T) => string, params: QueryParams): Page<T> {
  const marker = params.optional('Marker');
  const maxItems = params.maxItems();
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, 'base64url').toString('utf8');
    const exact = items.findIndex((item) => keyOf(item) === after);
    const next = exact >= 0 ? exact + 1 : items.findIndex((item) => compare(keyOf(item), after) > 0);
    start = next < 0 ? items.length : next;
  }
  const page = items.slice(start, start + maxItems);
  const last = page[page.length - 1];
  if (start + page.length >= items.length || last === undefined) return { items: page, isTruncated: false };
  return { items: page, isTruncated: true, marker: Buffer.from(keyOf(last), 'utf8').toString('base64url') };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `IsTruncated`/`Marker` tail every paginated IAM result ends with. */
function pageTail(page: Page<unknown>): XmlObject {
  return { IsTruncated: page.isTruncated, Marker: page.marker };
}

// ---------------------------------------------------------------------------------------------
// XML

type XmlScalar = string | number | boolean | Date;
type XmlValue = XmlScalar | undefined | readonly XmlValue[] | XmlObject;
interface XmlObject {
  readonly [element: string]: XmlValue;
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

function isXmlList(value: XmlValue): value is readonly XmlValue[] {
  return Array.isArray(value);
}

/** Objects become nested elements, arrays become `<member>` lists, undefined is left out. */
function renderXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  let inner: string;
  if (isXmlList(value)) inner = value.map((v) => renderXml('member', v)).join('');
  else if (value instanceof Date) inner = value.toISOString().replace('.000Z', 'Z');
  else if (typeof value === 'object') {
    inner = Object.entries(value)
      .map(([k, v]) => renderXml(k, v))
      .join('');
  } else inner = escapeXml(String(value));
  return `<${name}>${inner}</${name}>`;
}

// ---------------------------------------------------------------------------------------------
// Shapes

function userXml(user: User, withTags = false): XmlObject {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: user.createDate,
    PasswordLastUsed: user.passwordLastUsed,
    // IAM's list calls leave tags out; GetUser includes them.
    Tags: withTags && user.tags.length > 0 ? tagsXml(user.tags) : undefined,
  };
}

function tagsXml(tags: readonly Tag[]): XmlObject[] {
  return tags.map((t) => ({ Key: t.key, Value: t.value }));
}

function groupXml(group: Group): XmlObject {
  return {
    Path: group.path,
    GroupName: group.groupName,
    GroupId: group.groupId,
    Arn: group.arn,
    CreateDate: group.createDate,
  };
}

function attachedXml(policies: readonly AttachedPolicy[]): XmlObject[] {
  return policies.map((p) => ({ PolicyName: p.policyName, PolicyArn: p.policyArn }));
}

/** Authorization details carry policy documents URL-encoded, as IAM sends them. */
function inlineXml(policies: readonly InlinePolicy[]): XmlObject[] {
  return policies.map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeURIComponent(p.document) }));
}

function policyXml(policy: ManagedPolicy): XmlObject {
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: policy.createDate,
    UpdateDate: policy.updateDate,
  };
}

// ---------------------------------------------------------------------------------------------
// Actions

type Handler = (account: IamAccount, params: QueryParams) => XmlObject | undefined;

const STATUSES: readonly CredentialStatus[] = ['Active', 'Inactive'];

const AUTH_DETAIL_FILTERS = ['User', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy', 'Role'] as const;
type AuthDetailFilter = (typeof AUTH_DETAIL_FILTERS)[number];

type AuthDetailList = 'UserDetailList' | 'GroupDetailList' | 'Policies';

interface AuthDetailEntry {
  /** Users, then groups, then policies, each by name: the order pages are cut in. */
  readonly key: string;
  readonly list: AuthDetailList;
  readonly render: () => XmlObject;
}

function isAuthDetailFilter(value: string): value is AuthDetailFilter {
  return AUTH_DETAIL_FILTERS.some((known) => known === value);
}

/** No filter means everything, as in IAM. */
function authDetailFilters(params: QueryParams): ReadonlySet<AuthDetailFilter> {
  const requested = params.list('Filter');
  const unknown = requested.filter((f) => !isAuthDetailFilter(f));
  if (unknown.length > 0) {
    throw new QueryError('ValidationError', 400, `Invalid filter: ${unknown.join(', ')}`);
  }
  return new Set(requested.length === 0 ? AUTH_DETAIL_FILTERS : requested.filter(isAuthDetailFilter));
}

function authDetailEntries(account: IamAccount, filters: ReadonlySet<AuthDetailFilter>): AuthDetailEntry[] {
  const entries: AuthDetailEntry[] = [];
  if (filters.has('User')) {
    for (const user of account.listUsers()) {
      entries.push({
        key: `0:${user.userName}`,
        list: 'UserDetailList',
        render: () => userDetail(account, user),
      });
    }
  }
  if (filters.has('Group')) {
    for (const group of account.listGroups()) {
      entries.push({
        key: `1:${group.groupName}`,
        list: 'GroupDetailList',
        render: () => groupDetail(account, group),
      });
    }
  }
  const scopes: PolicyScope[] = [];
  if (filters.has('LocalManagedPolicy')) scopes.push('Local');
  if (filters.has('AWSManagedPolicy')) scopes.push('AWS');
  for (const scope of scopes) {
    for (const policy of account.listPolicies(scope)) {
      // IAM reports only the AWS-managed policies that are in use in the account.
      if (policy.awsManaged && policy.attachmentCount === 0) continue;
      entries.push({ key: `3:${policy.arn}`, list: 'Policies', render: () => policyDetail(account, policy) });
    }
  }
  return entries;
}

function userDetail(account: IamAccount, user: User): XmlObject {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: user.createDate,
    UserPolicyList: inlineXml(account.listUserPolicies(user.userName)),
    GroupList: account.listGroupsForUser(user.userName).map((g) => g.groupName),
    AttachedManagedPolicies: attachedXml(account.listAttachedUserPolicies(user.userName)),
    Tags: tagsXml(user.tags),
  };
}

function groupDetail(account: IamAccount, group: Group): XmlObject {
  return {
    ...groupXml(group),
    GroupPolicyList: inlineXml(account.listGroupPolicies(group.groupName)),
    AttachedManagedPolicies: attachedXml(account.listAttachedGroupPolicies(group.groupName)),
  };
}

function policyDetail(account: IamAccount, policy: ManagedPolicy): XmlObject {
  return {
    ...policyXml(policy),
    PolicyVersionList: account.listPolicyVersions(policy.arn).map((v) => ({
      Document: encodeURIComponent(v.document),
      VersionId: v.versionId,
      IsDefaultVersion: v.isDefaultVersion,
      CreateDate: v.createDate,
    })),
  };
}

const getAccountAuthorizationDetails: Handler = (account, params) => {
  const page = paginate(authDetailEntries(account, authDetailFilters(params)), (e) => e.key, params);
  const inList = (list: AuthDetailList): XmlObject[] =>
    page.items.filter((e) => e.list === list).map((e) => e.render());
  return {
    UserDetailList: inList('UserDetailList'),
    GroupDetailList: inList('GroupDetailList'),
    RoleDetailList: [],
    Policies: inList('Policies'),
    ...pageTail(page),
  };
};

const listEntitiesForPolicy: Handler = (account, params) => {
  const entityFilter = params.oneOf('EntityFilter', [...AUTH_DETAIL_FILTERS]);
  const entities = account.listEntitiesForPolicy(params.required('PolicyArn'));
  type Entity = {
    readonly key: string;
    readonly list: 'PolicyUsers' | 'PolicyGroups';
    readonly value: XmlObject;
  };
  const all: Entity[] = [];
  if (entityFilter === undefined || entityFilter === 'User') {
    for (const u of entities.users) {
      all.push({
        key: `0:${u.userName}`,
        list: 'PolicyUsers',
        value: { UserName: u.userName, UserId: u.userId },
      });
    }
  }
  if (entityFilter === undefined || entityFilter === 'Group') {
    for (const g of entities.groups) {
      all.push({
        key: `1:${g.groupName}`,
        list: 'PolicyGroups',
        value: { GroupName: g.groupName, GroupId: g.groupId },
      });
    }
  }
  const page = paginate(all, (e) => e.key, params);
  return {
    PolicyGroups: page.items.filter((e) => e.list === 'PolicyGroups').map((e) => e.value),
    PolicyUsers: page.items.filter((e) => e.list === 'PolicyUsers').map((e) => e.value),
    PolicyRoles: [],
    ...pageTail(page),
  };
};

const listServiceSpecificCredentials: Handler = (account, params) => {
  const serviceName = params.optional('ServiceName');
  const users = params.bool('AllUsers')
    ? account.listUsers()
    : [account.getUser(params.required('UserName'))];
  const credentials = users.flatMap((u) => account.listServiceSpecificCredentials(u.userName, serviceName));
  const page = paginate(credentials, (c) => `${c.userName}:${c.serviceSpecificCredentialId}`, params);
  return {
    ServiceSpecificCredentials: page.items.map((c) => ({
      UserName: c.userName,
      Status: c.status,
      CreateDate: c.createDate,
      ServiceSpecificCredentialId: c.serviceSpecificCredentialId,
      ServiceName: c.serviceName,
      ServiceUserName: c.serviceUserName,
    })),
    ...pageTail(page),
  };
};

const generateCredentialReport: Handler = (account) => {
  const { state, description } = account.generateCredentialReport();
  return { State: state, Description: description };
};

const getCredentialReport: Handler = (account) => {
  const report = account.getCredentialReport();
  return {
    Content: Buffer.from(report.content, 'utf8').toString('base64'),
    ReportFormat: 'text/csv',
    GeneratedTime: report.generatedTime,
  };
};

const getAccountPasswordPolicy: Handler = (account) => {
  const policy = account.getPasswordPolicy();
  return {
    PasswordPolicy: {
      MinimumPasswordLength: policy.minimumPasswordLength,
      RequireSymbols: policy.requireSymbols,
      RequireNumbers: policy.requireNumbers,
      RequireUppercaseCharacters: policy.requireUppercaseCharacters,
      RequireLowercaseCharacters: policy.requireLowercaseCharacters,
      AllowUsersToChangePassword: policy.allowUsersToChangePassword,
      ExpirePasswords: policy.maxPasswordAge !== undefined,
      MaxPasswordAge: policy.maxPasswordAge,
      PasswordReusePrevention: policy.passwordReusePrevention,
      HardExpiry: policy.hardExpiry,
    },
  };
};

/** One entry per supported action; anything else is InvalidAction. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,

  ListUsers: (account, params) => {
    const page = paginate(account.listUsers(params.optional('PathPrefix')), (u) => u.userName, params);
    return { Users: page.items.map((u) => userXml(u)), ...pageTail(page) };
  },
  GetUser: (account, params) => ({ User: userXml(account.getUser(params.required('UserName')), true) }),
  DeleteUser: (account, params) => {
    account.deleteUser(params.required('UserName'));
    return undefined;
  },
  ListUserTags: (account, params) => {
    const page = paginate(account.listUserTags(params.required('UserName')), (t) => t.key, params);
    return { Tags: tagsXml(page.items), ...pageTail(page) };
  },
  TagUser: (account, params) => {
    const tags = params
      .structList('Tags', ['Key', 'Value'] as const)
      .map((t) => ({ key: t.Key, value: t.Value }));
    account.tagUser(params.required('UserName'), tags);
    return undefined;
  },
  UntagUser: (account, params) => {
    account.untagUser(params.required('UserName'), params.list('TagKeys'));
    return undefined;
  },

  ListAccessKeys: (account, params) => {
    const keys = account.listAccessKeys(params.required('UserName'));
    const page = paginate(keys, (k) => `${k.createDate.toISOString()}:${k.accessKeyId}`, params);
    return {
      AccessKeyMetadata: page.items.map((k) => ({
        UserName: k.userName,
        AccessKeyId: k.accessKeyId,
        Status: k.status,
        CreateDate: k.createDate,
      })),
      ...pageTail(page),
    };
  },
  GetAccessKeyLastUsed: (account, params) => {
    const { userName, lastUsed } = account.getAccessKeyLastUsed(params.required('AccessKeyId'));
    return {
      UserName: userName,
      // IAM answers N/A for a key that has never been used.
      AccessKeyLastUsed: {
        LastUsedDate: lastUsed?.date,
        ServiceName: lastUsed?.service ?? 'N/A',
        Region: lastUsed?.region ?? 'N/A',
      },
    };
  },
  UpdateAccessKey: (account, params) => {
    const status = params.requiredOneOf('Status', STATUSES);
    account.updateAccessKey(params.required('AccessKeyId'), status, params.optional('UserName'));
    return undefined;
  },
  DeleteAccessKey: (account, params) => {
    account.deleteAccessKey(params.required('AccessKeyId'), params.optional('UserName'));
    return undefined;
  },

  GetLoginProfile: (account, params) => {
    const profile = account.getLoginProfile(params.required('UserName'));
    return {
      LoginProfile: {
        UserName: profile.userName,
        CreateDate: profile.createDate,
        PasswordResetRequired: profile.passwordResetRequired,
      },
    };
  },
  DeleteLoginProfile: (account, params) => {
    account.deleteLoginProfile(params.required('UserName'));
    return undefined;
  },

  ListMFADevices: (account, params) => {
    const page = paginate(account.listMfaDevices(params.required('UserName')), (d) => d.serialNumber, params);
    return {
      MFADevices: page.items.map((d) => ({
        UserName: d.userName,
        SerialNumber: d.serialNumber,
        EnableDate: d.enableDate,
      })),
      ...pageTail(page),
    };
  },
  DeactivateMFADevice: (account, params) => {
    account.deactivateMfaDevice(params.required('SerialNumber'), params.optional('UserName'));
    return undefined;
  },
  DeleteVirtualMFADevice: (account, params) => {
    account.deleteVirtualMfaDevice(params.required('SerialNumber'));
    return undefined;
  },

  ListSigningCertificates: (account, params) => {
    const certs = account.listSigningCertificates(params.required('UserName'));
    const page = paginate(certs, (c) => c.certificateId, params);
    return {
      Certificates: page.items.map((c) => ({
        UserName: c.userName,
        CertificateId: c.certificateId,
        CertificateBody: c.certificateBody,
        Status: c.status,
        UploadDate: c.uploadDate,
      })),
      ...pageTail(page),
    };
  },
  DeleteSigningCertificate: (account, params) => {
    account.deleteSigningCertificate(params.required('CertificateId'), params.optional('UserName'));
    return undefined;
  },

  ListSSHPublicKeys: (account, params) => {
    const page = paginate(
      account.listSshPublicKeys(params.required('UserName')),
      (k) => k.sshPublicKeyId,
      params,
    );
    return {
      SSHPublicKeys: page.items.map((k) => ({
        UserName: k.userName,
        SSHPublicKeyId: k.sshPublicKeyId,
        Status: k.status,
        UploadDate: k.uploadDate,
      })),
      ...pageTail(page),
    };
  },
  DeleteSSHPublicKey: (account, params) => {
    account.deleteSshPublicKey(params.required('UserName'), params.required('SSHPublicKeyId'));
    return undefined;
  },

  ListServiceSpecificCredentials: listServiceSpecificCredentials,
  DeleteServiceSpecificCredential: (account, params) => {
    account.deleteServiceSpecificCredential(
      params.required('ServiceSpecificCredentialId'),
      params.optional('UserName'),
    );
    return undefined;
  },

  ListGroupsForUser: (account, params) => {
    const page = paginate(account.listGroupsForUser(params.required('UserName')), (g) => g.groupName, params);
    return { Groups: page.items.map(groupXml), ...pageTail(page) };
  },
  RemoveUserFromGroup: (account, params) => {
    account.removeUserFromGroup(params.required('GroupName'), params.required('UserName'));
    return undefined;
  },

  ListUserPolicies: (account, params) => {
    const page = paginate(account.listUserPolicies(params.required('UserName')), (p) => p.policyName, params);
    return { PolicyNames: page.items.map((p) => p.policyName), ...pageTail(page) };
  },
  DeleteUserPolicy: (account, params) => {
    account.deleteUserPolicy(params.required('UserName'), params.required('PolicyName'));
    return undefined;
  },
  ListAttachedUserPolicies: (account, params) => {
    const attached = account.listAttachedUserPolicies(params.required('UserName'));
    const page = paginate(attached, (p) => p.policyArn, params);
    return { AttachedPolicies: attachedXml(page.items), ...pageTail(page) };
  },
  DetachUserPolicy: (account, params) => {
    account.detachUserPolicy(params.required('UserName'), params.required('PolicyArn'));
    return undefined;
  },

  GetPolicy: (account, params) => {
    const policy = account.getPolicy(params.required('PolicyArn'));
    return { Policy: policyXml(policy) };
  },
  ListPolicyVersions: (account, params) => {
    const versions = account.listPolicyVersions(params.required('PolicyArn'));
    const page = paginate(versions, (v) => v.versionId, params);
    return {
      Versions: page.items.map((v) => ({
        VersionId: v.versionId,
        IsDefaultVersion: v.isDefaultVersion,
        CreateDate: v.createDate,
      })),
      ...pageTail(page),
    };
  },
  DeletePolicyVersion: (account, params) => {
    account.deletePolicyVersion(params.required('PolicyArn'), params.required('VersionId'));
    return undefined;
  },
  DeletePolicy: (account, params) => {
    account.deletePolicy(params.required('PolicyArn'));
    return undefined;
  },
  ListEntitiesForPolicy: listEntitiesForPolicy,

  GenerateCredentialReport: generateCredentialReport,
  GetCredentialReport: getCredentialReport,
  GetAccountPasswordPolicy: getAccountPasswordPolicy,
};
