/**
 * The built CLI as people run it: `bin/keywarden.js` in a child process, on a pipe and on a
 * pseudo-terminal (util-linux `script`), checking what reaches the screen and the exit codes.
 */

import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { messages } from '../../src/text/messages';
import { REPO_ROOT, type TranspiledTree, transpileTree } from '../support/transpile';

let tree: TranspiledTree;
let bin: string;
let home: string;
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

beforeAll(() => {
  tree = transpileTree(['src'], 'keywarden-terminal');
  // Laid out as the repository after `npm run build`: bin/ beside dist/.
  mkdirSync(join(tree.outDir, 'bin'));
  copyFileSync(join(REPO_ROOT, 'bin', 'keywarden.js'), join(tree.outDir, 'bin', 'keywarden.js'));
  symlinkSync(join(tree.outDir, 'src'), join(tree.outDir, 'dist'));
  cpSync(join(REPO_ROOT, 'examples'), join(tree.outDir, 'examples'), { recursive: true });
  home = mkdtempSync(join(tmpdir(), 'keywarden-terminal-'));
  writeFileSync(
    PRETEND_NODE_20,
    "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.0.0' } });\n",
  );
});
afterAll(() => {
  tree.remove();
  rmSync(PRETEND_NODE_20, { force: true });
});

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fixed environment: nothing from the test's own terminal or settings leaks in. */
function envOf(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    KEYWARDEN_HOME: home,
    NODE_COMPILE_CACHE: tree.compileCache,
    ...extra,
  };
}

function run(node: string, args: readonly string[], extra: Record<string, string> = {}): Promise<Exit> {
  const child = spawn(node, [bin, ...args], { env: envOf(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/**
 * The CLI on a pseudo-terminal `columns` wide: stdout and stderr both reach the "screen",
 * which is what comes back (with the terminal's CR LF line ends), plus the exit code.
 */
function onTerminal(
  args: readonly string[],
  columns: number,
  extra: Record<string, string> = {},
): Promise<Exit> {
  const command = `stty cols ${columns}; exec "${process.execPath}" "${bin}" ${args.join(' ')}`;
  // -e: the CLI's exit code; -q: no "Script started" banner; the typescript goes nowhere.
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    // A terminal says what it is; without TERM, Node takes it for one without colours.
    env: envOf({ TERM: 'xterm-256color', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
  });
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code, stdout: screen, stderr: '' })),
  );
}

const ERASE_LINE = '\u001b[2K';
/** Whether `text` holds colour codes (escape codes other than the progress line's erase-line). */
function coloured(text: string): boolean {
  const rest = text.replaceAll(ERASE_LINE, '');
  return stripVTControlCharacters(rest) !== rest;
}
/** What the screen shows at the end: a carriage return lets the rest of the line overwrite what was there. */
function finalLines(screen: string): string[] {
  return screen
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .map((line) => stripVTControlCharacters(line.split('\r').at(-1) ?? ''));
}

/** The display column where `word` starts in `line` (ANSI codes take none). */
function columnOf(line: string, word: string): number {
  return stringWidth(line.slice(0, line.indexOf(word)));
}

