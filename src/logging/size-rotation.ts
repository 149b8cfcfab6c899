// Size cap per file, as reference-docs/logging.md describes: when the next write would pass
// `maxFileBytes`, the active file becomes `<name>.1.log`, older archives shift up, the oldest beyond
// the kept count is deleted, and writing continues in a fresh file. Logging never stops at the cap.
import { extname } from "node:path";
import type { LogFileSystem } from "./log-fs.ts";

export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;
export const KEPT_ARCHIVES = 5;

/** `openclaw-2026-11-22.log` → `openclaw-2026-11-22.<n>.log`; a name without extension gets `.<n>`. */
export function archivePath(file: string, n: number): string {
  const ext = extname(file);
  return ext ? `${file.slice(0, -ext.length)}.${n}${ext}` : `${file}.${n}`;
}

/** True when appending `bytes` to a file of `size` would pass the cap (an empty file always takes the line). */
export function needsRotation(size: number, bytes: number, maxFileBytes: number): boolean {
  return size > 0 && size + bytes > maxFileBytes;
}

/** Shifts the archives up by one and moves the active file to `.1`; throws on an fs failure. */
export function rotateBySize(fs: LogFileSystem, file: string, kept = KEPT_ARCHIVES): void {
  fs.remove(archivePath(file, kept));
  for (let n = kept - 1; n >= 1; n--) fs.rename(archivePath(file, n), archivePath(file, n + 1));
  fs.rename(file, archivePath(file, 1));
}
