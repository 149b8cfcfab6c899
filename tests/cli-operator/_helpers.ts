// Shared by the operator-command tests: an isolated CLI environment per state dir, JSON shape reduction
// for snapshots, and running the CLI as a real subprocess when a test needs to kill it or trace it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";

export const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

const scratch: string[] = [];

/** A temp dir removed by cleanupScratch(). */
export function scratchDir(prefix = "openclaw-op-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export function cleanupScratch(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The environment of a CLI that uses `stateDir` as its profile (HOME isolated, no inherited gateway vars). */
export function envFor(stateDir: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { HOME: scratchDir("openclaw-home-"), PATH: process.env.PATH, NO_COLOR: "1", OPENCLAW_STATE_DIR: stateDir, ...extra };
}

/** A state dir holding `config` as openclaw.json (mode 0600). */
export function stateWithConfig(config: Record<string, unknown>): string {
  const dir = scratchDir("openclaw-state-");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify(config, null, 2), { mode: 0o600 });
  return dir;
}

/** Runs `openclaw <argv>` in-process. */
export function run(argv: string[], env: Record<string, string | undefined>) {
  return cli(argv, env);
}

/** Runs `openclaw <argv>` in-process and parses stdout as JSON. */
export async function runJson(argv: string[], env: Record<string, string | undefined>) {
  const result = await cli(argv, env);
  let json: any;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(`stdout is not JSON (code ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { ...result, json };
}

/**
 * The shape of a JSON value for snapshots: keys kept, leaves replaced by their type, arrays by the shape
 * of their first element. Keys listed in `opaque` (gateway-owned payloads) collapse to their type.
 */
export function shapeOf(value: unknown, opaque: readonly string[] = []): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0], opaque)];
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, v]) => [
        key,
        opaque.includes(key) ? (v === null ? null : Array.isArray(v) ? "array" : typeof v) : shapeOf(v, opaque),
      ]),
    );
  }
  return typeof value;
}

/** Spawns `bun src/main.ts <argv>` (for commands a test must stop, or trace). */
export function spawnCli(argv: string[], env: Record<string, string | undefined>, bunArgs: string[] = []) {
  const clean = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  return Bun.spawn([process.execPath, ...bunArgs, MAIN, ...argv], { env: clean, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
}

/** Collects a stream's text as it arrives; `waitFor` resolves once it contains a pattern. */
export function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      for (const wake of waiters) wake();
    }
    for (const wake of waiters) wake();
  })();
  return {
    text: () => text,
    waitFor(pattern: string | RegExp, timeoutMs = 15_000): Promise<void> {
      const matches = () => (typeof pattern === "string" ? text.includes(pattern) : pattern.test(text));
      return new Promise((resolve, reject) => {
        if (matches()) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; got:\n${text}`));
        }, timeoutMs);
        const check = () => {
          if (!matches()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
  };
}
