import { Writable } from 'node:stream';
import winston from 'winston';
import { slackWebClient } from '../../src/container';
import { createLogger } from '../../src/log';
import { slackLogger } from '../../src/slack/slack-logger';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';

function capturingLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, { service: 'keywarden' });
  logger.clear();
  logger.add(
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    }),
  );
  return { logger, lines };
}

describe("Bolt's and the WebClient's logs", () => {
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.close();
  });

  it('go out as redacted JSON lines, below-level lines dropped', () => {
    const { logger, lines } = capturingLogger('debug');
    const adapter = slackLogger(logger, 'bolt');
    adapter.debug('dropped at the default WARN level');
    adapter.warn('token xoxb-1234-5678-abcdef rejected', { status: 401 });
    adapter.error(new Error('bad xapp-1-A0-123'));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        source: 'bolt',
        message: 'token [REDACTED] rejected',
        details: [{ status: 401 }],
        service: 'keywarden',
      }),
      expect.objectContaining({ level: 'error', source: 'bolt', message: 'bad [REDACTED]' }),
    ]);
  });

  it("carry the WebClient's rate-limit warning from a real call", async () => {
    slack = await startSlackServer({ token: 'xoxb-test', rateLimit: (_method, n) => (n === 1 ? 1 : null) });
    const { logger, lines } = capturingLogger();
    const web = slackWebClient(
      {
        botToken: 'xoxb-test',
        adminChannel: 'C0ADMINS',
        admins: new Set(),
        apiUrl: slack.apiUrl,
        postIntervalMs: 0,
      },
      logger,
    );
    await web.chat.postMessage({ channel: 'C0ADMINS', text: 'hi' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        source: 'web-api',
        details: [expect.stringContaining('A rate limit was exceeded')],
      }),
    );
    expect(JSON.stringify(lines)).not.toContain('xoxb-test');
  });
});
