import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, dateInZone } from '../../src/domain/dates';
import { clockAt, runCli } from '../support/cli-in-process';

const run = (home: string, ...args: string[]) => runCli(home, {}, ...args);

/** Several whole CLI runs with embedded IAM and dynalite each: minutes, not seconds, on a busy machine. */
const SEVERAL_RUNS_MS = 120_000;

describe('keywarden sweep on the embedded demo', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it(
    'warns first: the first apply sends final notices naming a date, deletes on that date, then has nothing left to do',
    async () => {
      // 15:00 in Tokyo on the examples' reference day.
      clockAt('2026-11-24T06:00:00Z');
      const home = mkdtempSync(join(tmpdir(), 'keywarden-cli-'));
      const dry = await run(home, 'sweep');
      expect(dry.code).toBe(0);
      expect(dry.stderr).toContain('デモのアカウントと台帳を');
      expect(dry.stdout).toContain('ドライラン（変更なし。実行するには --apply）');
      // Nobody was ever told about ci-deploy's end date (11/20): no teardown before a warning.
      expect(dry.stdout).toMatch(
        /最終通知\s+予定\s+最終通知（U02SATO に DM）: ci-deploy のキー .*、2026\/11\/27 に削除/,
      );
      expect(dry.stdout).not.toMatch(/ユーザー削除|キー削除/);
      expect(dry.stdout).toContain('2026/11/27 に3件のアクセスキーを削除します');

      const applied = await run(home, 'sweep', '--apply', '--json');
      const report = JSON.parse(applied.stdout.slice(applied.stdout.indexOf('{\n')));
      expect(report.mode).toBe('apply');
      expect(report.results.map((r: { action: { kind: string } }) => r.action.kind)).toEqual([
        'notify-week-ahead',
        'notify-final',
        'notify-final',
        'notify-owner-unknown',
        'notify-final',
      ]);
      expect(report.results.every((r: { outcome: string }) => r.outcome === 'done')).toBe(true);
      // The console stands in for the admin channel's summary, in the configured language.
      expect(applied.stdout).toContain('[管理者] 2026/11/27 に3件のアクセスキーを削除します');
      expect(readFileSync(join(home, 'demo', 'iam-account.json'), 'utf8')).toContain(
        '"userName": "ci-deploy"',
      );

      // The next day: the date stands, nothing is sent again, nothing is deleted yet.
      clockAt('2026-11-25T06:00:00Z');
      const waiting = await run(home, 'sweep', '--apply');
      expect(waiting.stdout).toContain('操作: なし');
      expect(waiting.stdout).toContain('2026/11/27 に3件のアクセスキーを削除します');

      clockAt('2026-11-27T06:00:00Z');
      const due = await run(home, 'sweep', '--apply', '--json');
      const deleted = JSON.parse(due.stdout.slice(due.stdout.indexOf('{\n')));
      expect(
        deleted.results.map((r: { action: { kind: string }; outcome: string }) => [r.action.kind, r.outcome]),
      ).toEqual([
        ['teardown-user', 'done'],
        ['delete-key', 'done'],
      ]);
      expect(readFileSync(join(home, 'demo', 'ledger.csv'), 'utf8')).toContain(
        'ci-deploy,AKIAEXAMPLECIXXX1002,',
      );
      // The embedded IAM account persists what was deleted.
      expect(readFileSync(join(home, 'demo', 'iam-account.json'), 'utf8')).not.toContain(
        '"userName": "ci-deploy"',
      );

      const again = await run(home, 'sweep', '--apply');
      expect(again.stdout).toContain('操作: なし');
    },
    SEVERAL_RUNS_MS,
  );

  it(
    'FINAL_NOTICE_DAYS=0 restores plain next-day deletion',
    async () => {
      clockAt('2026-11-24T06:00:00Z');
      const home = mkdtempSync(join(tmpdir(), 'keywarden-cli-'));
      process.env.FINAL_NOTICE_DAYS = '0';
      try {
        const applied = await run(home, 'sweep', '--apply', '--json');
        const report = JSON.parse(applied.stdout.slice(applied.stdout.indexOf('{\n')));
        expect(report.results.map((r: { action: { kind: string } }) => r.action.kind)).toEqual([
          'notify-week-ahead',
          'notify-owner-unknown',
          'teardown-user',
          'delete-key',
        ]);
      } finally {
        delete process.env.FINAL_NOTICE_DAYS;
      }
    },
    SEVERAL_RUNS_MS,
  );

  it(
    'several rows for one key: acts once for the real holder, writes back to every copy, flags the typo',
    async () => {
      clockAt('2026-11-24T06:00:00Z');
      const home = mkdtempSync(join(tmpdir(), 'keywarden-cli-'));
      await run(home, 'sweep'); // seeds the demo
      const ledgerPath = join(home, 'demo', 'ledger.csv');
      appendFileSync(
        ledgerPath,
        [
          '佐藤 花子,CIからのデプロイ,codedeploy:web-app,ci-deploy,AKIAEXAMPLECIXXX1002,2026/04/01,2026/11/20,利用中',
          '鈴木 一郎,負荷試験,ec2:loadtest,sandbox-suzuki,AKIAEXAMPLESBXXX1003,2026/09/01,2026/10/31,利用中',
          '高橋 次郎,ログ転送,logs:app,log-shipper,AKIAEXAMPLEETLXX1001,2026/06/01,2026/11/28,利用中',
          '',
        ].join('\n'),
      );
      process.env.FINAL_NOTICE_DAYS = '0';
      try {
        const applied = await run(home, 'sweep', '--apply', '--json');
        expect(applied.code).toBe(0);
        const report = JSON.parse(applied.stdout.slice(applied.stdout.indexOf('{\n')));
        expect(report.results.map((r: { action: { kind: string } }) => r.action.kind)).toEqual([
          'notify-week-ahead',
          'notify-owner-unknown',
          'teardown-user',
          'delete-key',
        ]);
        const skips = new Map<number, { reason: string }>(
          report.skips.map((s: { row: { rowNumber: number }; reason: string }) => [s.row.rowNumber, s]),
        );
        expect([14, 15, 16].map((n) => skips.get(n)?.reason)).toEqual([
          'duplicate',
          'superseded',
          'key-mismatch',
        ]);
        expect(report.problems.map((p: { rowNumber: number }) => p.rowNumber)).toEqual([11]);
        const rows = readFileSync(ledgerPath, 'utf8').trim().split('\n');
        for (const n of [3, 14, 4, 15]) expect(rows[n - 1]).toMatch(/,削除済み$/);
        expect(rows[15]).toMatch(/,利用中$/);
      } finally {
        delete process.env.FINAL_NOTICE_DAYS;
      }
    },
    SEVERAL_RUNS_MS,
  );

  it(
    'refuses --apply for a day that has not come with exit 2, doing nothing; a dry run of it is fine',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'keywarden-cli-'));
      const tomorrow = addDays(dateInZone(new Date(), 'Asia/Tokyo'), 1);
      const refused = await run(home, 'sweep', '--apply', '--date', tomorrow);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/の時点では実行できません: このタイムゾーンでは今日は .* です/);
      expect(refused.stdout).toBe('');
      // Not even the demo was seeded.
      expect(existsSync(join(home, 'demo'))).toBe(false);

      const dry = await run(home, 'sweep', '--date', tomorrow);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('ドライラン');
    },
    SEVERAL_RUNS_MS,
  );

  it('stops on a bad setting with a message naming it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-cli-'));
    const saved = process.env.NOTICE_DAYS;
    process.env.NOTICE_DAYS = 'soon';
    await expect(run(home, 'sweep')).rejects.toThrow(/NOTICE_DAYS/);
    if (saved === undefined) delete process.env.NOTICE_DAYS;
    else process.env.NOTICE_DAYS = saved;
  });
});
