import stringWidth from 'string-width';

export interface TableOptions {
  /** The terminal's width: wider tables give way in their `flexible` columns. None: no limit. */
  readonly maxWidth?: number;
  /** Columns (by index) that may be cut short with `…` to fit, e.g. a long description. */
  readonly flexible?: readonly number[];
  /** Styles a cell (by row and column) after it has been cut and before it is padded. */
  readonly style?: (text: string, row: number, column: number) => string;
}

const GAP = '  ';
/** A flexible column keeps at least this many columns of text, however narrow the terminal. */
const MIN_FLEXIBLE = 12;
const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `text` in at most `width` terminal columns, ending in `…` when cut; a wide character is never split. */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return out + ELLIPSIS;
}

/** Shrinks the widest flexible column, one terminal column at a time, until the table fits. */
function fitted(widths: readonly number[], options: TableOptions): number[] {
  const out = [...widths];
  const flexible = options.flexible ?? [];
  if (options.maxWidth === undefined || flexible.length === 0) return out;
  const total = () => out.reduce((sum, w) => sum + w, 0) + GAP.length * (out.length - 1);
  while (total() > options.maxWidth) {
    const widest = flexible
      .filter((i) => (out[i] ?? 0) > MIN_FLEXIBLE)
      .reduce<number | null>(
        (best, i) => (best === null || (out[i] ?? 0) > (out[best] ?? 0) ? i : best),
        null,
      );
    if (widest === null) break;
    out[widest] = (out[widest] ?? 0) - 1;
  }
  return out;
}

/**
 * Rows of cells as lines with aligned columns (two spaces apart, no trailing blanks). Widths
 * are terminal columns (`string-width`): a Japanese name takes two per character, so the
 * columns after it stay in line.
 */
export function alignColumns(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const natural: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) natural[i] = Math.max(natural[i] ?? 0, stringWidth(cell));
  const widths = fitted(natural, options);
  const style = options.style ?? ((text: string) => text);
  return rows.map((row, r) =>
    row
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const text = truncate(cell, width);
        return style(text, r, i) + ' '.repeat(Math.max(0, width - stringWidth(text)));
      })
      .join(GAP)
      .trimEnd(),
  );
}
