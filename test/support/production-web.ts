import type { WebClient } from '@slack/web-api';
import { slackWebClient } from '../../src/container';
import { createLogger } from '../../src/log';

/**
 * Production's WebClient for a Slack fake at `apiUrl`: 429s are retried after Retry-After (and
 * back-off), never dropped. Its admin channel and post interval are the config's, unused by the
 * client itself.
 */
export function productionWebClient(
  apiUrl: string,
  slack: { readonly token: string; readonly adminChannel: string; readonly postIntervalMs: number },
): WebClient {
  return slackWebClient(
    {
      botToken: slack.token,
      adminChannel: slack.adminChannel,
      admins: new Set(),
      apiUrl,
      postIntervalMs: slack.postIntervalMs,
    },
    createLogger('error'),
  );
}
