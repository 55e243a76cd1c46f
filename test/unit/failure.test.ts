import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { IAMServiceException } from '@aws-sdk/client-iam';
import { ErrorCode } from '@slack/web-api';
import { IamError } from '../../src/ports/iam';
import { StateStoreError } from '../../src/ports/state';
import { WorkbookError } from '../../src/ports/workbook';
import { classifyFailure } from '../../src/util/failure';

/** Node's own network errors, as `dns.lookup`, `net.connect` and `tls.connect` raise them. */
const systemError = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);

/** What Node's fetch (undici, used by gaxios here) throws: the system error is its cause. */
const fetchFailed = (cause: Error) => new TypeError('fetch failed', { cause });

/** @slack/web-api's errors.js: platformErrorFromResult and requestErrorWithOriginal. */
const slackPlatformError = (result: Record<string, unknown>) =>
  Object.assign(new Error(`An API error occurred: ${String(result.error)}`), {
    code: ErrorCode.PlatformError,
    data: { ok: false, ...result },
  });
const slackRequestError = (original: Error) =>
  Object.assign(new Error(`A request error occurred: ${original.message}`), {
    code: ErrorCode.RequestError,
    original,
  });

/** An AWS service error as the SDK's deserializer builds it from a Query-protocol reply. */
const iamError = (name: string, status: number) =>
  new IAMServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status, requestId: 'r-1' },
    message: `${name} message`,
  });

/** gaxios's GaxiosError: `status` and `response` with Google's JSON error body. */
const googleError = (status: number, data: unknown) =>
  Object.assign(new Error(`Request failed with status code ${status}`), {
    name: 'GaxiosError',
    status,
    response: { status, data },
  });

