// The file operations the file logger performs, behind a small interface so a test can make any of
// them fail. All synchronous: a record is on disk before the log call returns, so a crash loses nothing.
import { appendFileSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from "node:fs";

export interface LogFileSystem {
  /** Appends, creating the file with mode 0600 (it may hold operational detail). */
  append(path: string, data: string): void;
  /** Current size in bytes, 0 when the file does not exist. */
  size(path: string): number;
  /** Creates the directory (and parents) with mode 0700. */
  ensureDir(dir: string): void;
  /** Renames; a missing source is not an error. */
  rename(from: string, to: string): void;
  /** Deletes; a missing file is not an error. */
  remove(path: string): void;
  /** File names in the directory, [] when it does not exist. */
  list(dir: string): string[];
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === "ENOENT";

function ignoreMissing(action: () => void): void {
  try {
    action();
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

export const nodeLogFileSystem: LogFileSystem = {
  append: (path, data) => appendFileSync(path, data, { mode: 0o600 }),
  size(path) {
    try {
      return statSync(path).size;
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
  },
  ensureDir: (dir) => void mkdirSync(dir, { recursive: true, mode: 0o700 }),
  rename: (from, to) => ignoreMissing(() => renameSync(from, to)),
  remove: (path) => ignoreMissing(() => unlinkSync(path)),
  list(dir) {
    try {
      return readdirSync(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  },
};
