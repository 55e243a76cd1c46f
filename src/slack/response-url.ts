/**
 * Whether Keywarden may send a reply to a payload's response_url: the one rule, used by the
 * listeners (before Bolt's `respond` posts there) and by the jobs (before they post there).
 */
export type ResponseUrlPolicy = (url: string) => boolean;

/**
 * Slack's response URLs live on its hooks host over https (`https://hooks.slack.com/actions/…`,
 * `/commands/…`, `/app/…`: docs.slack.dev, "Handling user interaction"). A signed payload that
 * names any other address is not Slack's as sent, and we never make a request there.
 */
export const SLACK_RESPONSE_URL_HOST = 'hooks.slack.com';

/**
 * The rule for one deployment. `slackStandIn` is SLACK_API_URL, set only where Slack itself is a
 * local stand-in (the tests' fake Slack serves its response URLs on its own host): that host is
 * allowed too, and nothing else. Production sets no SLACK_API_URL, so only Slack's host passes.
 */
export function responseUrlPolicy(slackStandIn?: string): ResponseUrlPolicy {
  const standInHost = slackStandIn === undefined ? undefined : new URL(slackStandIn).host;
  return (url) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return false;
    }
    if (target.protocol === 'https:' && target.host === SLACK_RESPONSE_URL_HOST) return true;
    return standInHost !== undefined && target.host === standInHost;
  };
}
