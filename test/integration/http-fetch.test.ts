/**
 * The Slack client over node:http (`httpFetch`) instead of Node's fetch: the same calls reach the
 * Slack fake as with the default transport (a form post, a rate-limited post retried after
 * `Retry-After`, a multipart file upload), a redirect is refused and an abort ends the request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient } from '@slack/web-api';
import { httpFetch } from '../../src/slack/http-fetch';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';

const TOKEN = 'xoxb-http-fetch';

async function listen(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

describe('httpFetch, the Slack client transport', () => {
  let slack: FakeSlack;
  let server: Server | undefined;
  beforeEach(async () => {
    slack = await startSlackServer({
      token: TOKEN,
      rateLimit: (method, n) => (method === 'chat.postMessage' && n === 1 ? 1 : null),
    });
  });
  afterEach(async () => {
    await slack.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  const client = () =>
    new WebClient(TOKEN, {
      slackApiUrl: slack.apiUrl,
      fetch: httpFetch,
      retryConfig: { retries: 2 },
      logLevel: LogLevel.ERROR,
    });

  it('posts a message, retried after the 429 its first attempt meets', async () => {
    const result = await client().chat.postMessage({ channel: 'C0ADMINS', text: 'hello & <world>' });
    expect(result.ok).toBe(true);
    expect(slack.stats.rateLimited).toBe(1);
    expect(slack.messages('C0ADMINS').map((m) => m.text)).toEqual(['hello & <world>']);
  });

  it('uploads a file as multipart, its bytes intact', async () => {
    const bytes = Buffer.from('user,arn\nalice,arn:aws:iam::123456789012:user/alice\n', 'utf8');
    await client().files.uploadV2({ channel_id: 'C0ADMINS', file: bytes, filename: 'report.csv' });
    expect(slack.files).toEqual([expect.objectContaining({ channel: 'C0ADMINS', completed: true, bytes })]);
  });

  it('refuses a redirect', async () => {
    server = await listen((_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:9/' }).end();
    });
    await expect(
      httpFetch(urlOf(server), { method: 'POST', body: 'a=1', redirect: 'error' }),
    ).rejects.toThrow(/redirected \(302\)/);
  });

  it('ends the request when its signal aborts', async () => {
    const controller = new AbortController();
    // The server never answers; it aborts the request once it has arrived.
    server = await listen(() => controller.abort());
    await expect(
      httpFetch(urlOf(server), { method: 'POST', body: 'a=1', signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});
