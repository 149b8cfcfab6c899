// Which gateway wrote a record. Several gateways on one host may share one log file (the daily
// /tmp/openclaw file, or one `logging.file`), so every record names its process by `hostname` and `pid`
// and `logs.tail` keeps the serving gateway's own records only.
import { hostname } from "node:os";

/** The writer of a record: the host (distinct per container) and the process on it. */
export interface RecordOrigin {
  hostname: string;
  pid: number;
}

/** This process as a record origin. */
export function currentOrigin(): RecordOrigin {
  return { hostname: hostname(), pid: process.pid };
}

/**
 * A line filter keeping records written by `origin`. Every record this gateway writes names its pid, so a JSON
 * record without one is another writer's (the reference gateway shares the daily /tmp/openclaw file and writes
 * none); a line that is not a JSON record (a crash trace) is kept: nothing says another process wrote it.
 */
export function ownRecords(origin: RecordOrigin = currentOrigin()): (line: string) => boolean {
  return (line) => recordMatches(line, origin);
}

function recordMatches(line: string, origin: RecordOrigin): boolean {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return true;
  }
  if (record === null || typeof record !== "object" || Array.isArray(record)) return true;
  const { pid, hostname: host } = record as { pid?: unknown; hostname?: unknown };
  if (typeof pid !== "number") return false;
  return pid === origin.pid && (typeof host !== "string" || host === origin.hostname);
}
