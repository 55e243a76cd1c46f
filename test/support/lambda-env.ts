import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';

/** Where the local stand-ins for a Lambda deployment's services listen, and its names. */
export interface LambdaServices {
  readonly spreadsheetId: string;
  readonly sheetsUrl: string;
  readonly iamUrl: string;
  readonly dynamoEndpoint: string;
  readonly table: string;
  readonly slackApiUrl: string;
  readonly signingSecret: string;
  readonly adminChannel: string;
  readonly admins: string;
  readonly workerName: string;
  readonly lambdaUrl: string;
  /** The S3 fake holding `SWEEP_RUN_BUCKET`, for the sweep state machine's steps. */
  readonly s3Url: string;
}

/** The bucket the sweep's steps keep their run in; the S3 fake must know it. */
export const SWEEP_RUN_BUCKET = 'keywarden-test-sweep-runs';

/**
 * The environment the Lambda handlers get in these tests: every service a local fake, the
 * Google service account a fresh key whose token call nock answers (nothing leaves the host).
 */
export function lambdaEnv(services: LambdaServices, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  nock('https://oauth2.googleapis.com')
    .persist()
    .post('/token')
    .reply(200, { access_token: 'sa-token', expires_in: 3600, token_type: 'Bearer' });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    LOG_LEVEL: 'error',
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: 'AKIALAMBDALAMBDA0001',
    AWS_SECRET_ACCESS_KEY: 'lambda-secret',
    LEDGER_SOURCE: 'sheets',
    SHEETS_SPREADSHEET_ID: services.spreadsheetId,
    SHEETS_ROOT_URL: services.sheetsUrl,
    GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify({
      type: 'service_account',
      client_email: 'keywarden@project.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }),
    IAM_SOURCE: 'aws',
    IAM_ENDPOINT: services.iamUrl,
    STATE_SOURCE: 'aws',
    DYNAMODB_ENDPOINT: services.dynamoEndpoint,
    DYNAMODB_TABLE: services.table,
    SLACK_BOT_TOKEN: 'xoxb-lambda',
    SLACK_SIGNING_SECRET: services.signingSecret,
    SLACK_ADMIN_CHANNEL: services.adminChannel,
    SLACK_ADMIN_USERS: services.admins,
    SLACK_API_URL: services.slackApiUrl,
    WORKER_FUNCTION_NAME: services.workerName,
    LAMBDA_ENDPOINT: services.lambdaUrl,
    SWEEP_RUN_BUCKET,
    S3_ENDPOINT: services.s3Url,
    SWEEP_APPLY: 'true',
    HYGIENE_CHECKS: 'false',
    ...extra,
  };
}
