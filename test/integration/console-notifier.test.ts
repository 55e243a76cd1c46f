import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleNotifier } from '../../src/adapters/notify/console-notifier';
import { program } from '../../src/cli';
import type { Finding } from '../../src/domain/hygiene';
import { summarise } from '../../src/domain/hygiene';
import { messages } from '../../src/text/messages';

const ROOT_CSV =
  'user,arn,user_creation_time\n<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00\n';

describe('the console notifier', () => {
  it('prints the digest as plain text and writes the report it mentions under KEYWARDEN_HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-console-'));
    const lines: string[] = [];
    const notifier = new ConsoleNotifier((line) => lines.push(line), messages('en'), join(home, 'reports'));
    const found: Finding[] = [
      {
        kind: 'root-no-mfa',
        user: '<root_account>',
        detail: 'the root user has no MFA & a password',
        key: 'k1',
      } as Finding,
    ];
    await notifier.findingsDigest({
      fresh: found,
      counts: summarise(found),
      generatedAt: new Date('2026-11-30T00:00:00Z'),
      timeZone: 'Asia/Tokyo',
      attachment: { filename: 'credential-report-2026-11-30.csv', csv: ROOT_CSV },
    });
    const text = lines.join('\n');
    expect(text).toContain('[admins] IAM hygiene digest: 1 finding: 1 root-no-mfa');
    expect(text).toContain('• <root_account> root-no-mfa: the root user has no MFA & a password');
    expect(text).not.toMatch(/&lt;|&gt;|&amp;|\*IAM|`/);
    // IAM's instant, as the ledger's people read it: Tokyo time, not UTC.
    expect(text).toContain('2026/11/30 09:00 (+09:00)');
    expect(text).not.toContain('2026-11-30T00:00:00');
    const path = join(home, 'reports', 'credential-report-2026-11-30.csv');
    expect(text).toContain(`[admins] credential report saved to ${path}`);
    expect(readFileSync(path, 'utf8')).toBe(ROOT_CSV);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('names the AWS account in an owner’s findings and the digest when the sweep covers several', async () => {
    const lines: string[] = [];
    const notifier = new ConsoleNotifier(
      (line) => lines.push(line),
      messages('ja'),
      mkdtempSync(join(tmpdir(), 'kw-')),
    );
    const found = [
      {
        kind: 'no-mfa',
        user: 'ci-deploy',
        detail: 'console password enabled without MFA',
        key: 'k',
        account: '111122223333',
      } as Finding,
    ];
    await notifier.findings({ slackId: 'U1', findings: found, account: '111122223333' });
    await notifier.findingsDigest({
      account: '111122223333',
      fresh: found,
      counts: summarise(found),
      generatedAt: new Date('2026-11-30T00:00:00Z'),
      timeZone: 'Asia/Tokyo',
    });
    const text = lines.join('\n');
    expect(text).toContain(
      '[通知 → U1] IAM 点検の指摘事項1件:\n  AWS アカウント 111122223333 の IAM ユーザーです',
    );
    expect(text).toContain('[管理者] IAM 点検のまとめ（AWS アカウント 111122223333）: 指摘事項1件');
  });

  it('is what `keywarden digest` uses on the demo: the file it names is there', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-digest-'));
    const out: string[] = [];
    const stdout = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = { ...process.env };
    Object.assign(process.env, { KEYWARDEN_HOME: home, LOG_LEVEL: 'error', LANGUAGE: 'ja' });
    try {
      await program().parseAsync(['node', 'keywarden', 'digest']);
    } finally {
      process.env = saved;
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const text = out.join('');
    const named = /認証情報レポートを保存しました: (\S+\.csv)/.exec(text)?.[1];
    expect(named?.startsWith(join(home, 'reports'))).toBe(true);
    expect(readFileSync(named ?? '', 'utf8')).toMatch(/^user,arn,user_creation_time/);
    expect(text).not.toMatch(/&lt;|&gt;|\*IAM hygiene digest\*/);
  });
});
