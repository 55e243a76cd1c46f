import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli-in-process';

describe('keywarden --help speaks the language the settings choose', () => {
  const home = mkdtempSync(join(tmpdir(), 'keywarden-help-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const help = (env: Record<string, string>, ...args: string[]) => runCli(home, env, ...args);

  it("in Japanese, commander's own headings and the usage line included", async () => {
    const top = await help({ LANGUAGE: 'ja' }, '--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('使い方: keywarden [オプション] [コマンド]');
    expect(top.stdout).toMatch(/^オプション:$/m);
    expect(top.stdout).toMatch(/^コマンド:$/m);
    expect(top.stdout).toMatch(/^ {2}sweep \[オプション\] +キー申請台帳から通知と削除を計画する/m);
    expect(top.stdout).toMatch(/^ {2}-h, --help +ヘルプを表示する$/m);
    const audit = await help({ LANGUAGE: 'ja' }, 'audit', '--help');
    expect(audit.stdout).toMatch(
      /^ {2}--format <形式> +出力形式（選択肢: "table"、"json"、"csv"、既定: "table"）$/m,
    );
  });

  it('aligns descriptions by terminal columns, a Japanese character taking two', async () => {
    const { stdout } = await help({ LANGUAGE: 'ja' }, 'audit', '--help');
    const columns = stdout
      .split('\n')
      .filter((line) => line.startsWith('  --'))
      .map((line) => {
        const term = /^ {2}\S+(?: <[^>]+>)? +/.exec(line)?.[0] ?? '';
        return [...term].reduce((width, char) => width + (/[\u3000-\u9fff]/.test(char) ? 2 : 1), 0);
      });
    expect(new Set(columns).size).toBe(1);
  });

  it('in English with LANGUAGE=en, as commander words it', async () => {
    const { stdout } = await help({ LANGUAGE: 'en' }, 'sweep', '--help');
    expect(stdout).toContain('Usage: keywarden sweep [options]');
    expect(stdout).toMatch(/^ {2}--apply +act: send notices/m);
  });

  it('takes LANGUAGE from the KEYWARDEN_CONFIG file, and English when that file cannot be read', async () => {
    const file = join(home, 'settings.json');
    writeFileSync(file, JSON.stringify({ LANGUAGE: 'en' }));
    expect((await help({ LANGUAGE: '', KEYWARDEN_CONFIG: file }, '--help')).stdout).toContain('Usage:');
    writeFileSync(file, JSON.stringify({ LANGUAGE: 'ja' }));
    expect((await help({ LANGUAGE: '', KEYWARDEN_CONFIG: file }, '--help')).stdout).toContain('使い方:');
    const missing = join(home, 'missing.json');
    expect((await help({ LANGUAGE: '', KEYWARDEN_CONFIG: missing }, '--help')).stdout).toContain('Usage:');
    expect((await help({ LANGUAGE: 'fr' }, '--help')).stdout).toContain('Usage:');
  });

  it("words the CLI's own refusal of an argument in Japanese", async () => {
    const refused = await help({ LANGUAGE: 'ja' }, 'audit', '--max-password-age', 'x');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('日数を整数で指定してください');
  });
});
