/**
 * What kind of failure an error from the AWS SDK, the Slack WebClient, the Google client or
 * Node itself is, so a diagnosis can give the fix that fits: a DNS failure needs a network
 * or endpoint fix, never new permissions. Pure: it reads the shapes the clients throw.
 */
export type FailureKind =
  | 'dns'
  | 'refused'
  | 'closed'
  | 'tls'
  | 'timeout'
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'other';

export interface Failure {
  readonly kind: FailureKind;
  /** The most specific code found (ENOTFOUND, AccessDenied, invalid_auth, 403…). */
  readonly code: string;
  /** The host a network failure was about, when the error names it. */
  readonly host?: string;
  /** The scopes Slack said a call needs (`missing_scope`). */
  readonly neededScope?: string;
}

const NETWORK_CODES: Readonly<Record<string, FailureKind>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'closed',
  EPIPE: 'closed',
  UND_ERR_SOCKET: 'closed',
  ERR_STREAM_PREMATURE_CLOSE: 'closed',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  ECONNABORTED: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENETUNREACH: 'refused',
  EHOSTUNREACH: 'refused',
};

const TLS_CODE =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(VERIFY|GET)_|ERR_TLS_|ERR_SSL_|EPROTO$)/;

const AUTH_CODES = new Set([
  // AWS
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'CredentialsProviderError',
  // Slack
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  // Google OAuth
  'invalid_grant',
  'invalid_client',
  'unauthorized_client',
  'UNAUTHENTICATED',
]);

const PERMISSION_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'missing_scope',
  'not_in_channel',
  'PERMISSION_DENIED',
]);

const NOT_FOUND_CODES = new Set([
  'ResourceNotFoundException',
  'NoSuchEntity',
  'NoSuchBucket',
  'ParameterNotFound',
  'channel_not_found',
  'NOT_FOUND',
  'ENOENT',
]);

const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError']);

interface Shape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly Code?: unknown;
  readonly status?: unknown;
  readonly hostname?: unknown;
  readonly host?: unknown;
  readonly address?: unknown;
  readonly cause?: unknown;
  /** Slack's WebClient keeps the transport's error here. */
  readonly original?: unknown;
  /** Slack API errors: `{ ok: false, error: 'invalid_auth', needed: 'chat:write' }`. */
  readonly data?: { readonly error?: unknown; readonly needed?: unknown };
  /** AWS SDK service errors. */
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  /** gaxios errors. */
  readonly response?: { readonly status?: unknown; readonly data?: unknown };
  readonly errors?: unknown;
  readonly message?: unknown;
}

/** The error and everything it wraps (`cause`, Slack's `original`, an AggregateError's `errors`). */
function chain(error: unknown): Shape[] {
  const seen = new Set<unknown>();
  const out: Shape[] = [];
  const visit = (value: unknown) => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const shape = value as Shape;
    out.push(shape);
    visit(shape.cause);
    visit(shape.original);
    if (Array.isArray(shape.errors)) for (const inner of shape.errors) visit(inner);
  };
  visit(error);
  return out;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Google's error bodies: `{ error: 'invalid_grant' }` (OAuth) or `{ error: { status: 'PERMISSION_DENIED' } }`. */
function googleCode(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const error = (data as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) return text((error as { status?: unknown }).status);
  return undefined;
}

function codesOf(shape: Shape): string[] {
  return [
    text(shape.data?.error),
    googleCode(shape.response?.data),
    text(shape.Code),
    text(shape.code),
    text(shape.name),
  ].filter((code): code is string => code !== undefined);
}

function statusOf(shape: Shape): number | undefined {
  const status = shape.$metadata?.httpStatusCode ?? shape.response?.status ?? shape.status;
  return typeof status === 'number' ? status : undefined;
}

function kindOfCode(code: string): FailureKind | undefined {
  const network = NETWORK_CODES[code];
  if (network) return network;
  if (TLS_CODE.test(code)) return 'tls';
  if (AUTH_CODES.has(code)) return 'auth';
  if (PERMISSION_CODES.has(code)) return 'permission';
  if (NOT_FOUND_CODES.has(code)) return 'not-found';
  if (TIMEOUT_NAMES.has(code)) return 'timeout';
  return undefined;
}

function kindOfStatus(status: number): FailureKind | undefined {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status === 408 || status === 504) return 'timeout';
  return undefined;
}

/** Node names the code in a system error's message (`connect ECONNREFUSED 127.0.0.1:443`). */
const MESSAGE_CODE = /\b(E[A-Z]{2,}[A-Z_]*|UND_ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*|TimeoutError)\b/g;
const MESSAGE_HOST = /\b(?:getaddrinfo|connect) [A-Z_]+ ([A-Za-z0-9.-]+)/;

function hostOf(shapes: readonly Shape[]): string | undefined {
  for (const shape of shapes) {
    const host =
      text(shape.hostname) ??
      text(shape.host) ??
      text(shape.address) ??
      MESSAGE_HOST.exec(String(shape.message))?.[1];
    if (host) return host;
  }
  return undefined;
}

/**
 * The first recognised code along the error's chain decides, the outermost first (a service's
 * own answer is more specific than the transport under it); then an HTTP status.
 */
export function classifyFailure(error: unknown): Failure {
  const shapes = chain(error);
  const host = hostOf(shapes);
  const withHost = (failure: Failure): Failure => (host && !failure.host ? { ...failure, host } : failure);
  for (const shape of shapes)
    for (const code of codesOf(shape)) {
      const kind = kindOfCode(code);
      if (!kind) continue;
      const needed = code === 'missing_scope' ? text(shape.data?.needed) : undefined;
      return withHost({ kind, code, ...(needed ? { neededScope: needed } : {}) });
    }
  for (const shape of shapes) {
    const status = statusOf(shape);
    const kind = status === undefined ? undefined : kindOfStatus(status);
    if (kind && status !== undefined) return withHost({ kind, code: String(status) });
  }
  // Some wrappers keep only the text: the AWS SDK's retry middleware rebuilds an error from
  // another realm (a VM context, a test runner) as "AWS SDK error wrapper for Error: connect
  // ECONNREFUSED …", and Slack's client rewraps a fetch timeout as "TimeoutError: …".
  for (const shape of shapes)
    for (const [code] of String(shape.message ?? '').matchAll(MESSAGE_CODE)) {
      const kind = code ? kindOfCode(code) : undefined;
      if (kind && code) return withHost({ kind, code });
    }
  const first = shapes[0];
  return withHost({ kind: 'other', code: (first && codesOf(first)[0]) ?? 'Error' });
}
