// Shared by every end-to-end test: builds the release binary once per `bun test` process and runs it.
import { join } from "node:path";
import { buildTargets } from "../../build.ts";

const REPO_ROOT = join(import.meta.dir, "..", "..");

let build: Promise<string> | undefined;

/** Absolute path of dist/openclaw built with the release flags; built on first call, then reused by every test file. */
export function compiledBinary(): Promise<string> {
  build ??= buildTargets({ rootDir: REPO_ROOT }).then(({ binaries }) => {
    const host = binaries.find((b) => b.file === "openclaw" || b.file === "openclaw.exe");
    if (!host) throw new Error("build.ts reported no host binary");
    return host.path;
  });
  return build;
}

export interface RunOptions {
  /** Merged over process.env and NO_COLOR=1; a key set to undefined is removed. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: string | Uint8Array;
  /** The child is killed with SIGKILL after this long (default 15 s); the result then has timedOut: true. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs the compiled `openclaw` with args and collects its output. */
export async function runBinary(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return runCommand([await compiledBinary(), ...args], opts);
}

/** Runs any command (installer, shell, installed copy) the same way runBinary does. */
export async function runCommand(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = Bun.spawn([...argv], {
    cwd: opts.cwd,
    env: childEnv(opts.env),
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, opts.timeoutMs ?? 15_000);
  try {
    const [stdout, stderr] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    const signal = child.signalCode === null ? null : String(child.signalCode);
    return { code: child.exitCode, signal, stdout, stderr, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

function childEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...overrides };
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
