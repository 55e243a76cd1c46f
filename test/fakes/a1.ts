/**
 * A1 notation as the Sheets v4 values API accepts it, for the fake server.
 *
 * Spans are zero-based and half-open; a `null` end means "to the edge of the grid", which is
 * how Google reads `A:H` (all rows) or `A2:H` (row 2 down) or a bare sheet name.
 */

export interface CellSpan {
  readonly startRow: number;
  readonly startCol: number;
  /** Exclusive; `null` runs to the last row of the grid. */
  readonly endRow: number | null;
  /** Exclusive; `null` runs to the last column of the grid. */
  readonly endCol: number | null;
}

export interface BoundedSpan extends CellSpan {
  readonly endRow: number;
  readonly endCol: number;
}

export interface ParsedA1 {
  /** `null` when the text names no sheet (`A1:B2`): Google then uses the first sheet. */
  readonly sheetName: string | null;
  readonly span: CellSpan;
}

export const WHOLE_SHEET: CellSpan = { startRow: 0, startCol: 0, endRow: null, endCol: null };

/** ZZZ: the widest sheet Google allows. */
const MAX_COLUMNS = 18278;

export function columnIndex(letters: string): number {
  let index = 0;
  for (const ch of letters.toUpperCase()) index = index * 26 + (ch.charCodeAt(0) - 64);
  return index - 1;
}

export function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

interface Endpoint {
  readonly col: number | null;
  readonly row: number | null;
}

const ENDPOINT = /^\$?([A-Za-z]{1,3})?\$?([1-9]\d*)?$/;

function parseEndpoint(text: string): Endpoint | null {
  const m = ENDPOINT.exec(text);
  if (m === null) return null;
  const col = m[1] === undefined ? null : columnIndex(m[1]);
  const row = m[2] === undefined ? null : Number(m[2]) - 1;
  if (col === null && row === null) return null;
  if (col !== null && col >= MAX_COLUMNS) return null;
  return { col, row };
}

/** The part after `!`: `A1`, `A1:H`, `A:H`, `2:5`, `B2:D9` (either order). */
export function parseCells(text: string): CellSpan | null {
  const parts = text.split(':');
  if (parts.length > 2) return null;
  const a = parseEndpoint(parts[0] ?? '');
  if (a === null) return null;
  if (parts.length === 1) {
    if (a.col === null || a.row === null) return null;
    return { startRow: a.row, startCol: a.col, endRow: a.row + 1, endCol: a.col + 1 };
  }
  const b = parseEndpoint(parts[1] ?? '');
  if (b === null) return null;
  if (a.col !== null && a.row !== null) {
    const [startCol, endCol] = b.col === null ? [a.col, null] : order(a.col, b.col);
    const [startRow, endRow] = b.row === null ? [a.row, null] : order(a.row, b.row);
    return { startRow, startCol, endRow, endCol };
  }
  if (a.row === null && b.row === null && a.col !== null && b.col !== null) {
    const [startCol, endCol] = order(a.col, b.col);
    return { startRow: 0, startCol, endRow: null, endCol };
  }
  if (a.col === null && b.col === null && a.row !== null && b.row !== null) {
    const [startRow, endRow] = order(a.row, b.row);
    return { startRow, startCol: 0, endRow, endCol: null };
  }
  // `A:B5` and `1:C5` mix a whole-column or whole-row start with a cell end; Google's
  // parser rejects them too, and accepting them would hide a malformed range in real code.
  return null;
}

/** Google normalises reversed corners (`D9:B2`) instead of rejecting them. */
function order(x: number, y: number): [number, number] {
  return x <= y ? [x, y + 1] : [y, x + 1];
}

/**
 * Full A1 text: `Sheet1!A1:H`, `'シート 1'!B2`, `'It''s'`, `Sheet1`, `A1:B2`.
 * A bare word that is not a cell reference is a sheet name; the caller should also try the
 * whole text as a sheet name first, because Google prefers a sheet literally named `A1`.
 */
export function parseA1(text: string): ParsedA1 | null {
  if (text === '') return null;
  if (text.startsWith("'")) {
    let name = '';
    let i = 1;
    for (;;) {
      const ch = text[i];
      if (ch === undefined) return null;
      if (ch === "'") {
        if (text[i + 1] === "'") {
          name += "'";
          i += 2;
          continue;
        }
        break;
      }
      name += ch;
      i += 1;
    }
    if (name === '') return null;
    const rest = text.slice(i + 1);
    if (rest === '') return { sheetName: name, span: WHOLE_SHEET };
    if (!rest.startsWith('!')) return null;
    const span = parseCells(rest.slice(1));
    return span === null ? null : { sheetName: name, span };
  }
  const bang = text.lastIndexOf('!');
  if (bang === -1) {
    const span = parseCells(text);
    return span === null ? { sheetName: text, span: WHOLE_SHEET } : { sheetName: null, span };
  }
  const name = text.slice(0, bang);
  if (name === '') return null;
  const span = parseCells(text.slice(bang + 1));
  return span === null ? null : { sheetName: name, span };
}

/** Google leaves plain identifiers bare and quotes the rest (spaces, non-ASCII, `A1`-lookalikes). */
export function quoteSheetName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !/^[A-Za-z]{1,3}\d+$/.test(name)) return name;
  return `'${name.replaceAll("'", "''")}'`;
}

export function formatA1(sheetName: string, span: BoundedSpan): string {
  const start = `${columnLetters(span.startCol)}${span.startRow + 1}`;
  const single = span.endRow - span.startRow === 1 && span.endCol - span.startCol === 1;
  const cells = single ? start : `${start}:${columnLetters(span.endCol - 1)}${span.endRow}`;
  return `${quoteSheetName(sheetName)}!${cells}`;
}
