import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamAccount } from '@keywarden/iam-simulator';
import { clockAt, runCli } from '../support/cli-in-process';

/** The CLI in English, as these tests read its words. */
const run = (home: string, env: Record<string, string>, ...args: string[]) =>
  runCli(home, { LANGUAGE: 'en', ...env }, ...args);

/**
 * A credential report downloaded from the console on 2026-05-01 (12:00 in Tokyo): carol's
 * password expires in four days under a 90-day policy, which only the report's own
 * password_next_rotation says; dave has a console password and no MFA.
 */
function savedReport(dir: string): string {
  const day = (iso: string) => new Date(`${iso}T12:00:00+09:00`);
  const iam = new IamAccount({ clock: () => day('2026-05-01'), createDate: day('2020-01-01') });
  iam.setRootAccount({ mfaActive: true });
  iam.setPasswordPolicy({ maxPasswordAge: 90 });
  iam.createUser({ userName: 'carol', createDate: day('2025-01-01'), passwordLastUsed: day('2026-04-30') });
  iam.createLoginProfile('carol', { createDate: day('2026-02-04') });
  iam.createVirtualMfaDevice('carol', { userName: 'carol' });
  iam.createUser({ userName: 'dave', createDate: day('2025-01-01'), passwordLastUsed: day('2026-04-30') });
  iam.createLoginProfile('dave', { createDate: day('2026-04-20') });
  const path = join(dir, 'credential-report.csv');
  writeFileSync(path, iam.renderCredentialReport());
  return path;
}

const MUTES = JSON.stringify([
  { user: 'dave', kind: 'no-mfa', until: '2026-06-30', reason: 'kiosk account, MFA by badge' },
]);

describe('keywarden audit on a saved credential report', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('audits as of --date: the password expiring in four days, the muted finding listed with its reason', async () => {
    // Months after the download: without --date the password would read as long expired.
    clockAt('2026-11-30T03:00:00Z');
    const home = mkdtempSync(join(tmpdir(), 'keywarden-audit-'));
    const report = savedReport(home);
    const env = { HYGIENE_MUTES: MUTES };

    const asOf = await run(
      home,
      env,
      'audit',
      '--credential-report',
      report,
      '--date',
      '2026-05-01',
      '--format',
      'json',
    );
    // Findings were found: exit 3, as a scanner's.
    expect(asOf.code).toBe(3);
    const document = JSON.parse(asOf.stdout);
    expect(document.asOf).toBe('2026-05-01');
    expect(document.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user: 'carol',
          kind: 'password-expiring',
          daysLeft: 4,
          dueDate: '2026-05-05',
        }),
        expect.objectContaining({ user: 'dave', kind: 'no-mfa', key: 'finding#no-mfa#dave#mfa#2026-W18' }),
      ]),
    );
    expect(document.muted).toEqual([
      {
        key: 'finding#no-mfa#dave#mfa#2026-W18',
        until: '2026-06-30',
        reason: 'kiosk account, MFA by badge',
        source: 'settings',
      },
    ]);

    const table = await run(home, env, 'audit', '--credential-report', report, '--date', '2026-05-01');
    expect(table.stdout).toContain('Audited as of 2026-05-01');
    expect(table.stdout).toMatch(
      /carol +password-expiring +password +console password expires in 4 days, on 2026-05-05/,
    );
    expect(table.stdout).toMatch(
      /Muted \(1; no DM, no ping\):\n {2}dave +no-mfa +mfa +console password enabled without MFA +muted until 2026-06-30 \(settings\): kiosk account, MFA by badge/,
    );

    // Today, the same file: the password has expired and dave's mute has run out.
    const today = await run(home, env, 'audit', '--credential-report', report);
    expect(today.stdout).toMatch(/carol +password-expired/);
    expect(today.stdout).toContain(
      'Mutes that expired (1; these ping again):\n  dave no-mfa: mute ended 2026-06-30',
    );
  });

  it('refuses a --date that is not a calendar date with exit code 2, before reading anything', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-audit-'));
    for (const bad of ['2026-02-30', '2026/05/01', 'yesterday']) {
      const result = await run(
        home,
        {},
        'audit',
        '--credential-report',
        join(home, 'missing.csv'),
        '--date',
        bad,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`keywarden: --date ${bad}: expected a date as YYYY-MM-DD\n`);
      expect(result.stdout).toBe('');
    }
  });
});

describe('keywarden sweep --date', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('moves the hygiene checks of a dry run to that day, as it moves the ledger plan', async () => {
    clockAt('2026-11-24T06:00:00Z');
    const home = mkdtempSync(join(tmpdir(), 'keywarden-sweep-date-'));
    const hygieneOf = async (...args: string[]) => {
      const result = await run(home, {}, 'sweep', '--json', ...args);
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout.slice(result.stdout.indexOf('{\n'))).hygiene;
    };
    const today = await hygieneOf();
    const later = await hygieneOf('--date', '2027-02-24');
    expect(today.counts).toBeDefined();
    // Three months on, every key that was nearly due is past due, and more lie unused.
    expect(later.counts['key-expiring']).toBe(0);
    expect(later.counts['key-too-old']).toBeGreaterThan(today.counts['key-too-old']);
    expect(later.counts['unused-credentials']).toBeGreaterThanOrEqual(today.counts['unused-credentials']);
    expect(later.total).not.toBe(today.total);
    // Asking for today is today.
    // Asking for today is today (the embedded report is generated afresh each run).
    const { generatedAt: _t, ...sameDay } = today;
    expect(await hygieneOf('--date', '2026-11-24')).toEqual({ ...sameDay, generatedAt: expect.any(String) });
  }, 120_000);
});
