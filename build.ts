#!/usr/bin/env bun
// Release build: compiles src/main.ts into standalone `openclaw` executables and writes dist/SHA256SUMS.
// `bun build.ts` builds the host binary (dist/openclaw, hard-linked as dist/openclaw-<os>-<arch> for install.sh);
// `bun build.ts --all` adds the five release platforms, each compiled against its own Bun runtime.
//
// Bun.build() below is the API form of the release command line
//   bun build --compile --minify --bytecode --format=esm src/main.ts --target=<t> --outfile=<f>
//     --define OPENCLAW_BUILD_VERSION='"<v>"' --define OPENCLAW_BUILD_COMMIT='"<c>"'
//     --no-compile-autoload-bunfig
// (--format=esm is required: --bytecode alone emits CJS and consola then fails at run time; engineering.md §5).
import { link, mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** The release platforms: asset name suffix (what install.sh downloads) and the Bun runtime it embeds. */
export const RELEASE_TARGETS = [
  { platform: "linux-x64", bunTarget: "bun-linux-x64" },
  { platform: "linux-arm64", bunTarget: "bun-linux-arm64" },
  { platform: "darwin-x64", bunTarget: "bun-darwin-x64" },
  { platform: "darwin-arm64", bunTarget: "bun-darwin-arm64" },
  { platform: "windows-x64", bunTarget: "bun-windows-x64" },
] as const satisfies readonly { platform: string; bunTarget: Bun.Build.CompileTarget }[];

export interface BuildOptions {
  /** Also build every platform in RELEASE_TARGETS, not only the host. */
  all?: boolean;
  /** Repository root holding package.json and src/main.ts; defaults to this file's folder. */
  rootDir?: string;
  /** Output folder; defaults to `<rootDir>/dist`. */
  outDir?: string;
  /** Overrides the package.json version and the git commit (tests, reproducible builds). */
  version?: string;
  commit?: string;
  /** Progress lines; silent when omitted. */
  log?: (line: string) => void;
}

export interface BuiltBinary {
  /** File name inside outDir, as listed in SHA256SUMS. */
  file: string;
  path: string;
  bytes: number;
  sha256: string;
}

export interface BuildResult {
  outDir: string;
  version: string;
  commit: string;
  binaries: BuiltBinary[];
}

/** Builds the host binary (and with `all`, every release platform), then writes SHA256SUMS; throws naming the failed target. */
export async function buildTargets(opts: BuildOptions = {}): Promise<BuildResult> {
  const rootDir = opts.rootDir ?? import.meta.dir;
  const outDir = opts.outDir ?? join(rootDir, "dist");
  const log = opts.log ?? (() => {});
  const version = opts.version ?? (await packageVersion(rootDir));
  const commit = opts.commit ?? gitCommit(rootDir);
  const define = {
    OPENCLAW_BUILD_VERSION: JSON.stringify(version),
    OPENCLAW_BUILD_COMMIT: JSON.stringify(commit),
  };

  await mkdir(outDir, { recursive: true });
  // The start's zod-free config check reads a JSON Schema generated from the zod schema of the tree being built
  // (a tree from before that check, built with --ref, has no generator).
  const generator = join(rootDir, "src/config/schema-json.ts");
  if (await Bun.file(generator).exists()) {
    const { writeConfigJsonSchema } = (await import(generator)) as typeof import("./src/config/schema-json.ts");
    if (writeConfigJsonSchema(join(rootDir, "src"))) log("regenerated src/config/schema.json");
  }
  const releases = opts.all ? RELEASE_TARGETS.map(({ platform, bunTarget }) => releaseJob(platform, bunTarget)) : [];
  // A release run that fails half-way must not leave a SHA256SUMS beside binaries it does not describe.
  const stale = releases.length > 0 ? ["SHA256SUMS", ...releases.map((job) => job.file)] : [];
  await Promise.all(stale.map((file) => rm(join(outDir, file), { force: true })));

  const host = hostFileName();
  const jobs = [...releases, { file: host, target: undefined }];
  for (const { file, target } of jobs) {
    log(`building ${file} (${target ?? "host"})`);
    await compile({ rootDir, outDir, file, target, define });
  }
  const files = jobs.map(({ file }) => file);
  // A host-only build also publishes the host's release asset (a hard link, no extra space), so dist/ is
  // always a folder install.sh can install from on this machine.
  const hostAsset = hostReleaseAsset();
  if (!opts.all && hostAsset) {
    await linkAtomically(join(outDir, host), join(outDir, hostAsset));
    files.unshift(hostAsset);
  }
  const binaries = await Promise.all(files.map((file) => describeBinary(outDir, file)));
  await writeSums(outDir, binaries);
  // The small file `openclaw update` reads first: which version this release folder holds.
  await writeAtomically(join(outDir, "manifest.json"), `${JSON.stringify({ version, commit }, null, 2)}\n`);
  return { outDir, version, commit, binaries };
}

/** Short HEAD commit with "-dirty" when tracked files differ from it; "unknown" outside a git checkout. */
export function gitCommit(rootDir: string): string {
  const head = git(rootDir, ["rev-parse", "--short", "HEAD"]);
  if (!head) return "unknown";
  // Untracked files are ignored, as `git describe --dirty` does: scratch files should not mark a release.
  const changes = git(rootDir, ["status", "--porcelain", "--untracked-files=no"]);
  return changes ? `${head}-dirty` : head;
}

/** The size report printed after a build: one row per binary with bytes and MiB. */
export function sizeReport(binaries: readonly BuiltBinary[]): string {
  const width = Math.max(...binaries.map((b) => b.file.length), "file".length);
  const rows = binaries.map(
    (b) => `${b.file.padEnd(width)}  ${String(b.bytes).padStart(11)}  ${(b.bytes / 2 ** 20).toFixed(1).padStart(6)}`,
  );
  return [`${"file".padEnd(width)}  ${"bytes".padStart(11)}  ${"MiB".padStart(6)}`, ...rows].join("\n");
}

// --- internal ---

interface CompileJob {
  rootDir: string;
  outDir: string;
  file: string;
  /** undefined = the running Bun's own platform. */
  target: Bun.Build.CompileTarget | undefined;
  define: Record<string, string>;
}

async function compile({ rootDir, outDir, file, target, define }: CompileJob): Promise<void> {
  const label = target ?? "host";
  // Compile into a private folder, then rename: a test may be running the previous binary and a parallel
  // `bun test` worker may be building the same file; a rename swaps inodes instead of rewriting one.
  // The staged file is always named `openclaw`, because Bun embeds the outfile's name as the module path
  // (`/$bunfs/root/openclaw`, seen in stack traces), which keeps every platform's build reproducible.
  const staging = await mkdtemp(join(outDir, ".build-"));
  // autoloadBunfig: by default the binary reads bunfig.toml from its working directory and runs its
  // `preload` scripts, so `openclaw` started inside an untrusted checkout would execute that code.
  const executable = { outfile: join(staging, "openclaw"), autoloadBunfig: false };
  try {
    const result = await Bun.build({
      entrypoints: [join(rootDir, "src/main.ts")],
      compile: target ? { ...executable, target } : executable,
      minify: true,
      bytecode: true,
      format: "esm",
      define,
      throw: false,
    });
    const output = result.outputs.find((o) => o.kind === "entry-point");
    if (!result.success || !output) {
      const details = result.logs.map(describeLog).join("\n") || "no executable was produced";
      throw new Error(details);
    }
    // Bun appends ".exe" for Windows targets, so take the reported path rather than the requested one.
    await rename(output.path, join(outDir, file));
  } catch (error) {
    throw new Error(`build failed for ${label}: ${messageOf(error)}`, { cause: error });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function describeBinary(outDir: string, file: string): Promise<BuiltBinary> {
  const path = join(outDir, file);
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return { file, path, bytes: (await stat(path)).size, sha256: hasher.digest("hex") };
}

/**
 * Writes SHA256SUMS for the binaries of this run. Lines of an earlier run are kept for files this run did not
 * rebuild and that are still there (a host build after `--all`), so the file always describes dist/ as it is.
 */
async function writeSums(outDir: string, built: readonly BuiltBinary[]): Promise<void> {
  const path = join(outDir, "SHA256SUMS");
  const rebuilt = new Set(built.map((b) => b.file));
  const previous = (await Bun.file(path).exists()) ? (await Bun.file(path).text()).split("\n") : [];
  const kept: string[] = [];
  for (const line of previous) {
    const file = /^[0-9a-f]{64}  (.+)$/.exec(line)?.[1];
    if (file && !rebuilt.has(file) && !file.includes("/") && (await Bun.file(join(outDir, file)).exists())) {
      kept.push(`${line}\n`);
    }
  }
  await writeAtomically(path, [...kept, ...built.map((b) => `${b.sha256}  ${b.file}\n`)].join(""));
}

async function linkAtomically(existing: string, path: string): Promise<void> {
  const staging = `${path}.${process.pid}.tmp`;
  await rm(staging, { force: true });
  await link(existing, staging);
  await rename(staging, path);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const staging = `${path}.${process.pid}.tmp`;
  await Bun.write(staging, text);
  await rename(staging, path);
}

async function packageVersion(rootDir: string): Promise<string> {
  const pkg: unknown = await Bun.file(join(rootDir, "package.json")).json();
  const version = (pkg as { version?: unknown }).version;
  if (typeof version !== "string" || !version) throw new Error(`Expected "version" in ${rootDir}/package.json`);
  return version;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    const run = Bun.spawnSync(["git", ...args], { cwd, stdout: "pipe", stderr: "ignore" });
    return run.exitCode === 0 ? run.stdout.toString().trim() : undefined;
  } catch {
    return undefined; // git not installed
  }
}

function releaseJob(platform: string, target: Bun.Build.CompileTarget) {
  return { file: platform.startsWith("windows-") ? `openclaw-${platform}.exe` : `openclaw-${platform}`, target };
}

/** `openclaw-<os>-<arch>[.exe]` for the machine running the build, when it is a release platform. */
function hostReleaseAsset(): string | undefined {
  const platform = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  const target = RELEASE_TARGETS.find((t) => t.platform === platform);
  return target ? releaseJob(target.platform, target.bunTarget).file : undefined;
}

function hostFileName(): string {
  return process.platform === "win32" ? "openclaw.exe" : "openclaw";
}

function describeLog({ message, position }: Bun.BuildOutput["logs"][number]): string {
  return position ? `${position.file}:${position.line}:${position.column}: ${message}` : message;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(messageOf).join("\n");
  return error instanceof Error ? error.message : String(error);
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== "--all");
  if (unknown.length > 0) {
    console.error(`build.ts: unknown argument ${unknown.join(" ")}\nusage: bun build.ts [--all]`);
    process.exit(1);
  }
  const started = performance.now();
  try {
    const { binaries, version, commit, outDir } = await buildTargets({ all: args.includes("--all"), log: console.log });
    console.log(`\nOpenClaw ${version} (${commit}) → ${outDir}\n${sizeReport(binaries)}`);
    console.log(`SHA256SUMS written; ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(`build.ts: ${messageOf(error)}`);
    process.exit(1);
  }
}
