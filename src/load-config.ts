import { type Config, loadConfig, secretParameters } from './config';

/**
 * Settings from the environment, with the secrets its `<SETTING>_PARAMETER` settings name read
 * from SSM Parameter Store first. Every entry point loads its settings this way, so a run never
 * starts without a secret the deployment names (a sweep without its Slack token would "notify"
 * only its own console). The SSM client is loaded only when a parameter is named.
 */
export async function loadConfigWithSecrets(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  if (!secretParameters(env)) return loadConfig(env);
  const { withSecrets } =
    require('./adapters/secrets/ssm-secrets') as typeof import('./adapters/secrets/ssm-secrets.js');
  return loadConfig(await withSecrets(env));
}
