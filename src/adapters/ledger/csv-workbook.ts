import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CellWrite, Grid } from '../../domain/ledger';
import { type Tables, type Workbook, WorkbookError } from '../../ports/workbook';
import { applyWrites } from './apply-writes';

async function readCsv(path: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new WorkbookError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    // Spreadsheet apps save UTF-8 CSV with a BOM; ragged rows are normal in hand-edited files.
    return parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false });
  } catch (error) {
    throw new WorkbookError(`${path} is not valid CSV: ${(error as Error).message}`, { cause: error });
  }
}

/** The embedded default: the ledger and the people table as two UTF-8 CSV files. */
export class CsvWorkbook implements Workbook {
  readonly description: string;

  constructor(
    private readonly ledgerPath: string,
    private readonly peoplePath: string,
  ) {
    this.description = `CSV ${ledgerPath}`;
  }

  async read(): Promise<Tables> {
    const [ledger, people] = await Promise.all([readCsv(this.ledgerPath), readCsv(this.peoplePath)]);
    return { ledger, people };
  }

  /**
   * Re-reads the file and changes only the written cells, so edits made while the sweep ran
   * survive; the rename makes the replacement atomic, so a crash never leaves half a file.
   */
  async write(cells: readonly CellWrite[]): Promise<void> {
    if (cells.length === 0) return;
    const current: Grid = await readCsv(this.ledgerPath);
    let next: string[][];
    try {
      next = applyWrites(current, cells);
    } catch (error) {
      throw new WorkbookError(`cannot update ${this.ledgerPath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const temp = `${this.ledgerPath}.${randomUUID()}.tmp`;
    await writeFile(temp, stringify(next), 'utf8');
    await rename(temp, this.ledgerPath);
  }
}
