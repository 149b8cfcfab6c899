import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Raised when another live gateway already owns this state dir. */
export class LockError extends Error {
  override readonly name = "LockError";
  constructor(
    message: string,
    readonly ownerPid: number,
  ) {
    super(message);
  }
}

/** A held lock; `release()` is safe to call twice. */
export interface StateLock {
  file: string;
  release(): void;
}

/** Takes `<stateDir>/gateway.lock` (O_EXCL with our PID); a stale lock of a dead PID is replaced. */
export function acquireStateLock(stateDir: string, info: { port: number }): StateLock {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, "gateway.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, port: info.port, startedAt: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          try {
            const owner = JSON.parse(readFileSync(file, "utf8")) as { pid?: number };
            if (owner.pid === process.pid) unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(file);
      if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new LockError(
          `another gateway (pid ${owner.pid}, port ${owner.port ?? "?"}) is using the state dir ${stateDir}; stop it or use --profile for a second gateway`,
          owner.pid,
        );
      }
      // Stale: its process is gone (crash or kill -9), so the lock is ours to replace.
      try {
        unlinkSync(file);
      } catch {
        // Raced with another starter; the retry decides.
      }
    }
  }
  throw new LockError(`could not take the lock ${file}`, 0);
}

function readOwner(file: string): { pid: number; port?: number } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { pid?: unknown; port?: number };
    return typeof parsed.pid === "number" ? { pid: parsed.pid, port: parsed.port } : undefined;
  } catch {
    return undefined;
  }
}

/** True when a process with this PID exists (signal 0 probes without touching it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
