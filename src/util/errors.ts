/** The message of anything thrown: an Error's message, or the thing itself as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A setting is missing or wrong: the operator fixes the deployment, a retry will not help.
 * Thrown by the settings parser and by the adapters that read settings from elsewhere (SSM),
 * so it lives below both.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
