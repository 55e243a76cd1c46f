import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig as load, settingsLanguage } from '../../src/config';

/** Settings errors are worded in LANGUAGE; these tests read the English ones. */
const loadConfig = (env: NodeJS.ProcessEnv) => load({ LANGUAGE: 'en', ...env });

describe('loadConfig', () => {
  it('defaults to the embedded demo in Tokyo', () => {
    const config = load({});
    expect(config).toMatchObject({
      timeZone: 'Asia/Tokyo',
      language: 'ja',
      noticeDays: 7,
      finalNoticeDays: 3,
      ledger: { kind: 'csv', ledgerPath: '.keywarden/demo/ledger.csv', embedded: true },
      iam: { kind: 'embedded' },
      state: { kind: 'embedded', dataDir: '.keywarden/dynamodb', table: 'keywarden' },
    });
  });

  it('LANGUAGE as GNU gettext sets it (a priority list, locales) picks the first language Keywarden speaks', () => {
    expect(load({ LANGUAGE: 'ja:en' }).language).toBe('ja');
    expect(load({ LANGUAGE: 'ja_JP.UTF-8:en_US' }).language).toBe('ja');
    expect(load({ LANGUAGE: 'fr:en_GB:ja' }).language).toBe('en');
    expect(load({ LANGUAGE: 'EN' }).language).toBe('en');
    expect(settingsLanguage({ LANGUAGE: 'ja:en' })).toBe('ja');
    expect(settingsLanguage({ LANGUAGE: 'de:fr' })).toBe('en');
    expect(() => loadConfig({ LANGUAGE: 'de:fr' })).toThrow(/LANGUAGE/);
  });

  it('FINAL_NOTICE_DAYS may be 0 (plain next-day deletion) up to 30, nothing else', () => {
    expect(loadConfig({ FINAL_NOTICE_DAYS: '0' }).finalNoticeDays).toBe(0);
    expect(() => loadConfig({ FINAL_NOTICE_DAYS: '-1' })).toThrow(/FINAL_NOTICE_DAYS/);
    expect(() => loadConfig({ FINAL_NOTICE_DAYS: 'never' })).toThrow(/FINAL_NOTICE_DAYS/);
  });

  it('LEDGER_COLUMNS maps headers to fields; unknown fields and duplicates are errors that say why', () => {
    expect(loadConfig({}).ledgerColumns).toEqual({});
    expect(
      loadConfig({ LEDGER_COLUMNS: 'endDate=有効期限, iamUser = IAMユーザー名 ,email=連絡先=メール' })
        .ledgerColumns,
    ).toEqual({ endDate: '有効期限', iamUser: 'IAMユーザー名', email: '連絡先=メール' });
    expect(() => loadConfig({ LEDGER_COLUMNS: 'expiry=有効期限' })).toThrow(
      /LEDGER_COLUMNS: "expiry" is not a ledger field \(one of name, .*endDate/,
    );
    expect(() => loadConfig({ LEDGER_COLUMNS: 'endDate=期限,endDate=有効期限' })).toThrow(
      /LEDGER_COLUMNS: endDate is mapped twice/,
    );
    expect(() => loadConfig({ LEDGER_COLUMNS: 'startDate=期限,endDate=期限' })).toThrow(
      /LEDGER_COLUMNS: header "期限" is mapped to both startDate and endDate/,
    );
    expect(() => loadConfig({ LEDGER_COLUMNS: 'endDate' })).toThrow(
      /LEDGER_COLUMNS: "endDate" is not field=header/,
    );
  });

  it('PENDING_REPORT_DAYS is 7 unless set, 0 reporting every unissued request', () => {
    expect(loadConfig({}).pendingReportDays).toBe(7);
    expect(loadConfig({ PENDING_REPORT_DAYS: '0' }).pendingReportDays).toBe(0);
    expect(() => loadConfig({ PENDING_REPORT_DAYS: 'week' })).toThrow(/PENDING_REPORT_DAYS/);
  });

  it('reads HYGIENE_MUTES as JSON (env) or as an array (config file), one kind, several or *', () => {
    const entries = [
      {
        user: 'ci-bot',
        kind: 'no-mfa',
        until: '2026-12-31',
        reason: 'no console use, password kept for audits',
      },
      { user: 'etl', kind: ['key-too-old', 'unused-credentials'], until: '2027-01-15', reason: '移行中' },
      { user: 'legacy', kind: '*', until: '2026-06-30', reason: 'decommissioning' },
      {
        user: 'ci-deploy',
        kind: 'no-mfa',
        until: '2026-12-31',
        reason: 'one account',
        account: '111122223333',
      },
    ];
    const expected = [
      { user: 'ci-bot', kinds: ['no-mfa'], until: '2026-12-31', source: 'settings' },
      { user: 'etl', kinds: ['key-too-old', 'unused-credentials'], until: '2027-01-15', reason: '移行中' },
      { user: 'legacy', kinds: '*', until: '2026-06-30' },
      { user: 'ci-deploy', kinds: ['no-mfa'], account: '111122223333' },
    ];
    expect(loadConfig({ HYGIENE_MUTES: JSON.stringify(entries) }).hygieneMutes).toMatchObject(expected);
    const dir = mkdtempSync(join(tmpdir(), 'keywarden-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ HYGIENE_MUTES: entries }));
    expect(loadConfig({ KEYWARDEN_CONFIG: file }).hygieneMutes).toMatchObject(expected);
    expect(loadConfig({}).hygieneMutes).toEqual([]);
  });

  it.each([
    ['not json', /HYGIENE_MUTES: is not JSON/],
    ['[{"user":"a","kind":"no-mfa","until":"2026-02-30","reason":"x"}]', /HYGIENE_MUTES\.0\.until: a date/],
    ['[{"user":"a","kind":"no-mfa","until":"2026-12-31","reason":" "}]', /HYGIENE_MUTES\.0\.reason/],
    ['[{"user":"a","kind":"mfa","until":"2026-12-31","reason":"x"}]', /HYGIENE_MUTES\.0\.kind/],
    ['[{"user":"a","kinds":"no-mfa","until":"2026-12-31","reason":"x"}]', /HYGIENE_MUTES\.0/],
    [
      '[{"user":"a","kind":"no-mfa","until":"2026-12-31","reason":"x","account":"1234"}]',
      /HYGIENE_MUTES\.0\.account: 12 digits/,
    ],
  ])('refuses HYGIENE_MUTES=%p, naming the entry', (value, message) => {
    expect(() => loadConfig({ HYGIENE_MUTES: value })).toThrow(message);
  });

  it('names every bad setting', () => {
    expect(() =>
      loadConfig({ NOTICE_DAYS: 'soon', TIME_ZONE: 'Mars/Olympus', LEDGER_SOURCE: 'excel' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ NOTICE_DAYS: 'soon', TIME_ZONE: 'Mars/Olympus', LEDGER_SOURCE: 'excel' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/NOTICE_DAYS/);
      expect(message).toMatch(/TIME_ZONE: not an IANA time zone/);
      expect(message).toMatch(/LEDGER_SOURCE/);
    }
  });

  it('LEDGER_CSV_ENCODING: auto by default, Shift_JIS spellings mean CP932, anything else is refused', () => {
    expect(loadConfig({}).ledger).toMatchObject({ kind: 'csv', encoding: 'auto' });
    expect(loadConfig({ LEDGER_CSV_ENCODING: 'Shift_JIS' }).ledger).toMatchObject({ encoding: 'cp932' });
    expect(loadConfig({ LEDGER_CSV_ENCODING: 'utf8' }).ledger).toMatchObject({ encoding: 'utf-8' });
    expect(loadConfig({ LEDGER_CSV_ENCODING: 'UTF-16LE' }).ledger).toMatchObject({ encoding: 'utf-16le' });
    expect(() => loadConfig({ LEDGER_CSV_ENCODING: 'euc-jp' })).toThrow(/LEDGER_CSV_ENCODING/);
  });

  it('requires a spreadsheet id and credentials for Sheets, and checks the key is JSON', () => {
    expect(() => loadConfig({ LEDGER_SOURCE: 'sheets' })).toThrow(/SHEETS_SPREADSHEET_ID: required/);
    expect(() =>
      loadConfig({ LEDGER_SOURCE: 'sheets', SHEETS_SPREADSHEET_ID: 'x', GOOGLE_SERVICE_ACCOUNT_JSON: '{' }),
    ).toThrow(/GOOGLE_SERVICE_ACCOUNT_JSON: is not JSON/);
    const config = loadConfig({
      LEDGER_SOURCE: 'sheets',
      SHEETS_SPREADSHEET_ID: 'abc',
      GOOGLE_APPLICATION_CREDENTIALS: '/etc/key.json',
    });
    expect(config.ledger).toEqual({
      kind: 'sheets',
      spreadsheetId: 'abc',
      ledgerSheet: '台帳',
      peopleSheet: 'users',
      credentials: { keyFile: '/etc/key.json' },
    });
  });

  it('reads a JSON config file that the environment overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keywarden-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({ NOTICE_DAYS: 14, PROTECTED_USERS: 'root-ish, break-glass', LANGUAGE: 'en' }),
    );
    const config = loadConfig({ KEYWARDEN_CONFIG: file, LANGUAGE: 'ja' });
    expect(config.noticeDays).toBe(14);
    expect([...config.protectedUsers]).toEqual(['root-ish', 'break-glass']);
    expect(config.language).toBe('ja');
    expect(() => loadConfig({ KEYWARDEN_CONFIG: join(dir, 'missing.json') })).toThrow(
      /KEYWARDEN_CONFIG: cannot read/,
    );
  });

  it('switches IAM and state to AWS', () => {
    const config = loadConfig({
      IAM_SOURCE: 'aws',
      STATE_SOURCE: 'aws',
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCOUNT_ID: '111122223333',
    });
    // IAM is global: its endpoint signs for us-east-1 whatever the deployment's region.
    expect(config.iam).toEqual({ kind: 'aws', region: 'us-east-1', accountId: '111122223333' });
    expect(config.state).toEqual({ kind: 'aws', region: 'ap-northeast-1', table: 'keywarden' });
    expect(config.region).toBe('ap-northeast-1');
    expect(() => loadConfig({ AWS_ACCOUNT_ID: '1234' })).toThrow(/AWS_ACCOUNT_ID: 12 digits/);
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION, and wants one for regional services', () => {
    expect(loadConfig({ STATE_SOURCE: 'aws', AWS_DEFAULT_REGION: 'eu-west-1' }).state).toMatchObject({
      region: 'eu-west-1',
    });
    expect(
      loadConfig({ STATE_SOURCE: 'aws', AWS_REGION: 'ap-northeast-1', AWS_DEFAULT_REGION: 'eu-west-1' })
        .state,
    ).toMatchObject({ region: 'ap-northeast-1' });
    expect(() => loadConfig({ STATE_SOURCE: 'aws' })).toThrow(/AWS_REGION: STATE_SOURCE needs an AWS region/);
    expect(() => loadConfig({ ARCHIVE_BUCKET: 'reports' })).toThrow(/ARCHIVE_BUCKET needs an AWS region/);
    expect(() => loadConfig({ SWEEP_RUN_BUCKET: 'runs' })).toThrow(/SWEEP_RUN_BUCKET needs an AWS region/);
    expect(loadConfig({ SWEEP_RUN_BUCKET: 'runs', AWS_REGION: 'ap-northeast-1' }).sweepRuns).toEqual({
      bucket: 'runs',
      region: 'ap-northeast-1',
    });
    // IAM alone is global and needs none.
    expect(loadConfig({ IAM_SOURCE: 'aws' }).region).toBeNull();
  });

  it('paces Slack posts per channel at Slack’s rate unless told otherwise, within bounds', () => {
    const slack = {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_ADMIN_CHANNEL: 'C0ADMINS',
      SLACK_ADMIN_USERS: 'U0ADMIN',
    };
    expect(loadConfig(slack).slack?.postIntervalMs).toBe(1100);
    expect(loadConfig({ ...slack, SLACK_POST_INTERVAL_MS: '50' }).slack?.postIntervalMs).toBe(50);
    for (const bad of ['-1', '1.5', 'fast', '60001'])
      expect(() => loadConfig({ ...slack, SLACK_POST_INTERVAL_MS: bad })).toThrow(/SLACK_POST_INTERVAL_MS/);
  });

  it('SWEEP_STATE_MACHINE_ARN: the sweep state machine in its own region, absent by default; a bad ARN is named in both languages', () => {
    expect(loadConfig({}).sweepStateMachine).toBeNull();
    const arn = 'arn:aws-cn:states:cn-north-1:111122223333:stateMachine:keywarden-prod-sweep';
    expect(
      loadConfig({ SWEEP_STATE_MACHINE_ARN: arn, STEPFUNCTIONS_ENDPOINT: 'http://127.0.0.1:9' })
        .sweepStateMachine,
    ).toEqual({ arn, region: 'cn-north-1', endpoint: 'http://127.0.0.1:9' });
    const bad = { SWEEP_STATE_MACHINE_ARN: 'keywarden-prod-sweep' };
    expect(() => loadConfig(bad)).toThrow(
      /SWEEP_STATE_MACHINE_ARN: a state machine ARN such as arn:aws:states:/,
    );
    expect(() => load({ ...bad, LANGUAGE: 'ja' })).toThrow(
      /SWEEP_STATE_MACHINE_ARN: arn:aws:states:.* のようなステートマシンの ARN で指定してください/,
    );
  });

  it('sweeps 8 accounts side by side unless told otherwise, from 1 to 64', () => {
    expect(loadConfig({}).accountConcurrency).toBe(8);
    expect(loadConfig({ ACCOUNT_CONCURRENCY: '1' }).accountConcurrency).toBe(1);
    expect(loadConfig({ ACCOUNT_CONCURRENCY: '64' }).accountConcurrency).toBe(64);
    for (const bad of ['0', '-1', '2.5', 'many', '65'])
      expect(() => loadConfig({ ACCOUNT_CONCURRENCY: bad })).toThrow(/ACCOUNT_CONCURRENCY/);
  });

  it('leases the sweep lock for 2 minutes renewed every 30 s, or a quarter of a shorter lease', () => {
    expect(loadConfig({}).sweepLease).toEqual({ leaseSeconds: 120, renewSeconds: 30 });
    expect(loadConfig({ SWEEP_LOCK_LEASE_SECONDS: '20' }).sweepLease).toEqual({
      leaseSeconds: 20,
      renewSeconds: 5,
    });
    expect(loadConfig({ SWEEP_LOCK_LEASE_SECONDS: '2', SWEEP_LOCK_RENEW_SECONDS: '0.2' }).sweepLease).toEqual(
      { leaseSeconds: 2, renewSeconds: 0.2 },
    );
    // A renewal every lease or so would lose the lock to one slow call.
    expect(() => loadConfig({ SWEEP_LOCK_LEASE_SECONDS: '60', SWEEP_LOCK_RENEW_SECONDS: '45' })).toThrow(
      /SWEEP_LOCK_RENEW_SECONDS: at most half of SWEEP_LOCK_LEASE_SECONDS/,
    );
  });
});
