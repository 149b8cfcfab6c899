// Daily files are pruned by the date in their name, not by mtime, so the rule is deterministic under an
// injected clock and unaffected by a copy or `touch`.
import { join } from "node:path";
import type { LogFileSystem } from "./log-fs.ts";
import { localDateKeyDaysBefore } from "./time-format.ts";

export const DEFAULT_RETENTION_DAYS = 7;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Matches `<prefix>-YYYY-MM-DD.log` and its size archives `<prefix>-YYYY-MM-DD.<n>.log`; group 1 is the date. */
export function dailyFilePattern(prefix: string): RegExp {
  return new RegExp(`^${escapeRegExp(prefix)}-(\\d{4}-\\d{2}-\\d{2})(?:\\.\\d+)?\\.log$`);
}

/** Deletes this prefix's daily files dated more than `retentionDays` days before `today`; returns them.
 * Throws the first failure after trying every file. */
export function pruneDailyFiles(
  fs: LogFileSystem,
  options: { dir: string; prefix: string; retentionDays: number; today: Date },
): string[] {
  const pattern = dailyFilePattern(options.prefix);
  const oldestKept = localDateKeyDaysBefore(options.today, options.retentionDays);
  const removed: string[] = [];
  let failure: unknown;
  for (const name of fs.list(options.dir)) {
    const date = pattern.exec(name)?.[1];
    // YYYY-MM-DD strings compare in date order.
    if (date === undefined || date >= oldestKept) continue;
    const path = join(options.dir, name);
    try {
      fs.remove(path);
      removed.push(path);
    } catch (error) {
      // Keep pruning the others; the caller reports the first failure.
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return removed;
}
