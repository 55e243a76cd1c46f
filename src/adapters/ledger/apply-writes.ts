import type { CellWrite, Grid } from '../../domain/ledger';

/** A copy of `grid` with the writes applied, growing rows where a write lands past their end. */
export function applyWrites(grid: Grid, writes: readonly CellWrite[]): string[][] {
  const next = grid.map((row) => row.map(String));
  for (const { rowNumber, column, value } of writes) {
    const row = next[rowNumber - 1];
    if (!row) throw new RangeError(`row ${rowNumber} is outside the ledger (${next.length} rows)`);
    while (row.length <= column) row.push('');
    row[column] = value;
  }
  return next;
}
