import { resolveAwsRegion } from './adapters/aws/region';
import type { SsmSecretsOptions } from './adapters/secrets/ssm-secrets';
import { type Config, loadConfig, secretParameters } from './config';

/**
 * The environment with each `<SETTING>_PARAMETER` replaced by `<SETTING>` and the parameter's
 * value; the environment itself when it names no parameter. Read once per process (a Lambda
 * cold start), not per invocation: the runtime built from it is kept for the process's life.
 * The SSM client is loaded only when a parameter is named.
 */
export async function withSecrets(
  env: NodeJS.ProcessEnv,
  requestTimeoutMs?: number,
): Promise<NodeJS.ProcessEnv> {
  const source = secretParameters(env);
  if (!source) return env;
  const options: SsmSecretsOptions = {
    names: source.names,
    region: source.region,
    language: source.language,
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(source.endpoint ? { endpoint: source.endpoint } : {}),
  };
  const { fetchSecrets } =
    require('./adapters/secrets/ssm-secrets') as typeof import('./adapters/secrets/ssm-secrets.js');
  return { ...env, ...(await fetchSecrets(options)) };
}

/**
 * Settings from the environment, with the secrets its `<SETTING>_PARAMETER` settings name read
 * from SSM Parameter Store first. Every entry point loads its settings this way, so a run never
 * starts without a secret the deployment names (a sweep without its Slack token would "notify"
 * only its own console).
 */
export async function loadConfigWithSecrets(
  env: NodeJS.ProcessEnv = process.env,
  /** The doctor's: SSM fails after this long instead of retrying. */
  requestTimeoutMs?: number,
): Promise<Config> {
  return loadConfig(await withSecrets(await withRegion(env), requestTimeoutMs));
}

/**
 * The environment with AWS_REGION set from the standard chain when only AWS_DEFAULT_REGION or
 * the AWS profile names one, so every regional client (DynamoDB, SSM, S3, STS) uses the region
 * the operator's AWS CLI would.
 */
export async function withRegion(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  if (env.AWS_REGION) return env;
  const region = await resolveAwsRegion(env);
  return region ? { ...env, AWS_REGION: region } : env;
}
