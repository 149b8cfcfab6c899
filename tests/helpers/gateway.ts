// Spawns a real gateway process (from source, or the compiled binary) in a temp state dir on a free port.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface SpawnedGateway {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  pid: number;
  port: number;
  url: string;
  httpUrl: string;
  token: string;
  stateDir: string;
  configPath: string;
  logFile: string;
  /** Everything printed so far. */
  output(): string;
  /** Resolves once the output contains the text (or rejects after timeoutMs). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace; resolves with the exit code. Safe to call twice. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  /** Merged into the generated config (gateway.mode local, port, token, log file). */
  config?: Record<string, unknown>;
  /** Written verbatim instead of a generated config (JSON5 text). */
  rawConfig?: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Run this executable instead of `bun src/main.ts`. */
  binary?: string;
  port?: number;
  token?: string | null;
  /** Do not wait for the listening line (for start-up failures). */
  noWait?: boolean;
  stateDir?: string;
}

const live = new Set<SpawnedGateway>();

/** Picks a port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** Starts `openclaw gateway` and waits for its "Gateway listening on" line. */
export async function spawnGateway(options: SpawnOptions = {}): Promise<SpawnedGateway> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "openclaw-gw-"));
  const configPath = join(stateDir, "openclaw.json");
  const logFile = join(stateDir, "logs", "gateway.log");
  const port = options.port ?? freePort();
  const token = options.token === undefined ? "test-token-" + crypto.randomUUID() : options.token;
  const config = deepMerge(
    { gateway: { mode: "local", port, auth: token ? { token } : {} }, logging: { file: logFile } },
    options.config ?? {},
  );
  writeFileSync(configPath, options.rawConfig ?? JSON.stringify(config, null, 2), { mode: 0o600 });
  const cmd = options.binary ? [options.binary] : [process.execPath, MAIN];
  const proc = Bun.spawn([...cmd, "gateway", ...(options.args ?? [])], {
    env: clean({ ...process.env, NO_COLOR: "1", OPENCLAW_STATE_DIR: stateDir, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_GATEWAY_TOKEN: undefined, OPENCLAW_GATEWAY_PORT: undefined, OPENCLAW_GATEWAY_PASSWORD: undefined, ...options.env }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  const waiters = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      for (const wake of waiters) wake();
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  let exitCode: Promise<number | null> | undefined;
  const gateway: SpawnedGateway = {
    proc,
    pid: proc.pid,
    port,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    token: token ?? "",
    stateDir,
    configPath,
    logFile,
    output: () => text,
    waitForOutput(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const matches = () => (typeof pattern === "string" ? text.includes(pattern) : pattern.test(text));
        if (matches()) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        const check = () => {
          if (!matches()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        void proc.exited.then(() => setTimeout(() => {
          if (waiters.has(check)) {
            waiters.delete(check);
            clearTimeout(timer);
            matches() ? resolve() : reject(new Error(`gateway exited (${proc.exitCode}) before ${pattern}; output:\n${text}`));
          }
        }, 50));
      });
    },
    stop(signal = "SIGTERM") {
      exitCode ??= (async () => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
        const timer = setTimeout(() => proc.kill("SIGKILL"), 8000);
        await proc.exited;
        clearTimeout(timer);
        live.delete(gateway);
        return proc.exitCode;
      })();
      return exitCode;
    },
  };
  live.add(gateway);
  if (!options.noWait) await gateway.waitForOutput(`Gateway listening on ws://127.0.0.1:`);
  return gateway;
}

/** Kills every gateway a test file started (call from afterAll) and removes their state dirs. */
export async function stopAllGateways(): Promise<void> {
  const all = [...live];
  await Promise.all(all.map((g) => g.stop()));
  for (const g of all) rmSync(g.stateDir, { recursive: true, force: true });
}

export function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] =
      value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" && !Array.isArray(current)
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function clean(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
