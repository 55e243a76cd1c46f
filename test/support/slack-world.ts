import type { Server } from 'node:http';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { composeSlackApp } from '../../src/compose/slack-app';
import type { SlackConfig } from '../../src/config';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import { createLogger } from '../../src/log';
import { caseId } from '../../src/ports/cases';
import { SlackNotifier } from '../../src/slack/notifier';
import type { SweepDeps } from '../../src/sweep/deps';
import { messages } from '../../src/text/messages';
import { type FakeSlack, type SlackServerOptions, startSlackServer } from '../fakes/slack-server';
import { signedRequest } from '../fakes/slack-signing';
import { World, type WorldOptions } from './world';

export const SIGNING_SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-token';
export const ADMIN_CHANNEL = 'C0ADMINS';
export const ADMIN = 'U0ADMIN';
export const OWNER = 'U01YAMADA';
export const OUTSIDER = 'U02SATO';

export interface SlackWorldOptions extends WorldOptions {
  /** The Slack fake's 429s; the app's WebClient does not retry, so each one fails its call. */
  readonly slackRateLimit?: SlackServerOptions['rateLimit'];
  /** The Slack fake's outage (HTTP 503); not retried either. */
  readonly slackOutage?: SlackServerOptions['outage'];
  /** Changes the sweep ports the Slack app's buttons use, e.g. to make the journal fail. */
  readonly appSweep?: (deps: SweepDeps) => SweepDeps;
}

/** The sweep world plus the Slack fake and the Bolt app on a real HTTP receiver. */
export class SlackWorld {
  private constructor(
    readonly world: World,
    readonly slack: FakeSlack,
    readonly app: App,
    readonly server: Server,
    readonly url: string,
    readonly notifier: SlackNotifier,
  ) {}

  static async start(options: SlackWorldOptions = {}): Promise<SlackWorld> {
    const world = await World.start(options);
    const slack = await startSlackServer({
      token: BOT_TOKEN,
      ...(options.slackRateLimit ? { rateLimit: options.slackRateLimit } : {}),
      ...(options.slackOutage ? { outage: options.slackOutage } : {}),
    });
    slack.setUsers([
      { id: OWNER, email: 'yamada@example.com', name: 'yamada' },
      { id: OUTSIDER, email: 'sato@example.com', name: 'sato' },
      { id: ADMIN, email: 'admin@example.com', name: 'admin', isAdmin: true },
      { id: 'U03SUZUKI', email: 'suzuki@example.com', name: 'suzuki' },
    ]);
    const config: SlackConfig = {
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      adminChannel: ADMIN_CHANNEL,
      admins: new Set([ADMIN]),
      apiUrl: slack.apiUrl,
      postIntervalMs: 0,
    };
    const web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const cases = world.state.cases;
    const notifier = new SlackNotifier({ web, cases, adminChannel: ADMIN_CHANNEL, messages: messages('ja') });
    const logger = createLogger('error');
    const { app } = composeSlackApp({
      slack: config,
      web,
      cases,
      homeSnapshots: world.state.homeSnapshots,
      sweep: (options.appSweep ?? ((deps) => deps))(world.deps({ notifier, slackDirectory: notifier })),
      credentialReports: new AwsCredentialReportSource(world.iamClient, { sleep: async () => {} }),
      language: 'ja',
      maxExtensionDays: 90,
      hygiene: DEFAULT_HYGIENE_POLICY,
      logger,
    });
    const server = (await app.start(0)) as Server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new SlackWorld(world, slack, app, server, `http://127.0.0.1:${port}/slack/events`, notifier);
  }

  sweep(overrides: Partial<SweepDeps> = {}) {
    return this.world.sweep('apply', {
      notifier: this.notifier,
      slackDirectory: this.notifier,
      homeSnapshots: this.world.state.homeSnapshots,
      ...overrides,
    });
  }

  /** POSTs a payload to the app exactly as Slack would, signed unless told otherwise. */
  async send(payload: Record<string, unknown>, options: { secret?: string; timestamp?: number } = {}) {
    const signed = signedRequest(options.secret ?? SIGNING_SECRET, payload, options.timestamp);
    return fetch(this.url, { method: 'POST', headers: signed.headers, body: signed.body });
  }

  click(user: string, actionId: string, value: string, origin?: { channel: string; ts: string }) {
    return this.send({
      type: 'block_actions',
      team: { id: this.slack.identity.teamId },
      user: { id: user, team_id: this.slack.identity.teamId },
      api_app_id: 'A0KEYWARDEN',
      token: 'legacy',
      trigger_id: this.slack.triggerId(user),
      response_url: this.slack.responseUrl(origin),
      ...(origin ? { channel: { id: origin.channel }, container: { type: 'message', ...origin } } : {}),
      actions: [
        { type: 'button', action_id: actionId, block_id: 'keywarden_actions', value, action_ts: '1' },
      ],
    });
  }

  submit(
    user: string,
    callbackId: string,
    privateMetadata: string,
    values: Record<string, Record<string, unknown>>,
  ) {
    return this.send({
      type: 'view_submission',
      team: { id: this.slack.identity.teamId },
      user: { id: user, team_id: this.slack.identity.teamId },
      api_app_id: 'A0KEYWARDEN',
      token: 'legacy',
      trigger_id: this.slack.triggerId(user),
      view: {
        id: 'V0MODAL',
        type: 'modal',
        callback_id: callbackId,
        private_metadata: privateMetadata,
        state: { values },
        hash: 'h',
      },
    });
  }

  command(user: string, text: string) {
    return this.send({
      command: '/iam-audit',
      text,
      user_id: user,
      user_name: user,
      channel_id: ADMIN_CHANNEL,
      team_id: this.slack.identity.teamId,
      trigger_id: this.slack.triggerId(user),
      response_url: this.slack.responseUrl(),
      api_app_id: 'A0KEYWARDEN',
      token: 'legacy',
    });
  }

  /** Slack's `app_home_opened` event for a user, as an Events API callback. */
  openHome(user: string, tab: 'home' | 'messages' = 'home', options: { secret?: string } = {}) {
    return this.send(
      {
        type: 'event_callback',
        token: 'legacy',
        team_id: this.slack.identity.teamId,
        api_app_id: 'A0KEYWARDEN',
        event: { type: 'app_home_opened', user, channel: 'D0HOME', tab, event_ts: '1764482400.000100' },
        event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
        event_time: 1764482400,
      },
      options,
    );
  }

  static caseOf(accessKeyId: string, endDate: string): string {
    return caseId(accessKeyId, endDate as never);
  }

  async close(): Promise<void> {
    await this.app.stop();
    await this.slack.close();
    await this.world.close();
  }
}

/** The action ids of a message's buttons, in order: what a person can still click. */
export const actionIds = (message: { blocks?: unknown[] } | undefined): string[] =>
  ((message?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []).map((element) => element.action_id ?? ''));

/** The extension modal's state as Slack submits it. */
export function extendValues(date: string, reason: string) {
  return {
    new_end_date: { date: { type: 'datepicker', selected_date: date } },
    reason: { text: { type: 'plain_text_input', value: reason } },
  };
}

/**
 * Work after an ack happens after the HTTP response; wait for its effect instead of sleeping.
 * The bound only matters when the effect never comes: a Delete job (IAM teardown, a Sheets
 * read and write) took over 5 s on 2 cores at load 14, so it is half of Jest's 60 s.
 */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
