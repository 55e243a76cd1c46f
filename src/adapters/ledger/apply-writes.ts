import { toLedgerText } from '../../domain/dates';
import type { CellWrite } from '../../domain/ledger';

/**
 * What a spreadsheet app opening the file would run as a formula (full-width signs too: Excel
 * turns them into the ASCII ones); the sweep writes only statuses and dates, so one of these
 * means something upstream went wrong, and nothing is written. The full-width `＝＋－＠` are
 * written as escapes (U+FF1D, U+FF0B, U+FF0D, U+FF20), as every character past Latin-1 in code:
 * one anywhere in the Lambda bundle makes V8 hold its whole source as UTF-16.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * The rows `writes` change, by 0-based index, as their cells after the writes; rows grow where
 * a write lands past their end. `rows` holds null for a line that is not CSV: it is never written.
 */
export function applyWrites(
  rows: readonly (readonly string[] | null)[],
  writes: readonly CellWrite[],
): Map<number, string[]> {
  const changed = new Map<number, string[]>();
  for (const write of writes) {
    const { rowNumber, column } = write;
    const value = 'date' in write ? toLedgerText(write.date) : write.value;
    if (FORMULA_START.test(value))
      throw new RangeError(`row ${rowNumber}: "${value}" would start a formula; nothing was written`);
    const index = rowNumber - 1;
    const cells = rows[index];
    if (cells === undefined)
      throw new RangeError(`row ${rowNumber} is outside the ledger (${rows.length} rows)`);
    if (cells === null) throw new RangeError(`row ${rowNumber} is not valid CSV; it is left as it is`);
    const row = changed.get(index) ?? [...cells];
    while (row.length <= column) row.push('');
    row[column] = value;
    changed.set(index, row);
  }
  return changed;
}
