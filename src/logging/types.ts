// Public shapes of the gateway logger. The server imports these through index.ts; the file logger,
// console formatting and tail reader each depend only on the slice they need.

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/** A sink level: any LogLevel, or "silent" (the config schema allows it) to turn that sink off. */
export type SinkLevel = LogLevel | "silent";

export type ConsoleStyle = "pretty" | "compact" | "json";

/** Where console lines go; warn/error/fatal use `err`, every other level `out`. */
export interface ConsoleSink {
  out(line: string): void;
  err(line: string): void;
}

export interface GatewayLoggerOptions {
  /** `logging.file`: a fixed path. Unset: a daily file `<dir>/<filePrefix>-YYYY-MM-DD.log` (local date). */
  file?: string;
  /** Directory of the daily files; default "/tmp/openclaw", as the reference gateway uses. */
  dir?: string;
  /** Name before the date in daily files; default "openclaw" (profiles pass e.g. "openclaw-dev"). */
  filePrefix?: string;
  /** File level; default "info". */
  level?: SinkLevel;
  /** Console level; default "info" (`--verbose` passes "debug"). */
  consoleLevel?: SinkLevel;
  /** Default "pretty". */
  consoleStyle?: ConsoleStyle;
  /** ANSI colours on the console only; default false. */
  color?: boolean;
  /** Daily files (and their archives) older than this many days are deleted; default 7. */
  retentionDays?: number;
  /** Size cap per file: past it the file becomes `<name>.1.log` and a fresh one starts; default 100 MB. */
  maxFileBytes?: number;
  /** Console shows only records whose subsystem starts with this; the file still gets everything. */
  consoleSubsystemFilter?: string;
  /** Default: stdout/stderr, touched only when the first console line is written. */
  console?: ConsoleSink;
  /** Clock, read once per record; tests cross midnight with it. */
  now?: () => Date;
}

export type LogMeta = Record<string, unknown>;

export interface GatewayLogger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
  /** Same sinks and settings; the records carry `<parent subsystem>/<subsystem>`. */
  child(subsystem: string): GatewayLogger;
  /** The file being written now (for `logs.tail`); follows the day roll. */
  file(): string;
  /** Hot reload of `logging.*`: a key present with the value undefined goes back to its default. */
  reconfigure(options: Partial<GatewayLoggerOptions>): void;
  /** Replaces `secret` by "***" in every later line, file and console, message and meta alike. */
  redact(secret: string): void;
  /** Writes any pending "(repeated N times)" record and stops the flush timer. */
  close(): void;
}

export interface LogTailRequest {
  file: string;
  /** Byte offset returned by the previous call; unset: start near the end of the file. */
  cursor?: number;
  limit: number;
  maxBytes: number;
  /** Keeps a line when true (the serving gateway's own records); others still move the cursor. */
  accept?: (line: string) => boolean;
}

export interface LogTailResult {
  file: string;
  /** Byte offset just after the last complete line consumed; pass it back to get only newer lines. */
  cursor: number;
  size: number;
  lines: string[];
  /** Lines were dropped (older than the window, beyond `limit`, or a line longer than `maxBytes`). */
  truncated: boolean;
  /** The cursor was past the end (file rotated or truncated), so reading restarted at 0. */
  reset: boolean;
  /** Bytes of over-long or partial lines skipped to keep the cursor moving. */
  skippedBytes?: number;
}
