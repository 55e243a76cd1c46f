import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import {
  addDays,
  daysBetween,
  type LocalDate,
  parseIsoDate,
  parseLedgerDate,
  toLedgerText,
} from '../domain/dates';
import { parseLedger } from '../domain/ledger';

/** The shipped examples, next to `src/` and `dist/` alike. */
export const EXAMPLES_DIR = resolve(__dirname, '..', '..', 'examples');

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * The examples are written as of a reference date. Seeding moves every ledger date by the
 * days since then, so a fresh clone shows notices and teardowns whatever day it runs.
 */
export function shiftLedgerDates(csv: string, days: number): string {
  const grid: string[][] = parse(csv, { bom: true, relax_column_count: true });
  const { headerRowNumber, columns } = parseLedger(grid);
  const dateColumns = [columns.startDate, columns.endDate].filter((c): c is number => c !== undefined);
  const shifted = grid.map((row, index) =>
    index < headerRowNumber
      ? row
      : row.map((cell, column) => {
          const date = dateColumns.includes(column) ? parseLedgerDate(cell) : null;
          return date ? toLedgerText(addDays(date, days)) : cell;
        }),
  );
  return stringify(shifted);
}

/** Creates `<home>/demo` from the examples unless it exists; returns whether it seeded. */
export async function ensureDemo(home: string, today: LocalDate): Promise<boolean> {
  const dir = join(home, 'demo');
  if (await exists(join(dir, 'ledger.csv'))) return false;
  await mkdir(dir, { recursive: true });
  const meta = JSON.parse(await readFile(join(EXAMPLES_DIR, 'demo.json'), 'utf8')) as {
    referenceDate: string;
  };
  const reference = parseIsoDate(meta.referenceDate);
  if (!reference)
    throw new Error(`examples/demo.json: referenceDate ${meta.referenceDate} is not YYYY-MM-DD`);
  const ledger = await readFile(join(EXAMPLES_DIR, 'ledger.csv'), 'utf8');
  await writeFile(join(dir, 'ledger.csv'), shiftLedgerDates(ledger, daysBetween(reference, today)), 'utf8');
  await copyFile(join(EXAMPLES_DIR, 'people.csv'), join(dir, 'people.csv'));
  await copyFile(join(EXAMPLES_DIR, 'iam-account.json'), join(dir, 'iam-account.json'));
  return true;
}
