/**
 * Rows of cells as lines with aligned columns (two spaces apart, no trailing blanks). Widths
 * count code points, so Japanese names do not throw a column off by their UTF-16 length.
 */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const width = (cell: string) => [...cell].length;
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, width(cell));
  return rows.map((row) =>
    row
      .map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - width(cell)))
      .join('  ')
      .trimEnd(),
  );
}
