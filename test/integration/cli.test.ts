import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { program } from '../../src/cli';
import { addDays, dateInZone } from '../../src/domain/dates';

/** Runs the CLI in-process with its own KEYWARDEN_HOME; returns what it printed and its exit code. */
async function run(home: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const saved = { ...process.env };
  process.env.KEYWARDEN_HOME = home;
  process.env.LOG_LEVEL = 'error';
  process.exitCode = 0;
  try {
    await program().parseAsync(['node', 'keywarden', ...args]);
    return { stdout: out.join(''), stderr: err.join(''), code: process.exitCode };
  } finally {
    process.env = saved;
    process.exitCode = 0;
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('keywarden sweep on the embedded demo', () => {
  it('plans as of a given date, then applies, then has nothing left to do', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-cli-'));
    const dry = await run(home, 'sweep', '--date', '2026-11-24');
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('Seeded the demo');
    expect(dry.stdout).toContain('dry run (nothing changed; pass --apply to act)');
    expect(dry.stdout).toMatch(/teardown-user\s+planned\s+delete IAM user ci-deploy/);

    const applied = await run(home, 'sweep', '--apply', '--date', '2026-11-24', '--json');
    const report = JSON.parse(applied.stdout.slice(applied.stdout.indexOf('{\n')));
    expect(report.mode).toBe('apply');
    expect(report.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'done',
      'done',
      'done',
      'done',
    ]);
    expect(readFileSync(join(home, 'demo', 'ledger.csv'), 'utf8')).toContain(
      'ci-deploy,AKIAEXAMPLECIXXX1002,',
    );
    // The embedded IAM account persists what was deleted.
    expect(readFileSync(join(home, 'demo', 'iam-account.json'), 'utf8')).not.toContain(
      '"userName": "ci-deploy"',
    );

    const again = await run(home, 'sweep', '--apply', '--date', '2026-11-24');
    expect(again.stdout).toContain('Actions: none');
  });

  it('refuses --apply for a day that has not come with exit 2, doing nothing; a dry run of it is fine', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-cli-'));
    const tomorrow = addDays(dateInZone(new Date(), 'Asia/Tokyo'), 1);
    const refused = await run(home, 'sweep', '--apply', '--date', tomorrow);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing to apply as of .*: today is/);
    expect(refused.stdout).toBe('');
    // Not even the demo was seeded.
    expect(existsSync(join(home, 'demo'))).toBe(false);

    const dry = await run(home, 'sweep', '--date', tomorrow);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run');
  });

  it('stops on a bad setting with a message naming it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-cli-'));
    const saved = process.env.NOTICE_DAYS;
    process.env.NOTICE_DAYS = 'soon';
    await expect(run(home, 'sweep')).rejects.toThrow(/NOTICE_DAYS/);
    if (saved === undefined) delete process.env.NOTICE_DAYS;
    else process.env.NOTICE_DAYS = saved;
  });
});
