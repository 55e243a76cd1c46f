import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Language } from '../../domain/status';
import { messages } from '../../text/messages';
import { ConfigError, errorMessage } from '../../util/errors';

/** Which SSM parameters to read, and where: the composition root maps its settings onto this. */
export interface SsmSecretsOptions {
  /** The setting each value is returned under → the SSM parameter that holds it. */
  readonly names: ReadonlyMap<string, string>;
  readonly region: string;
  /** Only for tests: a local SSM. */
  readonly endpoint?: string;
  /** The request fails after this long, unretried (the doctor). */
  readonly requestTimeoutMs?: number;
  /** Of what is said when a secret cannot be had: the settings are not read yet. */
  readonly language: Language;
}

/**
 * Reads the named secrets from SSM Parameter Store (SecureStrings, decrypted by SSM with
 * `WithDecryption`) in one `GetParameters` call, so the values never sit in a CloudFormation
 * template or a function's environment.
 */
export async function readSecrets(
  options: SsmSecretsOptions,
  client: SSMClient,
): Promise<Record<string, string>> {
  const text = messages(options.language).config;
  const provider = new SSMProvider({ awsSdkV3Client: client });
  const names = [...new Set(options.names.values())];
  let found: Record<string, unknown> & { _errors?: string[] };
  try {
    found = await provider.getParametersByName(Object.fromEntries(names.map((name) => [name, {}])), {
      decrypt: true,
      throwOnError: false,
    });
  } catch (error) {
    throw new Error(text.ssmUnreadable(errorMessage(error)));
  }
  const missing = found._errors ?? [];
  if (missing.length > 0) throw new ConfigError(text.ssmNotFound(missing));
  const values: Record<string, string> = {};
  for (const [setting, name] of options.names) {
    const value = found[name];
    if (typeof value !== 'string' || value === '') throw new ConfigError(text.ssmEmpty(name));
    values[setting] = value;
  }
  return values;
}

/** `readSecrets` with a client of its own, built for the call and destroyed after it. */
export async function fetchSecrets(options: SsmSecretsOptions): Promise<Record<string, string>> {
  const ms = options.requestTimeoutMs;
  const client = new SSMClient({
    region: options.region,
    ...(ms === undefined
      ? {}
      : { maxAttempts: 1, requestHandler: { connectionTimeout: ms, requestTimeout: ms } }),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  try {
    return await readSecrets(options, client);
  } finally {
    client.destroy();
  }
}
