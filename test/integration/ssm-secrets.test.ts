import { SSMClient } from '@aws-sdk/client-ssm';
import { readSecrets } from '../../src/adapters/secrets/ssm-secrets';
import { ConfigError, secretParameters } from '../../src/config';
import { loadConfigWithSecrets, withSecrets } from '../../src/load-config';
import { type FakeSsm, startSsmServer } from '../fakes/ssm-server';

const credentials = { AWS_ACCESS_KEY_ID: 'AKIASSMTESTSSMTEST01', AWS_SECRET_ACCESS_KEY: 'ssm-test-secret' };

describe('secrets from SSM Parameter Store', () => {
  let ssm: FakeSsm;
  const saved = { ...process.env };

  beforeEach(async () => {
    ssm = await startSsmServer();
    ssm.put('/keywarden/prod/slack-bot-token', 'xoxb-from-ssm');
    ssm.put('/keywarden/prod/slack-signing-secret', 'signing-from-ssm');
    // The SDK's default credential chain reads these, as on Lambda.
    Object.assign(process.env, credentials);
  });

  afterEach(async () => {
    process.env = { ...saved };
    await ssm.close();
  });

  it('replaces each *_PARAMETER with the decrypted value, in one GetParameters call', async () => {
    const env = {
      AWS_REGION: 'ap-northeast-1',
      SSM_ENDPOINT: ssm.url,
      SLACK_BOT_TOKEN_PARAMETER: '/keywarden/prod/slack-bot-token',
      SLACK_SIGNING_SECRET_PARAMETER: '/keywarden/prod/slack-signing-secret',
      SLACK_ADMIN_CHANNEL: 'C0ADMINS',
    };
    const resolved = await withSecrets(env);
    expect(resolved).toMatchObject({
      SLACK_BOT_TOKEN: 'xoxb-from-ssm',
      SLACK_SIGNING_SECRET: 'signing-from-ssm',
      SLACK_ADMIN_CHANNEL: 'C0ADMINS',
    });
    expect(ssm.calls).toEqual([
      {
        operation: 'GetParameters',
        names: ['/keywarden/prod/slack-bot-token', '/keywarden/prod/slack-signing-secret'],
        withDecryption: true,
      },
    ]);
  });

  it('is how every entry point loads its settings: the CLI, doctor and Lambda get the Slack token SSM holds', async () => {
    const config = await loadConfigWithSecrets({
      AWS_REGION: 'ap-northeast-1',
      SSM_ENDPOINT: ssm.url,
      SLACK_BOT_TOKEN_PARAMETER: '/keywarden/prod/slack-bot-token',
      SLACK_ADMIN_CHANNEL: 'C0ADMINS',
      SLACK_ADMIN_USERS: 'U0ADMIN',
    });
    expect(config.slack?.botToken).toBe('xoxb-from-ssm');
    expect(ssm.calls).toHaveLength(1);
  });

  it('leaves an environment that names no parameter alone and calls nothing', async () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-plain', SSM_ENDPOINT: ssm.url };
    expect(await withSecrets(env)).toBe(env);
    expect(ssm.calls).toEqual([]);
  });

  it('names the parameters that do not exist, and never their values', async () => {
    const source = secretParameters({
      LANGUAGE: 'en',
      SSM_ENDPOINT: ssm.url,
      AWS_REGION: 'ap-northeast-1',
      SLACK_BOT_TOKEN_PARAMETER: '/keywarden/prod/slack-bot-token',
      GOOGLE_SERVICE_ACCOUNT_JSON_PARAMETER: '/keywarden/prod/google-credentials',
    });
    expect(source).not.toBeNull();
    const client = new SSMClient({ region: 'ap-northeast-1', endpoint: ssm.url });
    try {
      const read = readSecrets(source as NonNullable<typeof source>, client);
      await expect(read).rejects.toThrow(ConfigError);
      await expect(read).rejects.toThrow(/not found: \/keywarden\/prod\/google-credentials \(create/);
      await expect(read).rejects.not.toThrow(/xoxb-from-ssm/);
    } finally {
      client.destroy();
    }
  });

  it('refuses a secret given both as a value and as a parameter, or a malformed name', () => {
    expect(() =>
      secretParameters({
        LANGUAGE: 'en',
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_BOT_TOKEN_PARAMETER: '/keywarden/prod/slack-bot-token',
      }),
    ).toThrow(/SLACK_BOT_TOKEN_PARAMETER: set either SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_PARAMETER/);
    expect(() => secretParameters({ LANGUAGE: 'en', SLACK_SIGNING_SECRET_PARAMETER: 'has spaces' })).toThrow(
      /SLACK_SIGNING_SECRET_PARAMETER: an SSM parameter name/,
    );
  });
});
