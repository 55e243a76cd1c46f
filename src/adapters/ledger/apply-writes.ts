import { toLedgerText } from '../../domain/dates';
import type { CellWrite, Grid } from '../../domain/ledger';

/** A copy of `grid` with the writes applied, growing rows where a write lands past their end. */
export function applyWrites(grid: Grid, writes: readonly CellWrite[]): string[][] {
  const next = grid.map((row) => row.map(String));
  for (const write of writes) {
    const { rowNumber, column } = write;
    const value = 'date' in write ? toLedgerText(write.date) : write.value;
    const row = next[rowNumber - 1];
    if (!row) throw new RangeError(`row ${rowNumber} is outside the ledger (${next.length} rows)`);
    while (row.length <= column) row.push('');
    row[column] = value;
  }
  return next;
}
