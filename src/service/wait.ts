import { ServiceError, type ServiceContext } from "./types.ts";

/** True while a process with this PID exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Resolves once `pid` has exited; throws `stop-timeout` after the context's budget so that `stop`
 * never reports success while the process still runs (field lessons: stop/start races).
 */
export async function waitForExit(ctx: ServiceContext, pid: number | undefined, what: string): Promise<void> {
  if (pid === undefined || pid <= 0) return;
  const deadline = Date.now() + ctx.stopTimeoutMs;
  while (ctx.isAlive(pid)) {
    if (Date.now() >= deadline) {
      throw new ServiceError("stop-timeout", `${what} was asked to stop, but pid ${pid} is still running after ${Math.round(ctx.stopTimeoutMs / 1000)}s`, `Check it with \`ps -p ${pid}\`; the supervisor may still be stopping it.`);
    }
    await ctx.sleep(100);
  }
}
