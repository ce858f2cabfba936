/** Rows as the demo prints them: columns padded to their widths, two spaces apart, no trailing space. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd((widths[i] ?? 0) + 1))
        .join(' ')
        .trimEnd(),
    )
    .join('\n');
}
