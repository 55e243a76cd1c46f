import { createHmac } from 'node:crypto';
import { isValidSlackRequest } from '@slack/bolt';
import {
  ErrorCode,
  type Logger,
  LogLevel,
  WebAPIRateLimitedError,
  WebClient,
  type WebClientOptions,
} from '@slack/web-api';
import { type FakeSlack, type SlackServerOptions, startSlackServer } from '../fakes/slack-server';
import { signedRequest } from '../fakes/slack-signing';

const TOKEN = 'xoxb-keywarden-test';

const OWNER = { id: 'U0OWNER001', email: 'Taro.Yamada@example.com', name: '山田 太郎' };
const ADMIN = { id: 'U0ADMIN001', email: 'admin@example.com', name: 'Admin', isAdmin: true };

const noop = (): void => undefined;
/** The fake's `[ERROR]` response messages are expected here; WebClient would log them to stderr. */
const quiet: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => LogLevel.ERROR,
  setName: noop,
};

/** `token: null` sends no token at all. */
function client(fake: FakeSlack, extra: WebClientOptions = {}, token: string | null = TOKEN): WebClient {
  // No retries by default: a test that expects an error must not sit in WebClient's 30-minute backoff.
  return new WebClient(token ?? undefined, {
    slackApiUrl: fake.apiUrl,
    logger: quiet,
    retryConfig: { retries: 0 },
    ...extra,
  });
}

const ACTIONS = [
  { type: 'section', text: { type: 'mrkdwn', text: 'Your key *AKIA…* expires on 2026-01-31' } },
  {
    type: 'actions',
    block_id: 'key-decision',
    elements: [
      { type: 'button', action_id: 'extend', text: { type: 'plain_text', text: 'Extend' } },
      { type: 'button', action_id: 'delete', text: { type: 'plain_text', text: 'Delete' } },
    ],
  },
];

