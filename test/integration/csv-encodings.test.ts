import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { CsvWorkbook } from '../../src/adapters/ledger/csv-workbook';
import { LedgerFormatError, malformedRows, parseLedger } from '../../src/domain/ledger';
import { csvGrid, EXAMPLES, World } from '../support/world';

/** The example ledger and people table as lines, the way Excel shows them. */
const LEDGER = readFileSync(join(EXAMPLES, 'ledger.csv'), 'utf8').trimEnd().split('\n');
const PEOPLE = readFileSync(join(EXAMPLES, 'people.csv'), 'utf8').trimEnd().split('\n');
/** Rows the example sweep tears down (ci-deploy, sandbox-suzuki), whose status becomes 削除済み. */
const TORN_DOWN = ['ci-deploy', 'sandbox-suzuki'];

interface Saved {
  readonly name: string;
  readonly encoding: 'cp932' | 'utf-16le' | 'utf-8';
  readonly bom: Buffer;
  readonly delimiter: ',' | '\t';
}

/** What Excel writes for "CSV" on Japanese Windows, "Unicode text" and "CSV UTF-8": CRLF in all three. */
const EXCEL: readonly Saved[] = [
  { name: 'CSV (CP932, no BOM)', encoding: 'cp932', bom: Buffer.alloc(0), delimiter: ',' },
  {
    name: 'Unicode text (UTF-16LE with BOM, tabs)',
    encoding: 'utf-16le',
    bom: Buffer.from([0xff, 0xfe]),
    delimiter: '\t',
  },
  { name: 'CSV UTF-8 (with BOM)', encoding: 'utf-8', bom: Buffer.from([0xef, 0xbb, 0xbf]), delimiter: ',' },
];

function excelBytes(saved: Saved, lines: readonly string[]): Buffer {
  const text = lines
    .map((line) => (saved.delimiter === '\t' ? line.replaceAll(',', '\t') : line))
    .join('\r\n');
  return Buffer.concat([saved.bom, iconv.encode(`${text}\r\n`, saved.encoding)]);
}

/** The ledger's lines with each torn-down row's status cell (the last) written as 削除済み. */
function afterSweep(lines: readonly string[]): string[] {
  return lines.map((line) =>
    TORN_DOWN.some((user) => line.includes(`,${user},`)) ? line.replace(/,利用中$/, ',削除済み') : line,
  );
}

async function excelFiles(saved: Saved, ledger: readonly string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'keywarden-excel-'));
  const ledgerPath = join(dir, 'ledger.csv');
  await writeFile(ledgerPath, excelBytes(saved, ledger));
  await writeFile(join(dir, 'people.csv'), excelBytes(saved, PEOPLE));
  return { dir, ledgerPath, workbook: new CsvWorkbook(ledgerPath, join(dir, 'people.csv')) };
}

describe('a ledger saved by Excel, swept and written back', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it.each(EXCEL)('$name: read, swept, and written back changing only the written cells', async (saved) => {
    world = await World.start();
    const { dir, ledgerPath, workbook } = await excelFiles(saved, LEDGER);

    const ledger = parseLedger((await workbook.read()).ledger);
    expect(ledger.rows.find((row) => row.iamUser === 'etl-batch')).toMatchObject({
      name: '山田 太郎',
      purpose: 'ETLバッチ',
      endDate: '2026-11-28',
    });

    const report = await world.sweep('apply', { workbook });
    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'done'],
      ['notify-owner-unknown', 'done'],
      ['teardown-user', 'done'],
      ['delete-key', 'done'],
    ]);
    // The owner was found through the people table, read in the same encoding.
    expect(world.notifier.weekAheadNotices.map((n) => n.slackId)).toEqual(['U01YAMADA']);
    expect(report.ledgerCellsWritten).toBe(2);

    const written = await readFile(ledgerPath);
    expect(written.subarray(0, saved.bom.length)).toEqual(saved.bom);
    expect(written).toEqual(excelBytes(saved, afterSweep(LEDGER)));
    const text = iconv.decode(written.subarray(saved.bom.length), saved.encoding);
    expect(text.match(/\r\n/g)).toHaveLength(LEDGER.length);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect((await readdir(dir)).sort()).toEqual(['ledger.csv', 'people.csv']);
  });

  it('an invalid line in the middle is one malformed row; the others are acted on and it is kept byte for byte', async () => {
    world = await World.start();
    const [cp932] = EXCEL;
    if (!cp932) throw new Error('no CP932 case');
    const bad = '=HYPERLINK("https://wiki.example/申請/42","申請書"),リンク,,,,,2026/12/31,';
    const lines = [...LEDGER.slice(0, 2), bad, ...LEDGER.slice(2)];
    const { ledgerPath, workbook } = await excelFiles(cp932, lines);

    const report = await world.sweep('apply', { workbook });
    expect(malformedRows(report.problems)).toContainEqual({
      rowNumber: 3,
      problems: [{ kind: 'unreadable-line', line: 3, fault: 'quote-inside-cell' }],
      cells: [bad],
    });
    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'done'],
      ['notify-owner-unknown', 'done'],
      ['teardown-user', 'done'],
      ['delete-key', 'done'],
    ]);
    expect(world.userNames()).not.toContain('ci-deploy');

    const written = await readFile(ledgerPath);
    expect(written).toEqual(excelBytes(cp932, afterSweep(lines)));
    expect(written.includes(iconv.encode(`\r\n${bad}\r\n`, 'cp932'))).toBe(true);
  });
});

