// Plain text columns for list commands (no colour, no box drawing), so every list reads and pipes the same way.

/** Rows padded to their column's widest cell, two spaces apart, no trailing blanks. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows].map((row) => row.map((cell, i) => (cell ?? "").padEnd(widths[i]!)).join("  ").trimEnd());
}
