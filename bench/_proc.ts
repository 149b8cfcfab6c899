// Processes the harness starts: the servers under test (ours and the ceiling), CLI runs and load generators.
// Everything listens on and talks to 127.0.0.1 only; every wait is bounded.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export type Kind = "ours" | "ceiling";

/** The two binaries under test, built with the same release flags. */
export interface Binaries {
  ours: string;
  ceiling: string;
}

/** A running server under test. */
export interface Server {
  kind: Kind;
  pid: number;
  port: number;
  token: string;
  /** spawn → first `/health` 200, ms */
  readyMs: number;
  /** Environment for CLI runs against this server (its own state dir, no user config). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const FD_LIMIT = 65_536;
// `ulimit -n` is per process and inherited: raise it in a shell that then execs the real program. A non-root
// user cannot pass the hard limit, so fall back to it.
const WITH_FDS = `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/** Starts ours (`openclaw gateway` with a fresh state dir) or the ceiling, and waits for `/health` 200. */
export async function startServer(kind: Kind, bins: Binaries, opts: { manyFds?: boolean; config?: Record<string, unknown>; flagsOnly?: boolean; pollMs?: number } = {}): Promise<Server> {
  const port = freePort();
  const token = `bench-${crypto.randomUUID()}`;
  const stateDir = mkdtempSync(join(tmpdir(), `openclaw-bench-${kind}-`));
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: stateDir, OPENCLAW_STATE_DIR: stateDir, NO_COLOR: "1" };
  let argv: string[];
  if (kind === "ours" && opts.flagsOnly) {
    // What an outside harness does (issue 21): no config file, no state dir variable, a fresh HOME, flags only.
    delete env.OPENCLAW_STATE_DIR;
    argv = [bins.ours, "gateway", "run", "--allow-unconfigured", "--port", String(port), "--token", token];
  } else if (kind === "ours") {
    // `opts.config` adds sections beside the gateway's own (the agent rows point models.providers at a stand-in).
    const config = { ...opts.config, gateway: { mode: "local", port, auth: { token } }, logging: { file: join(stateDir, "g.log") } };
    writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify(config));
    argv = [bins.ours, "gateway"];
  } else {
    argv = [bins.ceiling, "--port", String(port), "--token", token];
  }
  if (opts.manyFds) argv = ["sh", "-c", WITH_FDS, "sh", ...argv];
  const started = performance.now();
  // stderr goes to a file: a pipe nobody reads could fill up and stall the server mid-run.
  const stderrPath = join(stateDir, "stderr.log");
  const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "ignore", stderr: Bun.file(stderrPath) });
  const readyMs = await waitForHealth(port, proc, started, stderrPath, opts.pollMs ?? 1);
  return {
    kind, pid: proc.pid, port, token, readyMs, env,
    async stop() {
      await stopProcess(proc);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Polls `GET /health` every `pollMs` (about) until it answers 200; throws if the process dies or after 15 s. */
async function waitForHealth(port: number, proc: Subprocess, started: number, stderrPath: string, pollMs: number): Promise<number> {
  const deadline = started + 15_000;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const stderr = await Bun.file(stderrPath).text().catch(() => "");
      throw new Error(`server exited (${proc.exitCode ?? proc.signalCode}) before /health answered: ${stderr.slice(0, 500)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { keepalive: false });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await Bun.sleep(pollMs);
  }
  proc.kill("SIGKILL");
  throw new Error(`no /health 200 on port ${port} within 15 s`);
}

/** SIGTERM, then SIGKILL after 5 s: the gateway's graceful stop must not hold the run hostage. */
export async function stopProcess(proc: Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
  await proc.exited;
  clearTimeout(timer);
}

/** Resident memory (KiB) of a process and all its descendants, from /proc (Linux only). */
export function treeRssKiB(pid: number): number {
  let total = 0;
  const pending = [pid];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const p = pending.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, "utf8").trim();
        if (children) pending.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process went away between listing and reading
    }
  }
  return total;
}

/**
 * CPU time (ms) a process's live threads have run so far: the sum of /proc/<pid>/task/<tid>/schedstat, which counts
 * nanoseconds (the tick-based utime/stime of /proc/<pid>/stat is 10 ms coarse, too coarse for a 50-handshake slice).
 */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread ended between listing and reading
    }
  }
  return ns / 1e6;
}

/** Wall time (ms) of one short CLI process from spawn to exit; throws with its stderr when it fails. */
export async function timeCommand(argv: string[], env: Record<string, string>, timeoutMs = 15_000): Promise<number> {
  const started = performance.now();
  const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${argv.slice(0, 3).join(" ")} exited ${code}: ${(stderr || stdout).trim().slice(0, 300)}`);
  return ms;
}
