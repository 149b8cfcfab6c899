import * as nodeFs from "node:fs";
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
