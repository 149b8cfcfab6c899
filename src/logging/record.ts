// One log record, and its file form: a JSON line the reference CLI parser understands (spec §3.3:
// `time`, level from `_meta.logLevelName` or `level`, subsystem from top-level `subsystem` or
// `_meta.name`, text from `message`).
import { tslogLevelId } from "./levels.ts";
import type { RecordOrigin } from "./record-origin.ts";
import { localIsoWithOffset } from "./time-format.ts";
import type { LogLevel, LogMeta } from "./types.ts";

export interface LogEvent {
  time: Date;
  level: LogLevel;
  subsystem: string;
  message: string;
  /** Already redacted and JSON-safe (see SecretRedactor.value). */
  meta?: LogMeta;
}

// Meta keys that would overwrite a record field are kept under `meta_<key>` instead of being lost.
const RESERVED = new Set(["time", "level", "subsystem", "message", "hostname", "pid", "_meta"]);

/** The file record of an event: fixed fields first (`hostname` + `pid` name the writer), then meta, then tslog's `_meta`. */
export function fileRecord(event: LogEvent, origin: RecordOrigin): Record<string, unknown> {
  const { hostname, pid } = origin;
  const record: Record<string, unknown> = {
    time: localIsoWithOffset(event.time),
    level: event.level,
    subsystem: event.subsystem,
    message: event.message,
    hostname,
    pid,
  };
  for (const [key, value] of Object.entries(event.meta ?? {})) record[RESERVED.has(key) ? `meta_${key}` : key] = value;
  record._meta = {
    logLevelId: tslogLevelId(event.level),
    logLevelName: event.level.toUpperCase(),
    date: event.time.toISOString(),
    name: JSON.stringify({ subsystem: event.subsystem }),
    hostname,
  };
  return record;
}

/** The record as one line of JSON, without the newline. */
export function fileLine(event: LogEvent, origin: RecordOrigin): string {
  return JSON.stringify(fileRecord(event, origin));
}
