import type { LocalDate } from '../../src/domain/dates';
import type { CellWrite } from '../../src/domain/ledger';
import { writeBack } from '../../src/domain/write-back';

const KEY_A = 'AKIAAAAAAAAAAAAAAAAA';
const KEY_B = 'AKIABBBBBBBBBBBBBBBB';
const status = (rowNumber: number): CellWrite => ({ rowNumber, column: 7, value: '削除済み' });
const endDate = (rowNumber: number): CellWrite => ({ rowNumber, column: 6, date: '2026-12-01' as LocalDate });

describe('writing back only where the row still holds its key', () => {
  const keyOf = new Map([
    [2, { accessKeyId: KEY_A }],
    [3, { accessKeyId: KEY_A }], // a copy of row 2: its own row number, the same key
    [5, { accessKeyId: KEY_B }],
  ]);

  it('writes every cell when no row moved, whatever spaces the cells have', () => {
    const writes = [status(2), status(3), endDate(5), status(5)];
    const column = ['アクセスキーID', KEY_A, ` ${KEY_A} `, 'AKIAOTHER', KEY_B];
    expect(writeBack(writes, keyOf, column)).toEqual({ writes, moved: [] });
  });

  it('withholds every cell of a row that now holds another key, and of a row now past the end', () => {
    // A row inserted above row 3 while the sweep ran: 3 and 5 moved down, 2 stayed.
    const column = ['アクセスキーID', KEY_A, 'AKIANEWROWNEWROWNEWR', KEY_A, 'AKIAOTHER'];
    const checked = writeBack([status(2), status(3), endDate(5), status(5)], keyOf, column);
    expect(checked).toEqual({ writes: [status(2)], moved: [3, 5] });
    // Rows deleted at the bottom: row 5 is no longer there at all.
    expect(writeBack([status(5)], keyOf, [KEY_A])).toEqual({ writes: [], moved: [5] });
  });

  it('withholds a row it was never told the key of', () => {
    expect(writeBack([status(9)], keyOf, Array(10).fill(KEY_A))).toEqual({ writes: [], moved: [9] });
  });
});
