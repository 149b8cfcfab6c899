// Builds the two binaries under test with the release flags (build.ts): ours from the working tree or from a
// git ref, and the ceiling from bench/limit-server.ts, so both embed the same Bun runtime.
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { buildTargets, gitCommit } from "../build.ts";
import type { Binaries } from "./_proc.ts";

const ROOT = join(import.meta.dir, "..");
const OUT = join(ROOT, ".tmp", "bench-bin");

/** What was measured: the binaries and the commit label used in the results file name. */
export interface Built extends Binaries {
  commit: string;
}

/**
 * Builds into .tmp/bench-bin (never dist/, which other developers rebuild under us). With `ref`, the tree of that
 * commit is exported with `git archive` and built alone, so uncommitted work in the checkout is not measured.
 */
export async function buildBinaries(opts: { ref?: string; bin?: string }): Promise<Built> {
  mkdirSync(OUT, { recursive: true });
  const ceiling = await buildCeiling();
  if (opts.bin) return { ours: opts.bin, ceiling, commit: gitCommit(ROOT) };
  let rootDir = ROOT;
  let commit = gitCommit(ROOT);
  if (opts.ref) {
    commit = git(["rev-parse", "--short", opts.ref]);
    rmSync(join(ROOT, ".tmp", "bench-src"), { recursive: true, force: true }); // only the tree being measured is kept
    rootDir = join(ROOT, ".tmp", "bench-src", commit);
    mkdirSync(rootDir, { recursive: true });
    const archive = Bun.spawnSync(["sh", "-c", `git archive "$0" | tar -x -C "$1"`, opts.ref, rootDir], { cwd: ROOT, stderr: "pipe" });
    if (archive.exitCode !== 0) throw new Error(`git archive ${opts.ref} failed: ${archive.stderr.toString()}`);
    symlinkSync(join(ROOT, "node_modules"), join(rootDir, "node_modules"));
  }
  const outDir = join(OUT, "ours");
  await buildTargets({ rootDir, outDir, commit });
  return { ours: join(outDir, "openclaw"), ceiling, commit };
}

async function buildCeiling(): Promise<string> {
  const outfile = join(OUT, "limit-server");
  const result = await Bun.build({
    entrypoints: [join(import.meta.dir, "limit-server.ts")],
    compile: { outfile, autoloadBunfig: false },
    minify: true,
    bytecode: true,
    format: "esm",
    throw: false,
  });
  if (!result.success) throw new Error(`limit-server build failed: ${result.logs.map(String).join("\n")}`);
  return outfile;
}

function git(args: string[]): string {
  const run = Bun.spawnSync(["git", ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr.toString().trim()}`);
  return run.stdout.toString().trim();
}
