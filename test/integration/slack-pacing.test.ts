import { LogLevel, WebClient } from '@slack/web-api';
import { parseLedger } from '../../src/domain/ledger';
import { SlackNotifier } from '../../src/slack/notifier';
import { channelPacer } from '../../src/slack/pacer';
import { messages } from '../../src/text/messages';
import { type FakeSlack, type SlackServerOptions, startSlackServer } from '../fakes/slack-server';
import { productionWebClient } from '../support/production-web';
import { csvGrid, World } from '../support/world';

const TOKEN = 'xoxb-test-token';
const ADMINS = 'C0ADMINS';
/** Slack's rule scaled down: one post per channel per 100 ms by arrival, no burst room. */
const RATE = { intervalMs: 100, burst: 1 };
/** SLACK_POST_INTERVAL_MS against it, with production's room (1100 ms against Slack's 1000). */
const INTERVAL_MS = 110;
/** Up to this much late on the way in and again on the way out, at random. */
const JITTER_MS = 60;

/**
 * A burst of admin-channel posts, as accounts swept side by side make: one grouped message (of
 * one owner-unknown notice) per ledger row, all asked for at once, through production's WebClient (its 429 retries) and
 * pacer, against a Slack fake that holds the channel to its rate by when posts arrive.
 */
describe('Slack pacing under jitter', () => {
  let world: World;
  let slack: FakeSlack;
  afterEach(async () => {
    await slack.close();
    await world.close();
  });

  async function start(options: SlackServerOptions) {
    world = await World.start();
    slack = await startSlackServer({ token: TOKEN, channelRate: RATE, jitterMs: JITTER_MS, ...options });
  }

  const rows = () => parseLedger(csvGrid('ledger.csv')).rows;

  async function burst(web: WebClient, paced: boolean): Promise<number[]> {
    const notifier = new SlackNotifier({
      web,
      cases: world.state.cases,
      adminChannel: ADMINS,
      messages: messages('ja'),
      ...(paced ? { pacer: channelPacer(web, INTERVAL_MS) } : {}),
    });
    const asked = rows();
    await Promise.allSettled(
      asked.map((row) =>
        notifier.adminCopies(
          [
            {
              kind: 'admins-only',
              row,
              reason: 'no Slack user',
              notice: { kind: 'week-ahead', daysLeft: 7 },
            },
          ],
          null,
        ),
      ),
    );
    return asked.map((row) => row.rowNumber);
  }

  /** The ledger row each admin-channel message is about, in the channel's order. */
  const posted = () =>
    slack.messages(ADMINS).map((m) => Number(/(\d+)行目/.exec(JSON.stringify(m.blocks))?.[1]));

  const production = () =>
    productionWebClient(slack.apiUrl, { token: TOKEN, adminChannel: ADMINS, postIntervalMs: INTERVAL_MS });

  it('posts a burst to one channel with no 429, in the order asked', async () => {
    await start({});
    const asked = await burst(production(), true);
    expect(asked.length).toBeGreaterThan(10);
    expect(slack.stats.rateLimited).toBe(0);
    expect(posted()).toEqual(asked);
  });

  it('the fake does hold the channel to its rate: the same burst unpaced meets 429s', async () => {
    await start({});
    await burst(
      new WebClient(TOKEN, {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
        logLevel: LogLevel.ERROR,
      }),
      false,
    );
    expect(slack.stats.rateLimited).toBeGreaterThan(0);
  });

  it('a forced 429 costs that one post a retry after Retry-After; nothing after it cascades', async () => {
    await start({ rateLimit: (method, n) => (method === 'chat.postMessage' && n === 3 ? 1 : null) });
    const asked = await burst(production(), true);
    expect(slack.stats.rateLimited).toBe(1);
    expect(posted()).toEqual(asked);
  });
});
