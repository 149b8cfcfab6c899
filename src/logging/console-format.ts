// Console renderings of a record. The file always has the full record; the console is for people and
// for plain-text sinks such as journald, so warn and above keep their structured fields as a short
// `key=value` tail (reference-docs/logging.md, "Console output") and lower levels stay message-only.
import { passes } from "./levels.ts";
import type { LogEvent } from "./record.ts";
import { localClock } from "./time-format.ts";
import type { ConsoleStyle, LogLevel } from "./types.ts";

const META_TAIL_MAX_CHARS = 2048;

const ANSI = { reset: "\x1b[0m", dim: "\x1b[2m", red: "\x1b[31m", green: "\x1b[32m", yellow: "\x1b[33m", blue: "\x1b[34m", magenta: "\x1b[35m", cyan: "\x1b[36m", gray: "\x1b[90m" };

const LEVEL_COLOR: Record<LogLevel, string> = {
  trace: ANSI.gray,
  debug: ANSI.blue,
  info: ANSI.green,
  warn: ANSI.yellow,
  error: ANSI.red,
  fatal: ANSI.magenta,
};

/**
 * One console line for an event. `fileLine` is the already serialized file record, reused by the json
 * style so the console and the file agree byte for byte.
 */
export function formatConsoleLine(event: LogEvent, style: ConsoleStyle, color: boolean, fileLine: string): string {
  if (style === "json") return fileLine;
  const paint = (code: string, text: string) => (color ? `${code}${text}${ANSI.reset}` : text);
  const tail = passes(event.level, "warn") ? metaTail(event.meta) : "";
  const subsystem = paint(ANSI.cyan, `[${event.subsystem}]`);
  if (style === "compact") {
    const level = event.level === "info" ? "" : `${paint(LEVEL_COLOR[event.level], event.level)}: `;
    return `${subsystem} ${level}${event.message}${tail}`;
  }
  const time = paint(ANSI.dim, localClock(event.time));
  const level = paint(LEVEL_COLOR[event.level], event.level.padEnd(5));
  return `${time} ${level} ${subsystem} ${event.message}${tail}`;
}

/** ` key=value …` of the meta (strings bare when they need no quoting, the rest as JSON), capped. */
export function metaTail(meta: LogEvent["meta"]): string {
  if (!meta) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined) continue;
    parts.push(`${key}=${typeof value === "string" && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`);
  }
  if (parts.length === 0) return "";
  const tail = ` ${parts.join(" ")}`;
  return tail.length > META_TAIL_MAX_CHARS ? `${tail.slice(0, META_TAIL_MAX_CHARS - 1)}…` : tail;
}
