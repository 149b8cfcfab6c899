// Turns raw results into the table (markdown, so BENCHMARKS.md can take it verbatim) and the budget verdicts.

/** One line of the table: our figure, the ceiling's, and the budget it answers to, if any. */
export interface Row {
  figure: string;
  unit: string;
  ours: number;
  ceiling: number;
  /** Throughput rows: a ratio below 1 is worse. */
  higherIsBetter?: boolean;
  /** Extra text after our value, e.g. a min–max range. */
  oursNote?: string;
  ceilingNote?: string;
  target?: string;
  pass?: boolean;
}

/** Formats a value with a precision that suits its size. */
export function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const text = abs >= 1000 ? Math.round(value).toLocaleString("en-US") : value.toFixed(digits);
  return unit ? `${text} ${unit}` : text;
}

/** ours ÷ ceiling, as the issue asks for every figure. */
export function ratio(row: Pick<Row, "ours" | "ceiling">): number {
  return row.ceiling === 0 ? Number.NaN : row.ours / row.ceiling;
}

/** The markdown table printed at the end of a run. */
export function table(rows: readonly Row[]): string {
  const head = ["figure", "ours", "ceiling", "ours/ceiling", "target", "status"];
  const lines = rows.map((r) => {
    const x = ratio(r);
    return [
      r.figure,
      fmt(r.ours, r.unit) + (r.oursNote ? ` ${r.oursNote}` : ""),
      fmt(r.ceiling, r.unit) + (r.ceilingNote ? ` ${r.ceilingNote}` : ""),
      Number.isFinite(x) ? `${x.toFixed(2)}×` : "n/a",
      r.target ?? "",
      r.pass === undefined ? "" : r.pass ? "✅ met" : "❌ missed",
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [render(head), render(widths.map((w) => "-".repeat(w))), ...lines.map(render)].join("\n");
}

/** KiB (from /proc) → decimal MB / KB, the units of the budget. */
export const kibToMB = (kib: number) => (kib * 1024) / 1e6;
export const kibToKB = (kib: number) => (kib * 1024) / 1e3;
