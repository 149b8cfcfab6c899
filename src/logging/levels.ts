import type { LogLevel, SinkLevel } from "./types.ts";

const RANK: Record<SinkLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

// tslog's ids, because the reference CLI and Control UI read `_meta.logLevelId` from the same records.
const TSLOG_ID: Record<LogLevel, number> = { trace: 1, debug: 2, info: 3, warn: 4, error: 5, fatal: 6 };

/** True when a record of `level` passes a sink set to `threshold`. */
export function passes(level: LogLevel, threshold: SinkLevel): boolean {
  return RANK[level] >= RANK[threshold];
}

/** The lower of two sink levels: a record below it reaches no sink and can be dropped early. */
export function lowestLevel(a: SinkLevel, b: SinkLevel): SinkLevel {
  return RANK[a] <= RANK[b] ? a : b;
}

export function tslogLevelId(level: LogLevel): number {
  return TSLOG_ID[level];
}

/** warn and above go to stderr, as consola and the reference do. */
export function isErrorStream(level: LogLevel): boolean {
  return RANK[level] >= RANK.warn;
}
