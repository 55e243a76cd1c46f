import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import stringWidth from 'string-width';
import winston from 'winston';
import { startProgress } from '../../src/cli/progress';
import { resetDemo } from '../../src/cli/reset-demo';
import { columnsOf, layoutOf, wantsColour } from '../../src/cli/terminal';
import type { LocalDate } from '../../src/domain/dates';
import { createLogger, logOutput } from '../../src/log';
import { accountStep } from '../../src/text/progress';
import { alignColumns, truncate } from '../../src/text/table';

const TODAY = '2026-11-24' as LocalDate;

describe('alignColumns', () => {
  it('aligns by terminal columns, so the column after a Japanese name stays in line', () => {
    const lines = alignColumns([
      ['name', 'status', 'end'],
      ['佐藤 花子', '利用中', '2026/12/01'],
      ['bob', 'active', '2026/12/02'],
    ]);
    expect(lines).toEqual([
      'name       status  end',
      '佐藤 花子  利用中  2026/12/01',
      'bob        active  2026/12/02',
    ]);
    const starts = lines.map((line) => stringWidth(line.slice(0, line.search(/\d{4}\/|end/))));
    expect(new Set(starts).size).toBe(1);
  });

  it('cuts the flexible columns with … to fit the width, widest first, never splitting a wide character', () => {
    const lines = alignColumns(
      [
        ['row', 'what', 'detail'],
        ['2', 'DM U01: 佐藤 花子 の etl-batch は 2026/12/04 に終了します（あと 4 日）', 'sent'],
        ['3', 'final notice', 'IAM returned Throttling three times, gave up after the last attempt'],
      ],
      { maxWidth: 50, flexible: [1, 2] },
    );
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(50);
    expect(lines[1]).toContain('…');
    expect(lines[2]).toMatch(/…$/);
    // The detail column starts at the same terminal column on every row.
    const detailAt = (line: string, word: string) => stringWidth(line.slice(0, line.indexOf(word)));
    expect(detailAt(lines[1]!, 'sent')).toBe(detailAt(lines[0]!, 'detail'));
    expect(detailAt(lines[2]!, 'IAM')).toBe(detailAt(lines[0]!, 'detail'));
  });

  it('leaves a table alone when it fits, or when no column may give way', () => {
    const rows = [
      ['a', 'b'],
      ['long enough', 'x'],
    ];
    expect(alignColumns(rows, { maxWidth: 80, flexible: [0] })).toEqual(alignColumns(rows));
    expect(alignColumns(rows, { maxWidth: 5 })).toEqual(['a            b', 'long enough  x']);
  });

  it('styles a cell without counting its escape codes as width', () => {
    const bold = (text: string) => `\u001b[1m${text}\u001b[22m`;
    const lines = alignColumns(
      [
        ['user', 'kind'],
        ['alice', 'no-mfa'],
      ],
      { style: (text, row) => (row === 0 ? bold(text) : text) },
    );
    expect(lines[0]).toBe(`${bold('user')}   ${bold('kind')}`);
    expect(lines[1]).toBe('alice  no-mfa');
  });
});

describe('truncate', () => {
  it('keeps what fits, marks the cut with …, and counts a wide character as two', () => {
    expect(truncate('keywarden', 20)).toBe('keywarden');
    expect(truncate('keywarden', 5)).toBe('keyw…');
    expect(truncate('佐藤花子です', 5)).toBe('佐藤…');
    expect(truncate('佐藤花子です', 6)).toBe('佐藤…');
  });
});

describe('terminal colour and width', () => {
  const tty = { isTTY: true, columns: 100, hasColors: (): boolean => true };
  const pipe = { isTTY: false };

  it.each([
    ['a colour terminal', true, tty, {}],
    ['a pipe', false, pipe, {}],
    ['NO_COLOR on a terminal', false, tty, { NO_COLOR: '1' }],
    ['an empty NO_COLOR (no-color.org: ignored)', true, tty, { NO_COLOR: '' }],
    ['FORCE_COLOR into a pipe', true, pipe, { FORCE_COLOR: '1' }],
    ['FORCE_COLOR=0 on a terminal', false, tty, { FORCE_COLOR: '0' }],
    ['NO_COLOR over FORCE_COLOR', false, pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }],
    ['a terminal without colours', false, { isTTY: true, hasColors: (): boolean => false }, {}],
  ])('%s: colour %s', (_name, expected, stream, env) => {
    expect(wantsColour(stream, env)).toBe(expected);
  });

  it('paints only when colour is wanted', () => {
    expect(layoutOf(tty, {}).paint('bad', 'FAILED')).not.toBe('FAILED');
    expect(layoutOf(tty, {}).paint('bad', 'FAILED')).toContain('FAILED');
    expect(layoutOf(tty, { NO_COLOR: '1' }).paint('bad', 'FAILED')).toBe('FAILED');
  });

  it("fits the terminal's width, or COLUMNS, and a pipe without COLUMNS gets every character", () => {
    expect(columnsOf(tty, {})).toBe(100);
    expect(columnsOf(tty, { COLUMNS: '72' })).toBe(72);
    expect(columnsOf(pipe, { COLUMNS: '72' })).toBe(72);
    expect(columnsOf(pipe, {})).toBeUndefined();
    expect(columnsOf(pipe, { COLUMNS: 'wide' })).toBeUndefined();
  });
});

