import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedComponents } from '../../src/compose/embedded';
import { ensureDemo } from '../../src/demo/seed';
import { renderChecks, runDoctor } from '../../src/doctor';
import type { LocalDate } from '../../src/domain/dates';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import { startSsmServer } from '../fakes/ssm-server';

describe('keywarden doctor', () => {
  let slack: FakeSlack;
  let home: string;
  beforeEach(async () => {
    slack = await startSlackServer({ token: 'xoxb-right' });
    home = mkdtempSync(join(tmpdir(), 'keywarden-doctor-'));
    await ensureDemo(home, '2026-11-24' as LocalDate);
  });
  afterEach(async () => {
    await slack.close();
  });

  const env = (token: string) => ({
    KEYWARDEN_HOME: home,
    SLACK_BOT_TOKEN: token,
    SLACK_API_URL: slack.apiUrl,
    SLACK_ADMIN_CHANNEL: 'C0ADMINS',
    SLACK_ADMIN_USERS: 'U0ADMIN',
  });

  it('passes every probe on a working setup, changing nothing', async () => {
    const checks = await runDoctor(env('xoxb-right'), embeddedComponents);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['configuration', true],
      ['ledger', true],
      ['IAM', true],
      ['DynamoDB', true],
      ['Slack', true],
    ]);
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

  it("checks a deployment's own settings: secrets named as SSM parameters are read first", async () => {
    const ssm = await startSsmServer();
    const saved = { ...process.env };
    // The SDK's default credential chain reads these, as it would from a profile or role.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIADOCTORDOCTOR0001',
      AWS_SECRET_ACCESS_KEY: 'doctor',
    });
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
    } finally {
      process.env = saved;
      await ssm.close();
    }
  });

  it('says what is wrong and how to fix it', async () => {
    const checks = await runDoctor(
      { ...env('xoxb-wrong'), LEDGER_CSV: join(home, 'missing.csv') },
      embeddedComponents,
    );
    const text = renderChecks(checks);
    expect(text).toMatch(/✗ ledger: cannot read .*missing\.csv/);
    expect(text).toMatch(/fix: check LEDGER_CSV/);
    expect(text).toMatch(/✗ Slack: .*invalid_auth[\s\S]*fix: reinstall the app/);
    expect(checks.find((c) => c.name === 'IAM')?.ok).toBe(true);
  });

  it('stops at the configuration when a setting is bad', async () => {
    const checks = await runDoctor({ ...env('not-a-bot-token') }, embeddedComponents);
    expect(checks).toEqual([
      expect.objectContaining({
        name: 'configuration',
        ok: false,
        detail: expect.stringContaining('SLACK_BOT_TOKEN'),
      }),
    ]);
  });
});