describe('classifyFailure', () => {
  it('reads DNS failures from Node, fetch and the Slack client, with the host', () => {
    const dns = systemError('getaddrinfo ENOTFOUND sheets.googleapis.com', {
      code: 'ENOTFOUND',
      errno: -3008,
      syscall: 'getaddrinfo',
      hostname: 'sheets.googleapis.com',
    });
    expect(classifyFailure(dns)).toEqual({ kind: 'dns', code: 'ENOTFOUND', host: 'sheets.googleapis.com' });
    expect(classifyFailure(fetchFailed(dns))).toMatchObject({ kind: 'dns', host: 'sheets.googleapis.com' });
    const again = systemError('getaddrinfo EAI_AGAIN slack.com', {
      code: 'EAI_AGAIN',
      syscall: 'getaddrinfo',
      hostname: 'slack.com',
    });
    expect(classifyFailure(slackRequestError(again))).toEqual({
      kind: 'dns',
      code: 'EAI_AGAIN',
      host: 'slack.com',
    });
  });

  it('tells a refused connection from a closed one and a timeout', () => {
    const refused = systemError('connect ECONNREFUSED 127.0.0.1:9', {
      code: 'ECONNREFUSED',
      syscall: 'connect',
      address: '127.0.0.1',
      port: 9,
    });
    expect(classifyFailure(refused)).toEqual({ kind: 'refused', code: 'ECONNREFUSED', host: '127.0.0.1' });
    expect(classifyFailure(systemError('socket hang up', { code: 'ECONNRESET' })).kind).toBe('closed');
    expect(
      classifyFailure(slackRequestError(systemError('timeout of 8000ms exceeded', { code: 'ECONNABORTED' })))
        .kind,
    ).toBe('timeout');
    // AbortSignal.timeout() rejects with a DOMException named TimeoutError.
    expect(classifyFailure(new DOMException('The operation timed out.', 'TimeoutError')).kind).toBe(
      'timeout',
    );
    expect(
      classifyFailure(fetchFailed(systemError('Connect Timeout Error', { code: 'UND_ERR_CONNECT_TIMEOUT' })))
        .kind,
    ).toBe('timeout');
  });

  it('reads the code from the text when a wrapper kept only that', () => {
    // @smithy's retry middleware, for a system error from another realm (asSdkError).
    const aws = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:43181');
    expect(
      classifyFailure(new IamError(`IAM inventory failed: Error (${aws.message})`, 'Error', { cause: aws })),
    ).toEqual({
      kind: 'refused',
      code: 'ECONNREFUSED',
      host: '127.0.0.1',
    });
    // @slack/web-api rewraps the AbortSignal.timeout() of its `timeout` option.
    const original = new Error('TimeoutError: The operation was aborted due to timeout');
    expect(classifyFailure(slackRequestError(original))).toEqual({ kind: 'timeout', code: 'TimeoutError' });
    expect(classifyFailure(new Error('getaddrinfo ENOTFOUND iam.amazonaws.com'))).toEqual({
      kind: 'dns',
      code: 'ENOTFOUND',
      host: 'iam.amazonaws.com',
    });
  });

  it('reads certificate errors as TLS', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ])
      expect(classifyFailure(fetchFailed(systemError('certificate problem', { code })))).toMatchObject({
        kind: 'tls',
        code,
      });
  });

  it('reads AWS service errors by their code before their status', () => {
    // InvalidClientTokenId comes with 403, yet new permissions would not fix it.
    expect(classifyFailure(iamError('InvalidClientTokenId', 403))).toEqual({
      kind: 'auth',
      code: 'InvalidClientTokenId',
    });
    expect(classifyFailure(iamError('AccessDenied', 403)).kind).toBe('permission');
    expect(classifyFailure(iamError('ExpiredToken', 403)).kind).toBe('auth');
    const table = new ResourceNotFoundException({
      message: 'Requested resource not found',
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyFailure(table)).toEqual({ kind: 'not-found', code: 'ResourceNotFoundException' });
  });

  it("looks through Keywarden's own wrappers to the SDK error they carry", () => {
    const denied = iamError('AccessDenied', 403);
    expect(
      classifyFailure(new IamError('IAM inventory failed: AccessDenied', 'AccessDenied', { cause: denied }))
        .kind,
    ).toBe('permission');
    const table = new ResourceNotFoundException({ message: 'not found', $metadata: { httpStatusCode: 400 } });
    expect(classifyFailure(new StateStoreError('DynamoDB GetItem failed', { cause: table })).kind).toBe(
      'not-found',
    );
    const missing = systemError("ENOENT: no such file or directory, open 'ledger.csv'", { code: 'ENOENT' });
    expect(classifyFailure(new WorkbookError('cannot read ledger.csv', { cause: missing })).kind).toBe(
      'not-found',
    );
  });

  it('reads Slack API errors, naming the scope a call needs', () => {
    expect(classifyFailure(slackPlatformError({ error: 'invalid_auth' })).kind).toBe('auth');
    expect(classifyFailure(slackPlatformError({ error: 'not_authed' })).kind).toBe('auth');
    expect(classifyFailure(slackPlatformError({ error: 'channel_not_found' })).kind).toBe('not-found');
    expect(
      classifyFailure(
        slackPlatformError({ error: 'missing_scope', needed: 'files:write', provided: 'chat:write' }),
      ),
    ).toEqual({ kind: 'permission', code: 'missing_scope', neededScope: 'files:write' });
  });

  it('reads Google errors: OAuth codes, API statuses, then the HTTP status', () => {
    const grant = googleError(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    expect(classifyFailure(grant)).toEqual({ kind: 'auth', code: 'invalid_grant' });
    const forbidden = googleError(403, {
      error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' },
    });
    expect(classifyFailure(new WorkbookError('Google Sheets read failed', { cause: forbidden }))).toEqual({
      kind: 'permission',
      code: 'PERMISSION_DENIED',
    });
    expect(classifyFailure(googleError(404, 'Not Found'))).toEqual({ kind: 'not-found', code: '404' });
    expect(classifyFailure(googleError(401, {})).kind).toBe('auth');
  });

  it('says "other" for what it does not know, with the best code it has', () => {
    expect(classifyFailure(iamError('Throttling', 400))).toEqual({ kind: 'other', code: 'Throttling' });
    expect(classifyFailure('a string')).toEqual({ kind: 'other', code: 'Error' });
  });
});
