/** The bot scopes manifest.yml asks for (test/unit/slack-scopes.test.ts keeps the two equal). */
export const BOT_SCOPES = [
  'chat:write',
  'commands',
  'files:write',
  'im:write',
  'users:read',
  'users:read.email',
] as const;

/** The scopes a token lacks, from the `x-oauth-scopes` Slack returns (WebClient: `response_metadata.scopes`). */
export function missingScopes(granted: readonly string[]): string[] {
  return BOT_SCOPES.filter((scope) => !granted.includes(scope));
}