describe('CsvWorkbook write-back guards', () => {
  it.each(EXCEL)(
    '$name: a value that would start a formula is refused, and the file is left as it was',
    async (saved) => {
      const { ledgerPath, workbook } = await excelFiles(saved, LEDGER);
      const before = await readFile(ledgerPath);
      for (const value of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '＝1+1'])
        await expect(workbook.write([{ rowNumber: 2, column: 7, value }])).rejects.toThrow(
          /would start a formula/,
        );
      expect(await readFile(ledgerPath)).toEqual(before);
    },
  );

  it('a character CP932 cannot hold is an error before anything is written, not a question mark', async () => {
    const [cp932] = EXCEL;
    if (!cp932) throw new Error('no CP932 case');
    const { ledgerPath, workbook } = await excelFiles(cp932, LEDGER);
    const before = await readFile(ledgerPath);
    await expect(
      workbook.write([
        { rowNumber: 2, column: 7, value: '削除済み' },
        { rowNumber: 3, column: 1, value: '𠮷野家の集計' },
      ]),
    ).rejects.toThrow(
      'row 3 cannot be saved in cp932: it has no code for "𠮷" (U+20BB7); nothing was written',
    );
    expect(await readFile(ledgerPath)).toEqual(before);
  });

  it('two writers at once both land: the lock keeps one from overwriting the other', async () => {
    const [cp932] = EXCEL;
    if (!cp932) throw new Error('no CP932 case');
    const { dir, ledgerPath } = await excelFiles(cp932, LEDGER);
    const one = new CsvWorkbook(ledgerPath, join(dir, 'people.csv'));
    const other = new CsvWorkbook(ledgerPath, join(dir, 'people.csv'));
    await Promise.all([
      one.write([{ rowNumber: 3, column: 7, value: '削除済み' }]),
      other.write([{ rowNumber: 4, column: 7, value: '削除済み' }]),
    ]);
    expect(await readFile(ledgerPath)).toEqual(excelBytes(cp932, afterSweep(LEDGER)));
  });
});

describe('reading a CSV ledger in an encoding it is not', () => {
  it('says which encoding it read when the header is not found, and names the setting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keywarden-excel-'));
    await writeFile(join(dir, 'people.csv'), PEOPLE.join('\n'));
    // UTF-16 without its BOM is not UTF-8, so it is taken for CP932.
    await writeFile(join(dir, 'utf16.csv'), iconv.encode(LEDGER.join('\r\n'), 'utf-16le'));
    const auto = await new CsvWorkbook(join(dir, 'utf16.csv'), join(dir, 'people.csv')).read();
    expect(() => parseLedger(auto.ledger)).toThrow(LedgerFormatError);
    expect(() => parseLedger(auto.ledger)).toThrow(
      /the file was read as cp932; if it is in another encoding, set LEDGER_CSV_ENCODING to utf-8, cp932 or utf-16le/,
    );

    await writeFile(join(dir, 'sjis.csv'), iconv.encode(LEDGER.join('\r\n'), 'cp932'));
    const forced = await new CsvWorkbook(join(dir, 'sjis.csv'), join(dir, 'people.csv'), {
      encoding: 'utf-8',
    }).read();
    expect(() => parseLedger(forced.ledger)).toThrow(
      /the file was read as utf-8, as LEDGER_CSV_ENCODING says; check that this is its encoding/,
    );
    const right = await new CsvWorkbook(join(dir, 'utf16.csv'), join(dir, 'people.csv'), {
      encoding: 'utf-16le',
    }).read();
    expect(parseLedger(right.ledger).rows).toEqual(parseLedger(csvGrid('ledger.csv')).rows);
  });
});
