import { Gaxios } from 'gaxios';
import { AwsClient, type AwsClientOptions, GoogleAuth, JWT } from 'google-auth-library';
import { StsCredentials } from 'google-auth-library/build/src/auth/stscredentials';
import { z } from 'zod';
import { WorkbookError } from '../../ports/workbook';

const SCOPES = ['https://www.googleapis.com/auth/spreadsheets'];

/** A service-account key, as the Google Cloud console downloads it. */
const serviceAccountKey = z.looseObject({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
});

/**
 * A Workload Identity Federation configuration for AWS (`gcloud iam workload-identity-pools
 * create-cred-config … --aws`): no secret in it. Google's STS verifies a GetCallerIdentity
 * request signed with the environment's own AWS credentials (on Lambda, the function's role).
 * Other sources (files, URLs, executables) are refused: Keywarden runs on AWS or with a key.
 */
const awsFederation = z.looseObject({
  type: z.literal('external_account'),
  audience: z.string().min(1),
  subject_token_type: z.literal('urn:ietf:params:aws:token-type:aws4_request'),
  token_url: z.url(),
  service_account_impersonation_url: z.url().optional(),
  credential_source: z.looseObject({
    environment_id: z.string().regex(/^aws\d+$/, 'only AWS federation (environment_id aws1) is supported'),
    regional_cred_verification_url: z.string().min(1),
  }),
});

const googleCredentials = z.discriminatedUnion('type', [serviceAccountKey, awsFederation]);
type GoogleCredentials = z.infer<typeof googleCredentials>;

/** Which kind of Google credential a JSON text holds, checked before anything uses it. */
export function parseGoogleCredentials(json: string): GoogleCredentials {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new WorkbookError('the Google credentials are not JSON');
  }
  const parsed = googleCredentials.safeParse(value);
  if (!parsed.success)
    throw new WorkbookError(
      `the Google credentials must be a service-account key (type service_account, with client_email and private_key) or an AWS Workload Identity Federation configuration (type external_account): ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'type'}: ${issue.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * Federation from AWS on the given transporter for every call. google-auth-library builds its
 * token exchange (Google STS) on a default Gaxios, which would import node-fetch instead of
 * using Node's own fetch like the rest of the client.
 */
class AwsFederation extends AwsClient {
  constructor(options: AwsClientOptions & { readonly token_url: string }, transporter: Gaxios) {
    super({ ...options, transporter });
    this.stsCredential = new StsCredentials({
      tokenExchangeEndpoint: options.token_url,
      ...(this.clientAuth ? { clientAuthentication: this.clientAuth } : {}),
      transporter,
    });
  }
}

/**
 * Google auth for Sheets, through google-auth-library, on Node's own fetch like the Sheets
 * client itself: a service-account key, or Workload Identity Federation from AWS (e.g. the
 * Lambda function's role: no key to keep at all). A key file (GOOGLE_APPLICATION_CREDENTIALS)
 * goes to google-auth-library as Application Default Credentials, which read either kind.
 */
export function googleAuth(
  credentials: { json: string } | { keyFile: string },
  /** Token requests fail after this long (the doctor); no limit otherwise. */
  timeoutMs?: number,
): GoogleAuth | JWT | AwsClient {
  const transporter = new Gaxios({
    fetchImplementation: fetch,
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  });
  if ('keyFile' in credentials)
    return new GoogleAuth({ keyFile: credentials.keyFile, scopes: SCOPES, clientOptions: { transporter } });
  const parsed = parseGoogleCredentials(credentials.json);
  if (parsed.type === 'service_account')
    return new JWT({ email: parsed.client_email, key: parsed.private_key, scopes: SCOPES, transporter });
  return new AwsFederation({ ...parsed, scopes: SCOPES }, transporter);
}