describe('fake Slack Web API', () => {
  let fake: FakeSlack;
  let slack: WebClient;

  async function start(options: SlackServerOptions = {}): Promise<void> {
    fake = await startSlackServer(options);
    fake.setUsers([OWNER, ADMIN]);
    slack = client(fake);
  }

  afterEach(async () => {
    await fake.close();
  });

  describe('auth', () => {
    it('answers auth.test with the bot identity', async () => {
      await start({ token: TOKEN });
      const res = await slack.auth.test();
      expect(res).toMatchObject({
        ok: true,
        team_id: fake.identity.teamId,
        user_id: fake.identity.botUserId,
        bot_id: fake.identity.botId,
      });
      expect(fake.calls).toEqual([{ method: 'auth.test', args: {}, token: TOKEN, ok: true }]);
    });

    it('rejects a missing token with not_authed and a wrong one with invalid_auth', async () => {
      await start({ token: TOKEN });
      await expect(client(fake, {}, null).auth.test()).rejects.toMatchObject({
        code: ErrorCode.PlatformError,
        data: { error: 'not_authed' },
      });
      await expect(client(fake, {}, 'xoxb-wrong').auth.test()).rejects.toMatchObject({
        data: { error: 'invalid_auth' },
      });
      expect(fake.calls.map((c) => [c.ok, c.error])).toEqual([
        [false, 'not_authed'],
        [false, 'invalid_auth'],
      ]);
    });

    it('answers an unknown method with unknown_method', async () => {
      await start();
      await expect(slack.apiCall('keys.rotate', {})).rejects.toMatchObject({
        data: { ok: false, error: 'unknown_method' },
      });
    });
  });

  describe('chat', () => {
    it('posts to a user id into a DM channel that is stable per user', async () => {
      await start();
      const first = await slack.chat.postMessage({ channel: OWNER.id, text: 'expiring', blocks: ACTIONS });
      const second = await slack.chat.postMessage({ channel: OWNER.id, text: 'again' });
      const toAdmin = await slack.chat.postMessage({ channel: ADMIN.id, text: 'copy' });
      const opened = await slack.conversations.open({ users: OWNER.id });

      expect(first.channel).toMatch(/^D[A-Z0-9]+$/);
      expect(second.channel).toBe(first.channel);
      expect(opened.channel?.id).toBe(first.channel);
      expect(toAdmin.channel).toMatch(/^D/);
      expect(toAdmin.channel).not.toBe(first.channel);
      expect(fake.dmChannel(OWNER.id)).toBe(first.channel);

      expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
      expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
      expect(first.message).toMatchObject({ text: 'expiring', bot_id: fake.identity.botId, blocks: ACTIONS });

      expect(fake.messages(first.channel ?? '')).toEqual([
        expect.objectContaining({ ts: first.ts, text: 'expiring', blocks: ACTIONS }),
        expect.objectContaining({ ts: second.ts, text: 'again' }),
      ]);
      expect(fake.messages(OWNER.id)).toHaveLength(2);
      // WebClient form-encodes blocks as a JSON string; the record holds the parsed objects.
      expect(fake.callsTo('chat.postMessage')[0]?.args).toMatchObject({ channel: OWNER.id, blocks: ACTIONS });
    });

    it('refuses a user outside the directory, an unopened DM and an empty message', async () => {
      await start();
      await expect(slack.chat.postMessage({ channel: 'U0NOBODY01', text: 'hi' })).rejects.toMatchObject({
        data: { error: 'channel_not_found' },
      });
      await expect(slack.chat.postMessage({ channel: 'D0NOTOPEN1', text: 'hi' })).rejects.toMatchObject({
        data: { error: 'channel_not_found' },
      });
      await expect(slack.apiCall('chat.postMessage', { channel: 'C0ADMINS01' })).rejects.toMatchObject({
        data: { error: 'no_text' },
      });
      expect(fake.messages('C0ADMINS01')).toEqual([]);
    });

    it('updates an existing message in place and leaves unmentioned fields alone', async () => {
      await start();
      const posted = await slack.chat.postMessage({ channel: OWNER.id, text: 'expiring', blocks: ACTIONS });
      const channel = posted.channel ?? '';
      const ts = posted.ts ?? '';

      const updated = await slack.chat.update({ channel, ts, text: 'Extended by Admin', blocks: [] });
      expect(updated).toMatchObject({ ok: true, channel, ts, text: 'Extended by Admin' });
      const [message] = fake.messages(channel);
      expect(message).toMatchObject({ ts, text: 'Extended by Admin', blocks: [] });
      expect(message?.edited?.user).toBe(fake.identity.botUserId);

      await slack.chat.update({ channel, ts, text: 'Extended until 2026-03-31' });
      expect(fake.messages(channel)).toEqual([
        expect.objectContaining({ text: 'Extended until 2026-03-31', blocks: [] }),
      ]);
    });

    it('answers message_not_found for an unknown ts or a user id in place of the DM id', async () => {
      await start();
      const posted = await slack.chat.postMessage({ channel: OWNER.id, text: 'expiring' });
      await expect(
        slack.chat.update({ channel: posted.channel ?? '', ts: '1700000000.000100', text: 'x' }),
      ).rejects.toMatchObject({ data: { error: 'message_not_found' } });
      await expect(
        slack.chat.update({ channel: OWNER.id, ts: posted.ts ?? '', text: 'x' }),
      ).rejects.toMatchObject({
        data: { error: 'message_not_found' },
      });
      expect(fake.messages(OWNER.id)).toEqual([expect.objectContaining({ text: 'expiring' })]);
    });

    it('posts an ephemeral message only to a user who is in the conversation', async () => {
      await start();
      const res = await slack.chat.postEphemeral({ channel: 'C0ADMINS01', user: ADMIN.id, text: 'only you' });
      expect(res.message_ts).toMatch(/^\d{10}\.\d{6}$/);
      await expect(
        slack.chat.postEphemeral({ channel: fake.dmChannel(OWNER.id), user: ADMIN.id, text: 'x' }),
      ).rejects.toMatchObject({ data: { error: 'user_not_in_channel' } });
    });
  });

  describe('users', () => {
    it('looks up a directory user by email, ignoring case', async () => {
      await start();
      const res = await slack.users.lookupByEmail({ email: 'taro.yamada@EXAMPLE.com' });
      expect(res.user).toMatchObject({
        id: OWNER.id,
        real_name: OWNER.name,
        is_admin: false,
        profile: { email: OWNER.email },
      });
      const info = await slack.users.info({ user: ADMIN.id });
      expect(info.user).toMatchObject({ id: ADMIN.id, is_admin: true });
    });

    it('answers users_not_found for an unknown email', async () => {
      await start();
      await expect(slack.users.lookupByEmail({ email: 'gone@example.com' })).rejects.toMatchObject({
        data: { error: 'users_not_found' },
      });
      await expect(slack.users.info({ user: 'U0NOBODY01' })).rejects.toMatchObject({
        data: { error: 'user_not_found' },
      });
    });
  });

  describe('views', () => {
    const modal = {
      type: 'modal' as const,
      callback_id: 'extend',
      title: { type: 'plain_text' as const, text: 'Extend key' },
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Until when?' } }],
    };

    it('opens a view with a fresh trigger and updates it by id with its hash', async () => {
      await start();
      const trigger = fake.triggerId(OWNER.id);
      const opened = await slack.views.open({ trigger_id: trigger, view: modal });
      const id = opened.view?.id ?? '';
      expect(id).toMatch(/^V[A-Z0-9]+$/);
      expect(opened.view).toMatchObject({ type: 'modal', callback_id: 'extend', root_view_id: id });
      expect(fake.callsTo('views.open')[0]?.args.view).toEqual(modal);

      const updated = await slack.views.update({
        view_id: id,
        hash: opened.view?.hash ?? '',
        view: { ...modal, title: { type: 'plain_text', text: 'Done' } },
      });
      expect(updated.view).toMatchObject({ id, title: { text: 'Done' } });
      await expect(
        slack.views.update({ view_id: id, hash: opened.view?.hash ?? '', view: modal }),
      ).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
      expect(fake.views).toEqual([expect.objectContaining({ id, user: OWNER.id })]);
    });

    it('refuses a missing, unknown or already exchanged trigger', async () => {
      await start();
      await expect(slack.apiCall('views.open', { view: modal })).rejects.toMatchObject({
        data: { error: 'invalid_arguments' },
      });
      await expect(slack.views.open({ trigger_id: '1.2.made-up', view: modal })).rejects.toMatchObject({
        data: { error: 'invalid_arguments' },
      });
      const trigger = fake.triggerId();
      await slack.views.open({ trigger_id: trigger, view: modal });
      await expect(slack.views.open({ trigger_id: trigger, view: modal })).rejects.toMatchObject({
        data: {
          error: 'invalid_arguments',
          response_metadata: { messages: [expect.stringMatching(/exchanged/)] },
        },
      });
    });
  });

  describe('files', () => {
    it('uploads a CSV with files.uploadV2 end to end', async () => {
      await start();
      const csv = Buffer.from(
        '氏名,アクセスキーID,利用終了日\n山田 太郎,AKIAEXAMPLE0001,2026/01/31\n',
        'utf8',
      );
      const res = await slack.files.uploadV2({
        channel_id: 'C0ADMINS01',
        file: csv,
        filename: 'keywarden-audit.csv',
        title: 'Key audit',
        initial_comment: 'Today’s audit',
      });

      expect(fake.calls.map((c) => c.method)).toEqual([
        'files.getUploadURLExternal',
        'files.completeUploadExternal',
      ]);
      expect(fake.stats.byMethod.upload).toBe(1);
      expect(fake.callsTo('files.getUploadURLExternal')[0]?.args).toMatchObject({
        filename: 'keywarden-audit.csv',
        length: String(csv.length),
      });
      const [file] = fake.files;
      expect(file?.id).toMatch(/^F[A-Z0-9]+$/);
      expect(file?.bytes?.equals(csv)).toBe(true);
      expect(file).toMatchObject({
        completed: true,
        title: 'Key audit',
        channel: 'C0ADMINS01',
        initialComment: 'Today’s audit',
      });
      expect(fake.callsTo('files.completeUploadExternal')[0]?.args).toMatchObject({
        channel_id: 'C0ADMINS01',
        files: [{ id: file?.id, title: 'Key audit' }],
      });
      expect(res).toMatchObject({
        ok: true,
        files: [{ ok: true, files: [{ id: file?.id, title: 'Key audit' }] }],
      });
      expect(fake.messages('C0ADMINS01')).toEqual([
        expect.objectContaining({
          ts: file?.messageTs,
          text: 'Today’s audit',
          files: [{ id: file?.id, name: 'keywarden-audit.csv', title: 'Key audit' }],
        }),
      ]);
    });

    it('refuses to complete an upload whose bytes never arrived', async () => {
      await start();
      const url = await slack.files.getUploadURLExternal({ filename: 'a.csv', length: 3 });
      expect(url.upload_url?.startsWith(fake.apiUrl.replace(/api\/$/, ''))).toBe(true);
      await expect(
        slack.files.completeUploadExternal({ files: [{ id: url.file_id ?? '' }], channel_id: 'C0ADMINS01' }),
      ).rejects.toMatchObject({ data: { error: 'file_not_found' } });
      expect(fake.messages('C0ADMINS01')).toEqual([]);
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After, and WebClient waits and retries once', async () => {
      await start({ rateLimit: (method, n) => (method === 'chat.postMessage' && n === 1 ? 1 : null) });
      const retrying = client(fake, { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 1 } });
      const started = Date.now();
      const res = await retrying.chat.postMessage({ channel: OWNER.id, text: 'expiring' });
      const elapsed = Date.now() - started;

      expect(res.ok).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(fake.stats).toMatchObject({ rateLimited: 1, byMethod: { 'chat.postMessage': 2 } });
      expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
      expect(fake.messages(OWNER.id)).toHaveLength(1);
    });

    it('surfaces the Retry-After seconds when the client rejects rate-limited calls', async () => {
      await start({ rateLimit: (method) => (method === 'users.lookupByEmail' ? 30 : null) });
      const strict = client(fake, { rejectRateLimitedCalls: true });
      const err = await strict.users.lookupByEmail({ email: OWNER.email }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WebAPIRateLimitedError);
      expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 30 });
      expect(fake.stats.rateLimited).toBe(1);
      expect(fake.calls).toEqual([]);
    });

    it('holds each channel to its post rate after a burst, and other channels are unaffected', async () => {
      // An interval far beyond the test's run time: the bucket cannot refill while it runs.
      await start({ channelRate: { intervalMs: 60_000, burst: 2 } });
      const strict = client(fake, { rejectRateLimitedCalls: true });
      await strict.chat.postMessage({ channel: 'C0ADMINS', text: 'one' });
      await strict.chat.postMessage({ channel: 'C0ADMINS', text: 'two' });
      const err = await strict.chat
        .postMessage({ channel: 'C0ADMINS', text: 'three' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WebAPIRateLimitedError);
      expect(err).toMatchObject({ retryAfter: 60 });
      await strict.chat.postMessage({ channel: OWNER.id, text: 'elsewhere' });

      expect(fake.stats.rateLimited).toBe(1);
      expect(fake.callsTo('chat.postMessage').map((call) => call.args.text)).toEqual([
        'one',
        'two',
        'elsewhere',
      ]);
    });
  });

  describe('response_url', () => {
    it('records posts and applies replace_original to the originating message', async () => {
      await start();
      const posted = await slack.chat.postMessage({ channel: OWNER.id, text: 'expiring', blocks: ACTIONS });
      const channel = posted.channel ?? '';
      const url = fake.responseUrl({ channel, ts: posted.ts ?? '' });
      const other = fake.responseUrl();
      expect(url).not.toBe(other);

      const reply = { replace_original: true, text: 'Extension requested' };
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(reply),
      });
      expect(res.status).toBe(200);
      expect(fake.responses).toEqual([{ url, body: reply }]);
      const [message] = fake.messages(channel);
      expect(message).toMatchObject({ ts: posted.ts, text: 'Extension requested' });
      expect(message?.blocks).toBeUndefined();
      expect(fake.stats.byMethod.response_url).toBe(1);
    });

    it('posts in_channel responses into the command channel and ignores ephemeral ones', async () => {
      await start();
      const url = fake.responseUrl({ channel: 'C0ADMINS01' });
      for (const body of [{ text: 'just you' }, { response_type: 'in_channel', text: 'everyone' }]) {
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      }
      expect(fake.responses.map((r) => r.body.text)).toEqual(['just you', 'everyone']);
      expect(fake.messages('C0ADMINS01')).toEqual([expect.objectContaining({ text: 'everyone' })]);
    });
  });

  it('parses JSON bodies sent with a bearer token', async () => {
    await start({ token: TOKEN });
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: 'C0ADMINS01', text: 'json', blocks: ACTIONS }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0ADMINS01' });
    expect(fake.calls).toEqual([
      {
        method: 'chat.postMessage',
        args: { channel: 'C0ADMINS01', text: 'json', blocks: ACTIONS },
        token: TOKEN,
        ok: true,
      },
    ]);
  });

  it('parses multipart API bodies and takes raw bytes at an upload URL', async () => {
    await start({ token: TOKEN });
    const form = new FormData();
    form.append('channel', 'C0ADMINS01');
    form.append('blocks', JSON.stringify(ACTIONS));
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    expect(await res.json()).toMatchObject({ ok: true, message: { blocks: ACTIONS } });

    const { upload_url: uploadUrl = '' } = await slack.files.getUploadURLExternal({
      filename: 'raw.csv',
      length: 4,
    });
    const put = await fetch(uploadUrl, { method: 'POST', body: 'a,b\n' });
    expect(await put.text()).toBe('OK - 4');
    expect(fake.files[0]?.bytes?.toString('utf8')).toBe('a,b\n');
  });

  it('adds latencyMs to every response and counts requests', async () => {
    await start({ latencyMs: 60 });
    const started = Date.now();
    await slack.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(fake.stats).toEqual({ requests: 1, rateLimited: 0, byMethod: { 'auth.test': 1 } });
    fake.resetStats();
    expect(fake.stats).toEqual({ requests: 0, rateLimited: 0, byMethod: {} });
    expect(fake.calls).toEqual([]);
  });
});

