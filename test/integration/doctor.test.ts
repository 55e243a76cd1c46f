import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedComponents } from '../../src/compose/embedded';
import { ensureDemo } from '../../src/demo/seed';
import { type Check, doctorExitCode, renderChecks, runDoctor } from '../../src/doctor';
import type { LocalDate } from '../../src/domain/dates';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import { startSsmServer } from '../fakes/ssm-server';

interface Canned {
  readonly url: string;
  /** Every request's Authorization header, in order. */
  readonly authorizations: string[];
  close(): Promise<void>;
}

/** A local server answering every request the same way, as the real service would. */
async function canned(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<Canned> {
  const authorizations: string[] = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Port 2: below the ephemeral range every test server's port 0 is drawn from, so nothing of
 * this run listens there (a port just closed may be handed to another test's server first);
 * and not on the fetch standard's bad-port list, as port 1 is.
 */
const REFUSED_URL = 'http://127.0.0.1:2';

const scopeOf = (authorization: string) =>
  /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(authorization)?.slice(1);

describe('keywarden doctor', () => {
  let slack: FakeSlack;
  let home: string;
  const saved = { ...process.env };
  beforeEach(async () => {
    slack = await startSlackServer({ token: 'xoxb-right' });
    home = mkdtempSync(join(tmpdir(), 'keywarden-doctor-'));
    await ensureDemo(home, '2026-11-24' as LocalDate);
    // The SDK's default credential chain reads these, as it would from a profile or role.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIADOCTORDOCTOR0001',
      AWS_SECRET_ACCESS_KEY: 'doctor',
    });
  });
  afterEach(async () => {
    process.env = { ...saved };
    await slack.close();
  });

  const env = (token: string) => ({
    LANGUAGE: 'en',
    KEYWARDEN_HOME: home,
    SLACK_BOT_TOKEN: token,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ADMIN_CHANNEL: 'C0ADMINS',
    SLACK_ADMIN_USERS: 'U0ADMIN',
  });

  it('passes every probe on a working setup, reporting each as it finishes and naming the demo stand-ins', async () => {
    const streamed: string[] = [];
    const checks = await runDoctor(env('xoxb-right'), embeddedComponents, {
      onCheck: (check) => streamed.push(check.name),
    });
    expect(streamed).toEqual(['configuration', 'ledger', 'IAM', 'DynamoDB', 'Slack']);
    expect(checks.map((c) => [c.name, c.ok, c.embedded ?? false])).toEqual([
      ['configuration', true, false],
      ['ledger', true, true],
      ['IAM', true, true],
      ['DynamoDB', true, true],
      ['Slack', true, false],
    ]);
    const text = renderChecks(checks, 'en');
    expect(text).toMatch(
      /✓ IAM: embedded simulator \(demo, .*iam-account\.json\) — set IAM_SOURCE=aws for the real account; account/,
    );
    expect(text).toMatch(/✓ ledger: demo ledger CSV .* — set LEDGER_CSV or LEDGER_SOURCE=sheets/);
    expect(text).toMatch(/✓ DynamoDB: embedded dynalite .* — set STATE_SOURCE=aws/);
    expect(doctorExitCode(checks)).toBe(0);
    expect(slack.calls.map((c) => c.method)).toEqual(['auth.test']);
  });

  it('shows which header became which field, LEDGER_COLUMNS included', async () => {
    const checks = await runDoctor(
      { ...env('xoxb-right'), LEDGER_COLUMNS: 'iamUser=アカウント名' },
      embeddedComponents,
    );
    const ledger = checks.find((c) => c.name === 'ledger');
    expect(ledger?.ok).toBe(true);
    expect(ledger?.detail).toMatch(
      /columns: 氏名 → name, .*アカウント名 → iamUser \(LEDGER_COLUMNS\), .*利用終了日 → endDate, 状態 → status/,
    );
  });

  it('names the LEDGER_COLUMNS header it cannot find', async () => {
    const checks = await runDoctor(
      { ...env('xoxb-right'), LEDGER_COLUMNS: 'endDate=有効期限（最長90日）' },
      embeddedComponents,
    );
    const ledger = checks.find((c) => c.name === 'ledger');
    expect(ledger).toMatchObject({ ok: false, fix: expect.stringContaining('LEDGER_COLUMNS') });
    expect(ledger?.detail).toMatch(/LEDGER_COLUMNS names headers not found: endDate=有効期限（最長90日）/);
  });

  it('says the same in Japanese with LANGUAGE=ja', async () => {
    const checks = await runDoctor(
      { ...env('xoxb-right'), LANGUAGE: 'ja', LEDGER_COLUMNS: 'endDate=有効期限（最長90日）' },
      embeddedComponents,
    );
    const ledger = checks.find((c) => c.name === 'ledger');
    expect(ledger?.ok).toBe(false);
    expect(ledger?.detail).toMatch(
      /台帳のヘッダー行が見つかりません: .*LEDGER_COLUMNS で指定した「有効期限（最長90日）」/,
    );
    expect(ledger?.detail).toMatch(/LEDGER_COLUMNS のヘッダーが見つかりません: endDate=有効期限（最長90日）/);
  });

  it("checks a deployment's own settings: secrets named as SSM parameters are read first", async () => {
    const ssm = await startSsmServer();
    try {
      ssm.put('/keywarden/prod/slack-bot-token', 'xoxb-right');
      const { SLACK_BOT_TOKEN: _, ...rest } = env('unused');
      const named = { ...rest, SSM_ENDPOINT: ssm.url, AWS_REGION: 'ap-northeast-1' };
      const checks = await runDoctor(
        { ...named, SLACK_BOT_TOKEN_PARAMETER: '/keywarden/prod/slack-bot-token' },
        embeddedComponents,
      );
      expect(checks.every((check) => check.ok)).toBe(true);
      expect(slack.calls.map((c) => c.method)).toEqual(['auth.test']);

      const missing = await runDoctor(
        { ...named, SLACK_BOT_TOKEN_PARAMETER: '/keywarden/prod/no-such-token' },
        embeddedComponents,
      );
      expect(missing).toEqual([
        expect.objectContaining({
          name: 'configuration',
          ok: false,
          detail: expect.stringContaining('/keywarden/prod/no-such-token'),
        }),
      ]);
      expect(doctorExitCode(missing)).toBe(2);
    } finally {
      await ssm.close();
    }
  });

  it('says what is wrong and the fix for that kind of failure', async () => {
    const checks = await runDoctor(
      { ...env('xoxb-wrong'), LEDGER_CSV: join(home, 'missing.csv') },
      embeddedComponents,
    );
    const text = renderChecks(checks, 'en');
    expect(text).toMatch(/✗ ledger: not found \(ENOENT\): cannot read .*missing\.csv/);
    expect(text).toMatch(/fix: no file at LEDGER_CSV or PEOPLE_CSV/);
    expect(text).toMatch(
      /✗ Slack: not authenticated \(invalid_auth\)[\s\S]*fix: the bot token is not valid .* reinstall the app/,
    );
    expect(checks.find((c) => c.name === 'IAM')?.ok).toBe(true);
    expect(doctorExitCode(checks)).toBe(1);
  });

  it('tells an unreachable endpoint from a missing permission, and never prescribes a policy for the first', async () => {
    const denied = await canned((_, res) => {
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end(
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
          '<Message>User: arn:aws:iam::111122223333:user/doctor is not authorized to perform: iam:GetAccountAuthorizationDetails</Message>' +
          '</Error><RequestId>r-1</RequestId></ErrorResponse>',
      );
    });
    try {
      const base = { ...env('xoxb-right'), IAM_SOURCE: 'aws', AWS_REGION: 'ap-northeast-1' };
      const refused = await runDoctor({ ...base, IAM_ENDPOINT: REFUSED_URL }, embeddedComponents);
      const unreachable = refused.find((c) => c.name === 'IAM');
      expect(unreachable).toMatchObject({ ok: false, failure: { kind: 'refused', code: 'ECONNREFUSED' } });
      expect(unreachable?.fix).toMatch(/nothing accepts connections at 127\.0\.0\.1 \(IAM_ENDPOINT\)/);
      expect(unreachable?.fix).not.toMatch(/policy/);

      const forbidden = await runDoctor({ ...base, IAM_ENDPOINT: denied.url }, embeddedComponents);
      const iam = forbidden.find((c) => c.name === 'IAM');
      expect(iam).toMatchObject({ ok: false, failure: { kind: 'permission', code: 'AccessDenied' } });
      expect(iam?.fix).toMatch(/attach the policy from the README/);
      // IAM is global: whatever the deployment's region, its requests are signed for us-east-1.
      expect(scopeOf(denied.authorizations[0] ?? '')).toEqual(['us-east-1', 'iam']);
    } finally {
      await denied.close();
    }
  });

  it("finds the table in the profile's region and says where it looked when it is not there", async () => {
    const dynamo = await canned((_, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
          message: 'Requested resource not found',
        }),
      );
    });
    const config = join(home, 'aws-config');
    writeFileSync(config, '[profile tokyo]\nregion = ap-northeast-1\n');
    try {
      const base = { ...env('xoxb-right'), STATE_SOURCE: 'aws', DYNAMODB_ENDPOINT: dynamo.url };
      const fromProfile = await runDoctor(
        { ...base, AWS_CONFIG_FILE: config, AWS_PROFILE: 'tokyo' },
        embeddedComponents,
      );
      const table = fromProfile.find((c) => c.name === 'DynamoDB');
      expect(table).toMatchObject({
        ok: false,
        failure: { kind: 'not-found', code: 'ResourceNotFoundException' },
      });
      expect(table?.fix).toMatch(/no table keywarden in ap-northeast-1: create it/);
      expect(scopeOf(dynamo.authorizations[0] ?? '')).toEqual(['ap-northeast-1', 'dynamodb']);

      await runDoctor({ ...base, AWS_DEFAULT_REGION: 'eu-west-1' }, embeddedComponents);
      expect(scopeOf(dynamo.authorizations[1] ?? '')).toEqual(['eu-west-1', 'dynamodb']);

      const none = await runDoctor(
        { ...base, AWS_CONFIG_FILE: join(home, 'no-such-file') },
        embeddedComponents,
      );
      expect(none).toEqual([
        expect.objectContaining({
          name: 'configuration',
          ok: false,
          detail: expect.stringMatching(/AWS_REGION: STATE_SOURCE needs an AWS region/),
        }),
      ]);
      expect(doctorExitCode(none)).toBe(2);
    } finally {
      await dynamo.close();
    }
  });

  it('gives up on a service that never answers within its time limit, and goes on to the next check', async () => {
    const silent = await canned(() => {});
    try {
      const checks: Check[] = [];
      await runDoctor({ ...env('xoxb-right'), SLACK_API_URL: `${silent.url}/api/` }, embeddedComponents, {
        checkTimeoutMs: 1500,
        requestTimeoutMs: 300,
        onCheck: (check) => checks.push(check),
      });
      const slackCheck = checks.find((c) => c.name === 'Slack');
      expect(slackCheck).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
      expect(slackCheck?.fix).toMatch(/no answer from .* \(SLACK_API_URL\) within 1\.5 s/);
      expect(slackCheck?.fix).not.toMatch(/reinstall/);
      expect(silent.authorizations).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it('names the scopes a bot token lacks, from the scopes Slack reports with auth.test', async () => {
    const slackApi = await canned((_, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-oauth-scopes': 'chat:write,commands,im:write',
      });
      res.end(JSON.stringify({ ok: true, team: 'Acme', user: 'keywarden', team_id: 'T1', user_id: 'U1' }));
    });
    try {
      const checks = await runDoctor(
        { ...env('xoxb-right'), SLACK_API_URL: `${slackApi.url}/api/` },
        embeddedComponents,
      );
      const scopes = checks.find((c) => c.name === 'Slack');
      expect(scopes).toMatchObject({
        ok: false,
        failure: {
          kind: 'permission',
          code: 'missing_scope',
          neededScope: 'files:write, users:read, users:read.email',
        },
      });
      expect(scopes?.fix).toBe(
        'add the scope files:write, users:read, users:read.email to the app and reinstall it',
      );
    } finally {
      await slackApi.close();
    }
  });

  it('stops at the configuration when a setting is bad, with the exit status of a configuration error', async () => {
    const checks = await runDoctor({ ...env('not-a-bot-token') }, embeddedComponents);
    expect(checks).toEqual([
      expect.objectContaining({
        name: 'configuration',
        ok: false,
        detail: expect.stringContaining('SLACK_BOT_TOKEN'),
      }),
    ]);
    expect(doctorExitCode(checks)).toBe(2);
  });
});
