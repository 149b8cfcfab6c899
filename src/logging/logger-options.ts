// Defaults and hot-reload merging of the logger options, kept apart from the pipeline so the rules
// ("unset means default", "a reload key set to undefined means back to default") live in one place.
import type { LogFileSettings } from "./log-file-writer.ts";
import { processConsoleSink } from "./process-console.ts";
import { DEFAULT_RETENTION_DAYS } from "./retention.ts";
import { DEFAULT_MAX_FILE_BYTES } from "./size-rotation.ts";
import type { ConsoleSink, ConsoleStyle, GatewayLoggerOptions, SinkLevel } from "./types.ts";

/** The reference's default directory (reference-docs/logging.md, "Where logs live"). */
export const DEFAULT_LOG_DIR = "/tmp/openclaw";
export const DEFAULT_FILE_PREFIX = "openclaw";

export interface ResolvedLoggerOptions {
  fileSettings: LogFileSettings;
  level: SinkLevel;
  consoleLevel: SinkLevel;
  consoleStyle: ConsoleStyle;
  color: boolean;
  consoleSubsystemFilter?: string;
  console: ConsoleSink;
  now: () => Date;
}

const positive = (value: number | undefined, fallback: number) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;

/** Fills every unset option with its default; out-of-range numbers fall back to the default too. */
export function resolveLoggerOptions(options: GatewayLoggerOptions): ResolvedLoggerOptions {
  return {
    fileSettings: {
      file: options.file || undefined,
      dir: options.dir || DEFAULT_LOG_DIR,
      filePrefix: options.filePrefix || DEFAULT_FILE_PREFIX,
      maxFileBytes: positive(options.maxFileBytes, DEFAULT_MAX_FILE_BYTES),
      retentionDays: positive(options.retentionDays, DEFAULT_RETENTION_DAYS),
    },
    level: options.level ?? "info",
    consoleLevel: options.consoleLevel ?? "info",
    consoleStyle: options.consoleStyle ?? "pretty",
    color: options.color ?? false,
    consoleSubsystemFilter: options.consoleSubsystemFilter || undefined,
    console: options.console ?? processConsoleSink,
    now: options.now ?? (() => new Date()),
  };
}

/** Applies a reload patch: a key present with the value undefined is removed, i.e. back to its default. */
export function mergeLoggerOptions(
  current: GatewayLoggerOptions,
  patch: Partial<GatewayLoggerOptions>,
): GatewayLoggerOptions {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged as GatewayLoggerOptions;
}

/** True when two file settings would write to the same files the same way. */
export function sameFileSettings(a: LogFileSettings, b: LogFileSettings): boolean {
  return a.file === b.file && a.dir === b.dir && a.filePrefix === b.filePrefix &&
    a.maxFileBytes === b.maxFileBytes && a.retentionDays === b.retentionDays;
}
