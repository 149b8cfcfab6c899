// A gateway started by a package-manager script (`npm start`) must not outlive it. npm forwards SIGINT
// and SIGTERM to its child only; when a shell sits between npm and the gateway, a TERM kills the shell
// and leaves the gateway behind as an orphan. The start scripts `exec` the gateway so npm's signals reach
// it; this watch covers what remains: the starter killed outright, or a shell that does not exec.

/** How often the parent pid is compared; a second keeps the orphan's life well under 5 s. */
const PARENT_POLL_MS = 1000;

/**
 * Under a package-manager script (`npm_lifecycle_event` set), sends this process SIGTERM (its normal,
 * draining stop) once its parent changes. Elsewhere (a terminal, a supervisor, `nohup … &` that is
 * meant to outlive its shell) it does nothing. Returns the stop function.
 */
export function stopWhenOrphaned(env: Record<string, string | undefined>, intervalMs = PARENT_POLL_MS): () => void {
  if (!env.npm_lifecycle_event || process.platform === "win32") return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, intervalMs);
  // Never the reason the process stays up.
  timer.unref();
  return () => clearInterval(timer);
}
