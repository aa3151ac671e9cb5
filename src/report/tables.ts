/** A table as rows of cells, first row the header. */
export type Cells = string[][];

/**
 * Renders a GitHub markdown table. Columns in `rightAligned` hold numbers;
 * pipes inside cells are escaped so they cannot split a column.
 */
export function markdownTable(cells: Cells, rightAligned: (column: number) => boolean): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const [header, ...rows] = cells;
  const rule = header.map((_, c) => (rightAligned(c) ? '---:' : '---'));
  return [header, rule, ...rows]
    .map((line, i) => `| ${(i === 1 ? line : line.map(escape)).join(' | ')} |`)
    .join('\n');
}

/** Renders a table as aligned plain text, for a terminal. */
export function textTable(cells: Cells, rightAligned: (column: number) => boolean): string {
  const widths = cells[0].map((_, c) => Math.max(...cells.map((line) => line[c].length)));
  return cells
    .map((line) =>
      line
        .map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
