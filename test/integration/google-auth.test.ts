import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { googleAuth, parseGoogleCredentials } from '../../src/adapters/ledger/google-auth';
import { SheetsWorkbook } from '../../src/adapters/ledger/sheets-workbook';
import { WorkbookError } from '../../src/ports/workbook';
import { type FakeSheets, startSheetsServer } from '../fakes/sheets-server';

const ID = 'wif-ledger';
const AUDIENCE =
  '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/keywarden/providers/aws';
const SERVICE_ACCOUNT = 'keywarden@project.iam.gserviceaccount.com';

/** What `gcloud iam workload-identity-pools create-cred-config … --aws` writes. */
const federation = {
  type: 'external_account',
  audience: AUDIENCE,
  subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
  service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken`,
  token_url: 'https://sts.googleapis.com/v1/token',
  credential_source: {
    environment_id: 'aws1',
    region_url: 'http://169.254.169.254/latest/meta-data/placement/availability-zone',
    url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials',
    regional_cred_verification_url:
      'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
  },
};

describe('Google auth by Workload Identity Federation from AWS', () => {
  let sheets: FakeSheets;
  const saved = { ...process.env };

  beforeEach(async () => {
    sheets = await startSheetsServer({ requireAuth: true });
    sheets.setSheet(ID, '台帳', [['氏名'], ['山田 太郎']]);
    sheets.setSheet(ID, 'users', [['Slack ID']]);
    // What Lambda puts in every function's environment: the role's session credentials.
    Object.assign(process.env, {
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: 'ASIAWIFTESTWIFTEST01',
      AWS_SECRET_ACCESS_KEY: 'wif-secret',
      AWS_SESSION_TOKEN: 'wif-session-token',
    });
  });

  afterEach(async () => {
    process.env = { ...saved };
    await sheets.close();
  });

  it("reads the ledger with a token Google exchanged for the function role's signed GetCallerIdentity", async () => {
    let subject: { url: string; method: string; headers: { key: string; value: string }[] } | undefined;
    // Google's STS and IAM Credentials are the calls that would leave the machine; nock answers them.
    const exchange = nock('https://sts.googleapis.com')
      .post('/v1/token', (body: Record<string, string>) => {
        subject = JSON.parse(decodeURIComponent(body.subject_token ?? '{}'));
        return (
          body.audience === AUDIENCE && body.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange'
        );
      })
      .reply(200, {
        access_token: 'federated-token',
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 3600,
      });
    const impersonation = nock('https://iamcredentials.googleapis.com', {
      reqheaders: { authorization: 'Bearer federated-token' },
    })
      .post(`/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken`)
      .reply(200, { accessToken: 'sa-impersonated-token', expireTime: '2099-01-01T00:00:00Z' });

    const workbook = new SheetsWorkbook({
      spreadsheetId: ID,
      ledgerSheet: '台帳',
      peopleSheet: 'users',
      auth: googleAuth({ json: JSON.stringify(federation) }),
      rootUrl: sheets.url,
    });
    await expect(workbook.read()).resolves.toMatchObject({ ledger: [['氏名'], ['山田 太郎']] });
    expect(exchange.isDone()).toBe(true);
    expect(impersonation.isDone()).toBe(true);
    // The subject token is a GetCallerIdentity request signed (SigV4) with the role's credentials.
    expect(subject?.url).toBe(
      'https://sts.ap-northeast-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
    );
    const headers = Object.fromEntries((subject?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]));
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAWIFTESTWIFTEST01\/\d{8}\/ap-northeast-1\/sts\/aws4_request/,
    );
    expect(headers['x-amz-security-token']).toBe('wif-session-token');
    expect(headers['x-goog-cloud-target-resource']).toBe(AUDIENCE);
  });

  it('accepts a service-account key or a federation config, and refuses anything else before use', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const key = {
      type: 'service_account',
      client_email: SERVICE_ACCOUNT,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    expect(parseGoogleCredentials(JSON.stringify(key))).toMatchObject({ type: 'service_account' });
    expect(parseGoogleCredentials(JSON.stringify(federation))).toMatchObject({ type: 'external_account' });

    expect(() => parseGoogleCredentials('{')).toThrow(/not JSON/);
    expect(() =>
      parseGoogleCredentials(JSON.stringify({ type: 'authorized_user', refresh_token: 'r' })),
    ).toThrow(WorkbookError);
    expect(() =>
      parseGoogleCredentials(JSON.stringify({ type: 'service_account', client_email: 'x' })),
    ).toThrow(/private_key/);
    // Only AWS federation: a configuration that would run a program or read a URL is refused.
    const executable = { ...federation, credential_source: { executable: { command: '/bin/sh -c id' } } };
    expect(() => parseGoogleCredentials(JSON.stringify(executable))).toThrow(
      /credential_source.environment_id/,
    );
    const url = { ...federation, credential_source: { url: 'http://169.254.169.254/token' } };
    expect(() => parseGoogleCredentials(JSON.stringify(url))).toThrow(WorkbookError);
  });
});
