import type { Cell, CellWrite, LedgerRow } from './ledger';

/** The cells a sweep writes back, less those of rows that moved since it read the ledger. */
export interface WriteBack {
  readonly writes: readonly CellWrite[];
  /** Rows, by the number they were read at, that no longer hold the key they were read with. */
  readonly moved: readonly number[];
}

/**
 * Keeps a write only where its row still holds the access key it was read with (`read`, the
 * rows as read, by row number; `keyColumn`, that column as it is now, row 1 first). People edit the sheet while
 * a sweep runs — on Step Functions up to an hour passes between the read and the write — and a
 * row inserted or a sort above would give another request "deleted". A withheld write is not
 * lost: the journal says the key is gone, so the next sweep, reading each row where it is
 * then, writes it (`record-deleted`).
 */
export function writeBack(
  writes: readonly CellWrite[],
  read: ReadonlyMap<number, Pick<LedgerRow, 'accessKeyId'>>,
  keyColumn: readonly Cell[],
): WriteBack {
  const inPlace = (rowNumber: number) =>
    read.get(rowNumber)?.accessKeyId === String(keyColumn[rowNumber - 1] ?? '').trim();
  const moved = [...new Set(writes.map((write) => write.rowNumber))].filter((n) => !inPlace(n));
  const withheld = new Set(moved);
  return { writes: writes.filter((write) => !withheld.has(write.rowNumber)), moved };
}
