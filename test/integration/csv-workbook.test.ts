import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvWorkbook } from '../../src/adapters/ledger/csv-workbook';
import { WorkbookError } from '../../src/ports/workbook';

async function files(ledger: string, people = 'Slack ID,姓,名\nU01A,山田,太郎\n') {
  const dir = await mkdtemp(join(tmpdir(), 'keywarden-csv-'));
  await writeFile(join(dir, 'ledger.csv'), ledger);
  await writeFile(join(dir, 'people.csv'), people);
  return { dir, workbook: new CsvWorkbook(join(dir, 'ledger.csv'), join(dir, 'people.csv')) };
}

describe('CsvWorkbook', () => {
  it('reads both tables, with a BOM and quoted cells', async () => {
    const { workbook } = await files('\uFEFF氏名,状態\n"山田, 太郎",利用中\n');
    const tables = await workbook.read();
    expect([...tables.ledger]).toEqual([
      ['氏名', '状態'],
      ['山田, 太郎', '利用中'],
    ]);
    expect(tables.people[1]).toEqual(['U01A', '山田', '太郎']);
  });

  it('reads one column as the file is now, row 1 first, a short or unreadable line as empty', async () => {
    const { dir, workbook } = await files('a,b,c\n1,2,3\n');
    await workbook.read();
    await writeFile(join(dir, 'ledger.csv'), 'a,b,c\n0,inserted,0\n1,2,3\n4\n"broken,5,6\n');
    expect(await workbook.readColumn(1)).toEqual(['b', 'inserted', '2', '', '']);
  });

  it('writes only the given cells, keeps edits made since the read, and leaves no temp file', async () => {
    const { dir, workbook } = await files('a,b,c\n1,2,3\n4,5\n');
    await workbook.read();
    await writeFile(join(dir, 'ledger.csv'), 'a,b,c\n1,2,edited\n4,5\n7,8,9\n');
    await workbook.write([
      { rowNumber: 2, column: 0, value: 'x' },
      { rowNumber: 3, column: 2, value: '削除済み' },
    ]);
    expect(await readFile(join(dir, 'ledger.csv'), 'utf8')).toBe('a,b,c\nx,2,edited\n4,5,削除済み\n7,8,9\n');
    expect((await readdir(dir)).sort()).toEqual(['ledger.csv', 'people.csv']);
  });

  it('names the file when it is missing, and the line of a people table that is not CSV', async () => {
    const { dir } = await files('a\n');
    await expect(new CsvWorkbook(join(dir, 'nope.csv'), join(dir, 'people.csv')).read()).rejects.toThrow(
      /cannot read .*nope\.csv/,
    );
    // A person missing from the table could make a name two people share match the other one.
    await writeFile(join(dir, 'bad.csv'), 'Slack ID,姓,名\nU01A,"山田,太郎\nU02B,山田,花子\n');
    await expect(new CsvWorkbook(join(dir, 'ledger.csv'), join(dir, 'bad.csv')).read()).rejects.toThrow(
      new WorkbookError(`${join(dir, 'bad.csv')} is not valid CSV at line 2 (read as utf-8); fix that line`),
    );
  });

  it('refuses a write to a row the file no longer has, leaving the file as it was', async () => {
    const { dir, workbook } = await files('a\n1\n');
    await expect(workbook.write([{ rowNumber: 9, column: 0, value: 'x' }])).rejects.toThrow(
      /row 9 is outside/,
    );
    expect(await readFile(join(dir, 'ledger.csv'), 'utf8')).toBe('a\n1\n');
  });
});