describe('signedRequest', () => {
  const hmac = (secret: string, ts: string, body: string): string =>
    `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;

  it("matches the worked example in Slack's request-verification guide", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const signed = signedRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618);
    expect(signed.body).toBe(body);
    expect(signed.headers).toEqual({
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });

  it('form-encodes an interaction payload and signs the exact bytes', () => {
    const payload = { type: 'block_actions', user: { id: OWNER.id }, actions: [{ action_id: 'extend' }] };
    const signed = signedRequest('shh', payload, 1732406400);
    expect(signed.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(JSON.parse(new URLSearchParams(signed.body).get('payload') ?? '')).toEqual(payload);
    expect(signed.headers['x-slack-signature']).toBe(hmac('shh', '1732406400', signed.body));
  });

  it('form-encodes slash commands and sends events as JSON', () => {
    const command = signedRequest(
      'shh',
      { command: '/iam-audit', text: 'AKIA 延長', user_id: OWNER.id },
      1732406400,
    );
    expect(command.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(command.body))).toEqual({
      command: '/iam-audit',
      text: 'AKIA 延長',
      user_id: OWNER.id,
    });
    expect(command.headers['x-slack-signature']).toBe(hmac('shh', '1732406400', command.body));

    const event = { type: 'event_callback', event: { type: 'app_home_opened', user: OWNER.id } };
    const signed = signedRequest('shh', event, 1732406400);
    expect(signed.headers['content-type']).toBe('application/json');
    expect(signed.body).toBe(JSON.stringify(event));
    expect(signed.headers['x-slack-signature']).toBe(hmac('shh', '1732406400', signed.body));
  });

  it("passes Bolt's own verifier, which rejects a tampered body or stale timestamp", () => {
    const signed = signedRequest('bolt-secret', { type: 'url_verification', challenge: 'abc' });
    const headers = {
      'x-slack-signature': signed.headers['x-slack-signature'] ?? '',
      'x-slack-request-timestamp': Number(signed.headers['x-slack-request-timestamp']),
    };
    expect(
      isValidSlackRequest({ signingSecret: 'bolt-secret', body: signed.body, headers, logger: quiet }),
    ).toBe(true);
    expect(
      isValidSlackRequest({ signingSecret: 'bolt-secret', body: `${signed.body} `, headers, logger: quiet }),
    ).toBe(false);
    const stale = signedRequest('bolt-secret', signed.body, Math.floor(Date.now() / 1000) - 600);
    expect(
      isValidSlackRequest({
        signingSecret: 'bolt-secret',
        body: stale.body,
        headers: {
          'x-slack-signature': stale.headers['x-slack-signature'] ?? '',
          'x-slack-request-timestamp': Number(stale.headers['x-slack-request-timestamp']),
        },
        logger: quiet,
      }),
    ).toBe(false);
  });
});
