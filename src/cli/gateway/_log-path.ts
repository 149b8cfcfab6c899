// Where the gateway writes its file log, computed the way the logger does (src/logging): `logging.file`
// when set, else the daily `/tmp/openclaw/openclaw-YYYY-MM-DD.log` (reference-docs/logging.md).
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigSnapshot } from "../../config/load.ts";

const DEFAULT_LOG_DIR = "/tmp/openclaw";
const DEFAULT_PREFIX = "openclaw";

/** The active log file for a config (or for no config: the default daily file). */
export function resolveLogFile(config: ConfigSnapshot | null, now = new Date()): string {
  const file = config?.config.logging?.file;
  if (typeof file === "string" && file.trim() !== "") return file;
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
  return join(DEFAULT_LOG_DIR, `${DEFAULT_PREFIX}-${day}.log`);
}

/** The newest error or fatal record in the last 64 KiB of the log, as `<time> <message>`; null if none. */
export async function lastErrorLine(file: string): Promise<string | null> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return null;
  }
  const length = Math.min(size, 65_536);
  const handle = await open(file, "r");
  let text: string;
  try {
    const buffer = new Uint8Array(length);
    await handle.read(buffer, 0, length, size - length);
    text = new TextDecoder().decode(buffer);
  } finally {
    await handle.close();
  }
  const lines = text.split("\n").reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      const record = JSON.parse(trimmed) as { level?: unknown; message?: unknown; time?: unknown; _meta?: { logLevelName?: unknown } };
      const level = String(record.level ?? record._meta?.logLevelName ?? "").toLowerCase();
      if (level === "error" || level === "fatal") return `${record.time ? `${record.time} ` : ""}${String(record.message ?? "")}`.trim();
    } catch {
      if (/\b(ERROR|FATAL)\b/.test(trimmed)) return trimmed;
    }
  }
  return null;
}
