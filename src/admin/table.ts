import { terminalSafe } from './terminal-text';

/**
 * Rows as aligned columns under a header printed as given, for people; `--json` is for scripts.
 * Cells hold stored data, so each is made terminal-safe (a line break in a name cannot forge a row).
 */
export function formatTable(
  columns: readonly string[],
  stored: readonly (readonly string[])[],
): string {
  const rows = stored.map((row) => row.map(terminalSafe));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map(line)].join('\n') + '\n';
}

/** Epoch milliseconds as an ISO date and time to the minute, in UTC; '-' for never. */
export function formatTime(epochMs: number | undefined): string {
  if (epochMs === undefined) return '-';
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