describe('log output', () => {
  it('is JSON off a terminal, text at warn and above on one, and what LOG_FORMAT says when set', () => {
    expect(logOutput('info', undefined, false)).toEqual({ format: 'json', level: 'info' });
    expect(logOutput('info', undefined, true)).toEqual({ format: 'text', level: 'warn' });
    expect(logOutput('error', undefined, true)).toEqual({ format: 'text', level: 'error' });
    expect(logOutput('info', 'json', true)).toEqual({ format: 'json', level: 'info' });
    expect(logOutput('debug', 'text', false)).toEqual({ format: 'text', level: 'debug' });
  });

  it('writes a text line a person reads, still redacted', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { command: 'sweep' }, 'text');
    logger.clear();
    logger.add(
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk, _encoding, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      }),
    );
    logger.info('sweep finished', { actions: { 'notify-final:planned': 3 }, token: 'xoxb-1-2' });
    expect(lines).toEqual([
      'info: sweep finished command=sweep actions={"notify-final:planned":3} token=[REDACTED]\n',
    ]);
  });
});

describe('the progress line', () => {
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, stream: { isTTY, write: (text: string) => writes.push(text) > 0 } };
  }

  it('on a terminal: drawn at once, moved out of the way of other output, cleared at the end', () => {
    const { writes, stream } = fakeStream(true);
    const progress = startProgress(stream, 'sweep', 'en');
    expect(writes).toEqual(['\r\u001b[2Kreading the ledger and IAM, planning and acting… 0 s']);
    const printed: string[] = [];
    progress.above(() => printed.push('[admins] notice'));
    expect(printed).toEqual(['[admins] notice']);
    expect(writes.slice(1)).toEqual(['\r\u001b[2K', writes[0]]);
    progress.stop();
    progress.stop();
    expect(writes.at(-1)).toBe('\r\u001b[2K');
    expect(writes).toHaveLength(4);
  });

  it('shows what the work is at, e.g. which of several accounts', () => {
    const { writes, stream } = fakeStream(true);
    const progress = startProgress(stream, 'sweep', 'ja');
    progress.step(accountStep('111122223333', 2, 3, 'ja'));
    expect(writes.at(-1)).toBe(
      '\r\u001b[2K台帳と IAM を読み、計画・実行しています (アカウント 2/3: 111122223333)… 0 s',
    );
    progress.stop();
    progress.step('late');
    expect(writes.at(-1)).toBe('\r\u001b[2K');
  });

  it('into a pipe: nothing at all, and other output passes straight through', () => {
    const { writes, stream } = fakeStream(false);
    const progress = startProgress(stream, 'digest', 'ja');
    const printed: string[] = [];
    progress.above(() => printed.push('line'));
    progress.stop();
    expect(printed).toEqual(['line']);
    expect(writes).toEqual([]);
  });
});

describe('demo-reset', () => {
  function homeWithDemo(): string {
    const home = mkdtempSync(join(tmpdir(), 'keywarden-reset-'));
    mkdirSync(join(home, 'demo'));
    writeFileSync(join(home, 'demo', 'ledger.csv'), 'the old ledger');
    mkdirSync(join(home, 'dynamodb'));
    return home;
  }

  it('replaces the demo with a fresh seed and drops its state', async () => {
    const home = homeWithDemo();
    const demo = await resetDemo(home, TODAY);
    expect(demo).toBe(join(home, 'demo'));
    expect(readFileSync(join(demo, 'ledger.csv'), 'utf8')).not.toBe('the old ledger');
    expect(existsSync(join(demo, 'iam-account.json'))).toBe(true);
    expect(existsSync(join(home, 'dynamodb'))).toBe(false);
    expect(readdirSync(home).sort()).toEqual(['demo']);
  });

  it('leaves the old demo and its state as they were when seeding fails', async () => {
    const home = homeWithDemo();
    await expect(
      resetDemo(home, TODAY, async (staging) => {
        mkdirSync(join(staging, 'demo'));
        writeFileSync(join(staging, 'demo', 'ledger.csv'), 'half a ledger');
        throw new Error('ENOSPC: no space left on device');
      }),
    ).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(join(home, 'demo', 'ledger.csv'), 'utf8')).toBe('the old ledger');
    expect(existsSync(join(home, 'dynamodb'))).toBe(true);
    expect(readdirSync(home).sort()).toEqual(['demo', 'dynamodb']);
  });
});
