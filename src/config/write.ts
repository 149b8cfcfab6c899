import * as nodeFs from "node:fs";
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "./errors.ts";

/** The file operations an atomic write needs; injected so a test can crash it between steps. */
export type WriteFs = Pick<
  typeof nodeFs,
  "openSync" | "writeSync" | "fsyncSync" | "closeSync" | "renameSync" | "copyFileSync" | "chmodSync" | "mkdirSync" | "existsSync" | "unlinkSync"
>;

export interface AtomicWriteOptions {
  fs?: WriteFs;
  /** Keep the previous file as `<file>.bak` (config writes always do). */
  backup?: boolean;
  /** File mode; the config holds secrets, so 0600 by default. */
  mode?: number;
}

/** Writes `text` so that readers only ever see the old file or the complete new one (temp, fsync, rename). */
export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): void {
  const fs = options.fs ?? nodeFs;
  const mode = options.mode ?? 0o600;
  const dir = dirname(file);
  sweepStaleTempFiles(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fd = fs.openSync(temp, "wx", mode);
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    if (options.backup !== false && fs.existsSync(file)) {
      fs.copyFileSync(file, `${file}.bak`);
      fs.chmodSync(`${file}.bak`, mode);
    }
    fs.renameSync(temp, file);
    fs.chmodSync(file, mode);
    syncDirectory(dir);
  } catch (error) {
    if (fd !== undefined) safely(() => fs.closeSync(fd!));
    safely(() => fs.unlinkSync(temp));
    throw new ConfigError("EWRITE", `${file}: write failed, the previous file is unchanged: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
}

/**
 * Deletes the temp files a killed writer of `file` left behind (`.<name>.<pid>.<stamp>.tmp`): they hold
 * the whole config, secrets included, and nothing else would ever remove them. A temp whose writer is
 * still alive is kept, so a concurrent write in another process is never broken, unless it is older than
 * any write could take (its pid was reused); ours are never in flight here because writes are
 * synchronous. Call it at gateway start with the config path. Returns the paths removed; never throws.
 */
export function sweepStaleTempFiles(file: string, options: SweepOptions = {}): string[] {
  const isAlive = options.isAlive ?? processAlive;
  const now = options.now ?? Date.now();
  const dir = dirname(file);
  const prefix = `.${basename(file)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const match = /^(\d+)\.[0-9a-z]+\.tmp$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    const path = join(dir, name);
    if (pid !== process.pid && isAlive(pid) && !olderThan(path, now - STALE_TEMP_AGE_MS)) continue;
    safely(() => {
      nodeFs.unlinkSync(path);
      removed.push(path);
    });
  }
  return removed;
}

/** Seams for tests: who is alive and what time it is. */
export interface SweepOptions {
  isAlive?: (pid: number) => boolean;
  now?: number;
}

/** A temp this old belongs to no live write even if its pid names a running process (pid reuse). */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

function olderThan(path: string, cutoff: number): boolean {
  try {
    return statSync(path).mtimeMs < cutoff;
  } catch {
    return false;
  }
}

// Signal 0 checks existence only; EPERM means the pid exists but belongs to someone else.
function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// The rename is durable only once the directory entry is flushed; not every filesystem allows it.
function syncDirectory(dir: string): void {
  safely(() => {
    const fd = nodeFs.openSync(dir, "r");
    try {
      nodeFs.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
  });
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // Best effort: cleanup must never hide the original error.
  }
}
