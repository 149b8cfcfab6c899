import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ServiceError } from "./types.ts";

interface Change {
  path: string;
  /** Bytes before we touched the file, or null when it did not exist. */
  before: Buffer | null;
  mode?: number;
}

/**
 * Writes and removes files so that an install that fails midway can put every file back as it was
 * (acceptance: "nothing half-installed left behind").
 */
export class FileTransaction {
  private readonly changes: Change[] = [];

  /** Writes atomically (temp file + rename) with an exact mode, creating parent directories. */
  write(path: string, content: string | Uint8Array, mode: number): void {
    this.remember(path);
    const temp = `${path}.tmp-${process.pid}`;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(temp, content, { mode });
      chmodSync(temp, mode); // the umask may have narrowed the mode given to open()
      renameSync(temp, path);
    } catch (error) {
      try {
        rmSync(temp, { force: true });
      } catch {
        // The folder itself could not be made: there is no temp file to clean up.
      }
      throw writeError(path, error);
    }
  }

  remove(path: string): void {
    if (!existsSync(path)) return;
    this.remember(path);
    try {
      rmSync(path, { force: true });
    } catch (error) {
      throw writeError(path, error);
    }
  }

  /** Restores every touched file, newest change first; never throws. */
  rollback(): void {
    for (const change of [...this.changes].reverse()) {
      try {
        if (change.before === null) rmSync(change.path, { force: true });
        else {
          writeFileSync(change.path, change.before, { mode: change.mode });
          if (change.mode !== undefined) chmodSync(change.path, change.mode);
        }
      } catch {
        // Best effort: the error that caused the rollback is what the caller reports.
      }
    }
    this.changes.length = 0;
  }

  private remember(path: string): void {
    if (this.changes.some((c) => c.path === path)) return;
    if (!existsSync(path)) return void this.changes.push({ path, before: null });
    this.changes.push({ path, before: readFileSync(path), mode: statSync(path).mode & 0o777 });
  }
}

function writeError(path: string, error: unknown): ServiceError {
  const code = (error as NodeJS.ErrnoException).code;
  const denied = code === "EACCES" || code === "EPERM" || code === "EROFS";
  return new ServiceError(
    "write-failed",
    `Cannot write ${path}: ${denied ? "permission denied" : ((error as Error).message ?? code)}`,
    denied ? "System-level services (--system) need root: run the command with sudo." : undefined,
    { cause: error },
  );
}

/** A file's text, or undefined when it is absent or unreadable. */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The permission bits of a file, or undefined when absent. */
export function fileMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}
