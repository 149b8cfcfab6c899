// Parsing and rendering of gateway log lines (spec §3.3): a line is one JSON record (tslog style);
// time from `time` or `_meta.date`, level from `_meta.logLevelName` or `level`, subsystem from a
// top-level `subsystem`, `_meta.name` or `"0"` JSON `{subsystem}`, text from `message`. Anything else is raw.

export interface ParsedLine {
  time: string | null;
  level: string | null;
  subsystem: string | null;
  message: string;
}

/** The parsed record, or null for a line that is not a JSON log record. */
export function parseLogLine(line: string): ParsedLine | null {
  let record: Record<string, unknown>;
  try {
    const value = JSON.parse(line);
    if (!value || typeof value !== "object" || Array.isArray(value)) return null;
    record = value as Record<string, unknown>;
  } catch {
    return null;
  }
  const meta = (record._meta && typeof record._meta === "object" ? record._meta : {}) as Record<string, unknown>;
  const time = str(record.time) ?? str(meta.date);
  const level = str(meta.logLevelName) ?? str(record.level);
  const subsystem = str(record.subsystem) ?? subsystemOf(meta.name) ?? subsystemOf(record["0"]);
  const message = str(record.message) ?? (typeof record["1"] === "string" ? record["1"] : JSON.stringify(record));
  return { time, level: level ? level.toLowerCase() : null, subsystem, message };
}

/** `18:35:59 INFO  [gateway] message`-style plain text; time in local time (default) or UTC. */
export function formatLogLine(parsed: ParsedLine, options: { utc: boolean; paint?: (tone: "error" | "warn" | "muted" | "info", text: string) => string }): string {
  const paint = options.paint ?? ((_tone, text) => text);
  const time = parsed.time ? renderTime(parsed.time, options.utc) : "";
  const level = (parsed.level ?? "").toUpperCase().padEnd(5);
  const tone = parsed.level === "error" || parsed.level === "fatal" ? "error" : parsed.level === "warn" ? "warn" : parsed.level === "debug" || parsed.level === "trace" ? "muted" : "info";
  const subsystem = parsed.subsystem ? `[${parsed.subsystem}] ` : "";
  return `${time ? `${paint("muted", time)} ` : ""}${paint(tone, level)} ${subsystem}${parsed.message}`;
}

function renderTime(value: string, utc: boolean): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  if (utc) return date.toISOString();
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function subsystemOf(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    const parsed = JSON.parse(value) as { subsystem?: unknown };
    return typeof parsed?.subsystem === "string" ? parsed.subsystem : null;
  } catch {
    return null;
  }
}

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
