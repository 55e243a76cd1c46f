import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';

/**
 * The AWS region the standard chain gives: AWS_REGION, then AWS_DEFAULT_REGION (the AWS CLI's,
 * which the JavaScript SDK alone ignores), then the profile's `region` in the shared config
 * files, read by the SDK's own loader (AWS_PROFILE, AWS_CONFIG_FILE). Undefined when none says.
 */
export async function resolveAwsRegion(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const named = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (named) return named;
  const fromProfile = loadConfig(
    // The environment was read above, from `env`: the loader would read the process's.
    { ...NODE_REGION_CONFIG_OPTIONS, environmentVariableSelector: () => undefined },
    {
      ...NODE_REGION_CONFIG_FILE_OPTIONS,
      ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}),
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    },
  );
  try {
    return (await fromProfile()) || undefined;
  } catch {
    // "Region is missing": no file, no profile, or a profile without a region.
    return undefined;
  }
}
