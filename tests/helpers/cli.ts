import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/index.ts";
import { resolveProfilePaths, type ProfilePaths } from "../../src/config/paths.ts";

/** A throw-away HOME; every test that touches config gets its own so profiles never leak. */
export function tempHome(): { home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), "openclaw-test-"));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** A throw-away HOME with its default profile's state dir made (no config in it yet), and that profile's paths. */
export function tempProfile(): { home: string; paths: ProfilePaths; cleanup(): void } {
  const { home, cleanup } = tempHome();
  const paths = resolveProfilePaths(undefined, { env: { HOME: home } });
  mkdirSync(paths.stateDir, { recursive: true });
  return { home, paths, cleanup };
}

/** Runs the CLI in-process with an isolated environment and captures its output. */
export async function cli(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { ...env },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    isTTY: false,
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}
