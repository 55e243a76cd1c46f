import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedComponents } from '../../src/compose/embedded';
import { loadConfig } from '../../src/config';
import { openState } from '../../src/container';
import { ensureDemo } from '../../src/demo/seed';
import { dateInZone, type LocalDate } from '../../src/domain/dates';
import { createLogger } from '../../src/log';
import { serve } from '../../src/serve';
import { HEALTH_PATH } from '../../src/slack/app';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import { signedRequest } from '../fakes/slack-signing';
import { startGate } from '../support/gate';
import { eventually } from '../support/slack-world';

describe('keywarden serve', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startSlackServer({ token: 'xoxb-serve' });
  });
  afterEach(async () => {
    await slack.close();
  });

  it('answers signed Slack requests over HTTP and stops cleanly', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-serve-'));
    await ensureDemo(home, '2026-11-24' as LocalDate);
    const config = loadConfig({
      KEYWARDEN_HOME: home,
      SLACK_BOT_TOKEN: 'xoxb-serve',
      SLACK_SIGNING_SECRET: 'serve-secret',
      SLACK_API_URL: slack.apiUrl,
      SLACK_ADMIN_CHANNEL: 'C0ADMINS',
      SLACK_ADMIN_USERS: 'U0ADMIN',
      PORT: '0',
    });
    const serving = await serve(config, createLogger('error'));
    try {
      expect(serving.port).toBeGreaterThan(0);
      const signed = signedRequest('serve-secret', {
        command: '/iam-audit',
        text: 'help',
        user_id: 'U0ADMIN',
        channel_id: 'C0ADMINS',
        response_url: slack.responseUrl(),
        trigger_id: slack.triggerId('U0ADMIN'),
      });
      const response = await fetch(`http://127.0.0.1:${serving.port}/slack/events`, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      expect(response.status).toBe(200);
      const answer = await eventually(() =>
        slack.responses.find((r) => String(r.body.text).includes('/iam-audit ledger')),
      );
      expect(String(answer.body.text)).toContain('/iam-audit sweep');

      // The container's health check (Dockerfile HEALTHCHECK), unsigned, beside the Slack endpoint.
      const health = await fetch(`http://127.0.0.1:${serving.port}${HEALTH_PATH}`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(
        (await fetch(`http://127.0.0.1:${serving.port}${HEALTH_PATH}`, { method: 'POST' })).status,
      ).not.toBe(200);
    } finally {
      await serving.stop();
    }
  });

  it('stopped (SIGTERM) during a scheduled apply sweep: the sweep stops at a safe point and releases its lock first', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-serve-'));
    // The scheduled sweep runs on the real today.
    await ensureDemo(home, dateInZone(new Date(), 'Asia/Tokyo'));
    let posted: () => void = () => undefined;
    const firstPost = new Promise<void>((resolve) => {
      posted = resolve;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = false;
    // The sweep's first Slack post waits until the server has been told to stop.
    const gate = await startGate(slack.apiUrl, async (request) => {
      if (held || !request.path.includes('chat.postMessage')) return;
      held = true;
      posted();
      await released;
    });
    const config = loadConfig({
      KEYWARDEN_HOME: home,
      SLACK_BOT_TOKEN: 'xoxb-serve',
      SLACK_SIGNING_SECRET: 'serve-secret',
      SLACK_API_URL: `${gate.url}/`,
      SLACK_ADMIN_CHANNEL: 'C0ADMINS',
      SLACK_ADMIN_USERS: 'U0ADMIN',
      PORT: '0',
      SWEEP_SCHEDULE: '* * * * * *',
      SWEEP_APPLY: 'true',
      FINAL_NOTICE_DAYS: '0',
    });
    const serving = await serve(config, createLogger('error'));
    try {
      await firstPost;
      // What `keywarden serve` does on SIGTERM.
      const stopping = serving.stop();
      release();
      await stopping;
    } finally {
      await gate.close();
    }
    const summary = slack
      .callsTo('chat.postMessage')
      .find((call) => String(call.args.text).startsWith('Keywarden スイープ'));
    expect(String(summary?.args.text)).toContain('途中で停止');
    expect(JSON.stringify(summary?.args.blocks)).toContain('keywarden serve が終了処理中です');
    // No teardown began after the stop, and the lock is free for the next sweep.
    expect(readFileSync(join(home, 'demo', 'iam-account.json'), 'utf8')).toContain('"userName": "ci-deploy"');
    const opened = await openState(config, embeddedComponents);
    try {
      expect(await opened.state.lock.holder('sweep')).toBeNull();
    } finally {
      await opened.close();
    }
  });

  it('refuses to start without Slack settings', async () => {
    await expect(serve(loadConfig({}), createLogger('error'))).rejects.toThrow(/SLACK_BOT_TOKEN/);
  });
});
