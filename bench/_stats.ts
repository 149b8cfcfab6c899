// Small numeric helpers shared by the harness and the load generator.

/** Nearest-rank percentile (p in 0–100) of samples; NaN when there are none, so a missing figure stays visible. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median, min and max: the summary the issue asks for on repeated process timings. */
export function summary(samples: readonly number[]): { median: number; min: number; max: number; n: number } {
  return { median: percentile(samples, 50), min: Math.min(...samples), max: Math.max(...samples), n: samples.length };
}

/** p50/p99/max of latency samples in ms. */
export function latency(samples: readonly number[]): { p50: number; p99: number; max: number; n: number } {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.length ? Math.max(...samples) : Number.NaN, n: samples.length };
}

/** Rounds for JSON output: 3 significant decimals are more than these machines can resolve. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
