import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError, type SecretParameters, secretParameters } from '../../config';
import { errorMessage } from '../../util/errors';

/**
 * Reads the secrets a deployment names in `<SETTING>_PARAMETER` from SSM Parameter Store
 * (SecureStrings, decrypted by SSM with `WithDecryption`) in one `GetParameters` call, so the
 * values never sit in a CloudFormation template or a function's environment.
 */
export async function readSecrets(
  source: SecretParameters,
  client: SSMClient,
): Promise<Record<string, string>> {
  const provider = new SSMProvider({ awsSdkV3Client: client });
  const names = [...new Set(source.names.values())];
  let found: Record<string, unknown> & { _errors?: string[] };
  try {
    found = await provider.getParametersByName(Object.fromEntries(names.map((name) => [name, {}])), {
      decrypt: true,
      throwOnError: false,
    });
  } catch (error) {
    throw new Error(`cannot read the secrets from SSM Parameter Store: ${errorMessage(error)}`);
  }
  const missing = found._errors ?? [];
  if (missing.length > 0)
    throw new ConfigError(`SSM parameter(s) not found: ${missing.join(', ')} (create them as SecureString)`);
  const values: Record<string, string> = {};
  for (const [setting, name] of source.names) {
    const value = found[name];
    if (typeof value !== 'string' || value === '') throw new ConfigError(`SSM parameter ${name} is empty`);
    values[setting] = value;
  }
  return values;
}

/**
 * The environment with each `<SETTING>_PARAMETER` replaced by `<SETTING>` and the parameter's
 * value; the environment itself when it names no parameter. Read once per process (a Lambda
 * cold start), not per invocation: the runtime built from it is kept for the process's life.
 */
export async function withSecrets(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const source = secretParameters(env);
  if (!source) return env;
  const client = new SSMClient({
    region: source.region,
    ...(source.endpoint ? { endpoint: source.endpoint } : {}),
  });
  try {
    return { ...env, ...(await readSecrets(source, client)) };
  } finally {
    client.destroy();
  }
}
