import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { lock } from 'proper-lockfile';
import { type Cell, type CellWrite, decodedGrid, type Grid, unreadableRow } from '../../domain/ledger';
import { type Tables, type Workbook, WorkbookError } from '../../ports/workbook';
import type { CsvEncodingChoice } from './csv-encoding';
import { type CsvFile, readCsvFile, rewriteCsvFile } from './csv-file';

export interface CsvWorkbookOptions {
  /** Default `auto`: a BOM, else UTF-8 when the bytes are valid UTF-8, else CP932. */
  readonly encoding?: CsvEncodingChoice;
}

/** Another write holding the ledger for longer than this has died; its lock is taken over. */
const STALE_MS = 10_000;

/**
 * The embedded default: the ledger and the people table as two CSV files, in whichever
 * encoding Excel saved them.
 */
export class CsvWorkbook implements Workbook {
  readonly description: string;
  private readonly encoding: CsvEncodingChoice;

  constructor(
    private readonly ledgerPath: string,
    private readonly peoplePath: string,
    options: CsvWorkbookOptions = {},
  ) {
    this.description = `CSV ${ledgerPath}`;
    this.encoding = options.encoding ?? 'auto';
  }

  async read(): Promise<Tables> {
    const [ledger, people] = await Promise.all([this.load(this.ledgerPath), this.load(this.peoplePath)]);
    return { ledger: ledgerGrid(ledger), people: peopleGrid(this.peoplePath, people) };
  }

  async readColumn(column: number): Promise<readonly Cell[]> {
    const file = await this.load(this.ledgerPath);
    return file.records.map((record) => ('cells' in record ? (record.cells[column] ?? '') : ''));
  }

  /**
   * Re-reads the file and changes only the written cells, so edits made while the sweep ran
   * survive. The lock keeps two writers (a sweep, an approval in Slack) from each rewriting
   * the file they read and losing the other's change; the rename makes the replacement
   * atomic, so a crash never leaves half a file.
   */
  async write(cells: readonly CellWrite[]): Promise<void> {
    if (cells.length === 0) return;
    const path = this.ledgerPath;
    const lost: { error?: Error } = {};
    const unlock = await lock(path, {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: 40, factor: 1, minTimeout: 250, maxTimeout: 250 },
      // The default throws from a timer and kills the process; not replacing the file is enough.
      onCompromised: (error: Error) => {
        lost.error = error;
      },
    }).catch((error: unknown) => {
      throw new WorkbookError(`cannot update ${path}: ${(error as Error).message}`, { cause: error });
    });
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      const current = await this.load(path);
      let next: Buffer;
      try {
        next = rewriteCsvFile(current, cells);
      } catch (error) {
        throw new WorkbookError(`cannot update ${path}: ${(error as Error).message}`, { cause: error });
      }
      await writeFile(temp, next);
      if (lost.error)
        throw new WorkbookError(
          `not updating ${path}: this write lost its lock on it (${lost.error.message})`,
        );
      await rename(temp, path);
    } finally {
      await rm(temp, { force: true });
      await unlock().catch(() => undefined);
    }
  }

  private async load(path: string): Promise<CsvFile> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new WorkbookError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
    return readCsvFile(bytes, this.encoding);
  }
}

/** A line that is not CSV becomes a row the ledger reports as malformed; the rest is read. */
function ledgerGrid(file: CsvFile): Grid {
  const rows = file.records.map((record) =>
    'cells' in record
      ? record.cells
      : unreadableRow(record.raw.replace(/[\r\n]+$/, ''), record.line, record.fault),
  );
  return decodedGrid(rows, file.decoded.encoding, file.decoded.detected);
}

/**
 * A person on a line that is not CSV would be missing, and a name two people share would then
 * match the other one: the whole table is refused instead.
 */
function peopleGrid(path: string, file: CsvFile): Grid {
  return file.records.map((record) => {
    if ('fault' in record)
      throw new WorkbookError(
        `${path} is not valid CSV at line ${record.line} (read as ${file.decoded.encoding}); fix that line`,
      );
    return record.cells;
  });
}