/** Nodes the entry must turn away: this one pretending to be 20, and the machine's own if it is older. */
const PRETEND_NODE_20 = join(tmpdir(), `keywarden-pretend-node20-${process.pid}.cjs`);
const OLD_NODES: [string, string, Record<string, string>][] = [
  ['this Node reporting 20.0.0', process.execPath, { NODE_OPTIONS: `--require ${PRETEND_NODE_20}` }],
];
const MACHINE_NODE = '/usr/bin/node';
if (existsSync(MACHINE_NODE)) {
  const version = execFileSync(MACHINE_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  if (Number(version.split('.')[0]) === 20)
    OLD_NODES.push([`the machine's Node ${version}`, MACHINE_NODE, {}]);
}

describe('the keywarden command', () => {
  beforeAll(() => {
    bin = join(tree.outDir, 'bin', 'keywarden.js');
  });

  it('prints the package version', async () => {
    const { code, stdout } = await run(process.execPath, ['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(VERSION);
  });

  it('exits 2 on a command or an option it does not know, saying what was wrong', async () => {
    const command = await run(process.execPath, ['sweeep']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'sweeep'/);
    const option = await run(process.execPath, ['sweep', '--aply']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--aply'/);
    const invalid = await run(process.execPath, ['audit', '--format', 'xml']);
    expect(invalid.code).toBe(2);
  });

  it('exits 2 on a bad setting', async () => {
    const { code, stderr } = await run(process.execPath, ['sweep'], { NOTICE_DAYS: 'soon' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/NOTICE_DAYS/);
  });

  it('before a build: says so in the language LANGUAGE asks for, and exits 2', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'keywarden-unbuilt-'));
    try {
      mkdirSync(join(bare, 'bin'));
      copyFileSync(join(REPO_ROOT, 'bin', 'keywarden.js'), join(bare, 'bin', 'keywarden.js'));
      const unbuilt = (extra: Record<string, string>) =>
        new Promise<Exit>((resolve) => {
          const child = spawn(process.execPath, [join(bare, 'bin', 'keywarden.js'), 'sweep'], {
            env: envOf(extra),
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk.toString('utf8');
          });
          child.once('close', (code) => resolve({ code, stdout: '', stderr }));
        });
      const ja = await unbuilt({});
      expect(ja).toMatchObject({ code: 2, stderr: expect.stringContaining('まだビルドされていません') });
      const en = await unbuilt({ LANGUAGE: 'en' });
      expect(en).toMatchObject({ code: 2, stderr: expect.stringContaining('not built yet') });
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it.each(OLD_NODES)(
    'on %s: says how to get Node 22.12+ and exits 2 before loading the CLI',
    async (_name, node, extra) => {
      const { code, stdout, stderr } = await run(node, ['sweep'], { ...extra, LANGUAGE: 'en' });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/Node 22\.12 or later is required; this is Node 20\./);
      expect(stderr).toContain('npm ci');
      expect(stderr).toContain('npx keywarden');
      // Nothing else ran: no demo seeded, no stack trace.
      expect(stderr).not.toMatch(/Seeded|at .*\.js:\d+/);
      expect(existsSync(join(home, 'demo'))).toBe(false);
      // In Japanese when LANGUAGE does not say otherwise, from the built catalogue.
      const ja = await run(node, ['sweep'], extra);
      expect(ja.code).toBe(2);
      expect(ja.stderr).toMatch(/Node 22\.12 以降が必要です。これは Node 20\./);
      expect(ja.stderr).toContain('npx keywarden');
    },
  );
});

describe('keywarden on the embedded demo', () => {
  beforeAll(() => {
    bin = join(tree.outDir, 'bin', 'keywarden.js');
  });

  it('on a terminal: a coloured report that fits its width, a progress line that is cleared, no JSON log lines', async () => {
    const { code, stdout: screen } = await onTerminal(['sweep'], 80);
    expect(code).toBe(0);
    expect(coloured(screen)).toBe(true);
    const lines = finalLines(screen);
    // The progress line was drawn on stderr, then cleared: nothing of it is left on screen.
    expect(screen).toContain('台帳と IAM を読み');
    expect(lines.join('\n')).not.toContain('台帳と IAM を読み');
    // No log line in JSON, although the sweep logs its summary (at info, below what a terminal shows).
    expect(lines.filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    const heading = lines.findIndex((line) => line.includes(messages('ja').sweep.actionsHeading));
    expect(heading).toBeGreaterThanOrEqual(0);
    const table = lines.slice(heading + 1);
    const rows = table.slice(
      0,
      table.findIndex((line) => line.trim() === ''),
    );
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(80);
    // Cut short with an ellipsis, not wrapped.
    expect(rows.some((row) => row.endsWith('…'))).toBe(true);
  });

  it('NO_COLOR: no colour on a terminal; FORCE_COLOR: colour into a pipe; neither: none into a pipe', async () => {
    const noColour = await onTerminal(['sweep'], 100, { NO_COLOR: '1' });
    expect(noColour.code).toBe(0);
    expect(noColour.stdout).toContain(ERASE_LINE);
    expect(coloured(noColour.stdout)).toBe(false);
    const forced = await run(process.execPath, ['sweep'], { FORCE_COLOR: '1', LOG_LEVEL: 'warn' });
    expect(coloured(forced.stdout)).toBe(true);
    const piped = await run(process.execPath, ['sweep'], { LOG_LEVEL: 'warn' });
    expect(coloured(piped.stdout)).toBe(false);
  });

  it('into a pipe: JSON log lines on stderr, or text with LOG_FORMAT=text', async () => {
    const json = await run(process.execPath, ['sweep']);
    const logged = json.stderr.split('\n').filter((line) => line.startsWith('{'));
    expect(logged.map((line) => (JSON.parse(line) as { message: string }).message)).toContain(
      'sweep finished',
    );
    const text = await run(process.execPath, ['sweep'], { LOG_FORMAT: 'text' });
    expect(text.stderr).toMatch(/^info: sweep finished .*verdict=succeeded/m);
    expect(text.stderr).not.toMatch(/^\{/m);
  });

  it("a ledger it cannot read at all: said in the settings' language, exit 1", async () => {
    const ledger = join(home, 'no-header.csv');
    writeFileSync(ledger, 'sato,AKIAEXAMPLESATO00001,2026/12/31,利用中\n');
    const ja = await run(process.execPath, ['sweep'], { LEDGER_CSV: ledger, LOG_LEVEL: 'error' });
    expect(ja.code).toBe(1);
    expect(ja.stderr).toMatch(/^keywarden: 台帳のヘッダー行が見つかりません: 先頭5行に次の列がありません: /m);
    const en = await run(process.execPath, ['sweep'], {
      LEDGER_CSV: ledger,
      LOG_LEVEL: 'error',
      LANGUAGE: 'en',
    });
    expect(en.code).toBe(1);
    expect(en.stderr).toMatch(/^keywarden: ledger header not found: missing column\(s\) iamUser/m);
  });

  it('sweep --json carries schemaVersion 1 and exits 0', async () => {
    const { code, stdout } = await run(process.execPath, ['sweep', '--json'], { LOG_LEVEL: 'error' });
    expect(code).toBe(0);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{\n'))) as Record<string, unknown>;
    expect(report).toMatchObject({ schemaVersion: 1, mode: 'dry-run' });
    expect(report).toHaveProperty('results');
  });

  it('audit exits 3 when it finds something, with --json carrying schemaVersion 1', async () => {
    const { code, stdout } = await run(process.execPath, ['audit', '--json'], { LOG_LEVEL: 'error' });
    expect(code).toBe(3);
    const document = JSON.parse(stdout) as { schemaVersion: number; findings: unknown[] };
    expect(document.schemaVersion).toBe(1);
    expect(document.findings.length).toBeGreaterThan(0);
  });

  it('audit shows when the credential report was generated in TIME_ZONE, not as a UTC instant', async () => {
    const { code, stdout } = await run(process.execPath, ['audit'], {
      LOG_LEVEL: 'error',
      COLUMNS: '70',
      LANGUAGE: 'en',
    });
    expect(code).toBe(3);
    expect(stdout).toMatch(/^Credential report generated \d{4}\/\d\d\/\d\d \d\d:\d\d \(\+09:00\)$/m);
    expect(stdout).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    const table = stdout
      .split('\n')
      .filter((line) => /^\S+\s+(key-too-old|no-mfa|unused-credentials)\s/.test(line));
    expect(table.length).toBeGreaterThan(0);
    for (const line of table) expect(stringWidth(line)).toBeLessThanOrEqual(70);
    // Columns line up under their header.
    const header = stdout.split('\n').find((line) => line.startsWith('user'))!;
    for (const line of table) expect(columnOf(line, line.split(/\s+/)[1]!)).toBe(columnOf(header, 'kind'));
  });
});
