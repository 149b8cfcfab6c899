// Release tooling end to end: build.ts, dist/SHA256SUMS and install.sh against a local static server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTargets } from "../build.ts";
import { compiledBinary, runCommand } from "./helpers/binary.ts";
import { serveReleases } from "./helpers/release-server.ts";

const ROOT = join(import.meta.dir, "..");
const INSTALLER = join(ROOT, "install.sh");
/** The release asset install.sh downloads on this machine (the suite runs on Linux and macOS). */
const HOST_ASSET = `openclaw-${process.platform}-${process.arch}`;
const scratch = mkdtempSync(join(tmpdir(), "openclaw-release-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function sha256(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(await Bun.file(path).arrayBuffer());
  return hasher.digest("hex");
}

function git(...args: string[]): string {
  return Bun.spawnSync(["git", ...args], { cwd: ROOT }).stdout.toString().trim();
}

describe("bun build.ts (host)", () => {
  let binary: string;
  beforeAll(async () => {
    binary = await compiledBinary();
  }, 120_000);

  test("--version prints the package version and the real short commit", async () => {
    const { version } = await Bun.file(join(ROOT, "package.json")).json();
    const commit = git("rev-parse", "--short", "HEAD");
    const result = await runCommand([binary, "--version"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^OpenClaw ${version.replaceAll(".", "\\.")} \\(${commit}(-dirty)?\\)\\n$`));
  });

  test("dist/SHA256SUMS lists the binary with its hash", async () => {
    const sums = await Bun.file(join(ROOT, "dist", "SHA256SUMS")).text();
    const line = sums.split("\n").find((l) => l.endsWith("  openclaw"));
    expect(line).toBe(`${await sha256(binary)}  openclaw`);
  });

  test("a bunfig.toml in the working directory cannot inject a preload script", async () => {
    const untrusted = join(scratch, "untrusted-checkout");
    mkdirSync(untrusted);
    writeFileSync(join(untrusted, "evil.ts"), 'console.log("PRELOAD RAN");\n');
    writeFileSync(join(untrusted, "bunfig.toml"), 'preload = ["./evil.ts"]\n');
    const result = await runCommand([binary, "--version"], { cwd: untrusted });
    expect(result.code).toBe(0);
    expect(result.stdout).toStartWith("OpenClaw ");
    expect(result.stdout + result.stderr).not.toContain("PRELOAD RAN");
  });

  test("a second build is byte-identical (reproducible, no temp names embedded)", async () => {
    const outDir = join(scratch, "rebuild");
    const { binaries } = await buildTargets({ rootDir: ROOT, outDir });
    expect(binaries.map((b) => b.file)).toEqual([HOST_ASSET, "openclaw"]);
    for (const built of binaries) expect(built.sha256).toBe(await sha256(binary));
    expect(readdirSync(outDir).sort()).toEqual(["SHA256SUMS", "manifest.json", "openclaw", HOST_ASSET].sort());
    // The release asset is a hard link to the host binary, not a second 100 MB copy.
    expect(statSync(join(outDir, HOST_ASSET)).ino).toBe(statSync(join(outDir, "openclaw")).ino);
  }, 60_000);

  test("a failing release build names the target and leaves no stale binary or SHA256SUMS", async () => {
    const project = join(scratch, "broken");
    const outDir = join(project, "dist");
    mkdirSync(join(project, "src"), { recursive: true });
    mkdirSync(outDir);
    writeFileSync(join(project, "package.json"), JSON.stringify({ version: "9.9.9" }));
    writeFileSync(join(project, "src", "main.ts"), "export const = ;\n");
    writeFileSync(join(outDir, "openclaw-linux-x64"), "from an older build");
    writeFileSync(join(outDir, "SHA256SUMS"), "0000  openclaw-linux-x64\n");
    const failure = buildTargets({ rootDir: project, outDir, all: true });
    await expect(failure).rejects.toThrow(/^build failed for bun-linux-x64: .*src\/main\.ts:1:14: /);
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe("install.sh against dist/ served on 127.0.0.1", () => {
  const asset = HOST_ASSET;
  const dist = join(ROOT, "dist");
  const upgrade = join(scratch, "v2");
  const fake = join(scratch, "fake");
  let distDigest: string;
  let server: ReturnType<typeof Bun.serve>;
  let runs = 0;

  // Releases by first path segment: "dist" is the real dist/ as build.ts left it; "bad" is dist/ with a
  // SHA256SUMS that does not match; "v2" is a second build with another version (for upgrades); "fake" is a
  // stand-in `openclaw` shell script that records how it was called (for --service).
  beforeAll(async () => {
    const binary = await compiledBinary();
    distDigest = await sha256(binary);
    await buildTargets({ rootDir: ROOT, outDir: upgrade, version: "9.9.9-upgrade", commit: "upgrade" });
    mkdirSync(fake);
    const script = [
      "#!/bin/sh",
      'if [ "$1" = --version ]; then echo "OpenClaw 0.0.0-fake (fake)"; exit 0; fi',
      'printf \'%s\\n\' "$*" >> "$OPENCLAW_FAKE_LOG"',
      'exit "${OPENCLAW_FAKE_EXIT:-0}"',
      "",
    ].join("\n");
    writeFileSync(join(fake, asset), script);
    writeFileSync(join(fake, "SHA256SUMS"), `${await sha256(join(fake, asset))}  ${asset}\n`);
    const roots: Record<string, string> = { dist, bad: dist, v2: upgrade, fake };
    server = serveReleases(roots, asset);
  }, 120_000);

  afterAll(() => server?.stop(true));

  /** Runs install.sh with its own TMPDIR and reports what it left there (it must always be nothing). */
  async function install(release: string, args: string[], env: Record<string, string> = {}) {
    const tmp = join(scratch, `tmp-${++runs}`);
    mkdirSync(tmp);
    const result = await runCommand(["sh", INSTALLER, ...args], {
      env: {
        OPENCLAW_INSTALL_BASE_URL: `http://127.0.0.1:${server.port}/${release}`,
        HOME: join(scratch, "home"),
        TMPDIR: tmp,
        NO_PROXY: "127.0.0.1",
        no_proxy: "127.0.0.1",
        OPENCLAW_INSTALL_PREFIX: undefined,
        OPENCLAW_INSTALL_OS: undefined,
        OPENCLAW_INSTALL_ARCH: undefined,
        ...env,
      },
      timeoutMs: 60_000,
    });
    return { ...result, leftovers: readdirSync(tmp) };
  }

  test("dist/ holds the host's release asset and a SHA256SUMS line for it", async () => {
    const sums = await Bun.file(join(dist, "SHA256SUMS")).text();
    expect(sums.split("\n")).toContain(`${distDigest}  ${asset}`);
    expect(await sha256(join(dist, asset))).toBe(distDigest);
  });

  test("good checksum: installs into --prefix (creating it), prints PATH advice, and --version works", async () => {
    const prefix = join(scratch, "fresh", "bin");
    const result = await install("dist", ["--prefix", prefix]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`downloading ${asset} from http://127.0.0.1:`);
    expect(result.stdout).toContain(`installed OpenClaw `);
    expect(result.stdout).toContain(`${prefix} is not on your PATH`);
    expect(result.leftovers).toEqual([]);
    expect(readdirSync(prefix)).toEqual(["openclaw"]);
    expect(statSync(join(prefix, "openclaw")).mode & 0o777).toBe(0o755);
    expect(await sha256(join(prefix, "openclaw"))).toBe(distDigest);
    const installed = await runCommand([join(prefix, "openclaw"), "--version"]);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toMatch(/^OpenClaw \d+\.\d+\.\d+\S* \(\S+\)\n$/);
  });

  test("a rerun upgrades in place by rename: new inode, the old inode keeps the old bytes", async () => {
    const prefix = join(scratch, "upgrade");
    expect((await install("dist", ["--prefix", prefix])).code).toBe(0);
    const target = join(prefix, "openclaw");
    const before = statSync(target).ino;
    // Stands in for a running gateway: a reader holding the old file open must keep seeing the old binary.
    const held = openSync(target, "r");
    try {
      const rerun = await install("v2", [], { OPENCLAW_INSTALL_PREFIX: prefix });
      expect(rerun.stderr).toBe("");
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toContain("installed OpenClaw 9.9.9-upgrade (upgrade)");
      expect(rerun.leftovers).toEqual([]);
      expect(statSync(target).ino).not.toBe(before);
      expect(fstatSync(held).ino).toBe(before);
      const old = new Bun.CryptoHasher("sha256");
      const chunk = Buffer.alloc(1 << 20);
      for (let n: number; (n = readSync(held, chunk)) > 0; ) old.update(chunk.subarray(0, n));
      expect(old.digest("hex")).toBe(distDigest);
    } finally {
      closeSync(held);
    }
    expect(readdirSync(prefix)).toEqual(["openclaw"]);
    expect((await runCommand([target, "--version"])).stdout).toBe("OpenClaw 9.9.9-upgrade (upgrade)\n");
  });

  test("bad checksum: refused, nothing created, an existing install untouched, no temp files", async () => {
    const missing = join(scratch, "never-created");
    const refused = await install("bad", ["--prefix", join(missing, "bin")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`checksum mismatch for ${asset}`);
    expect(refused.stderr).toContain("nothing was installed");
    expect(refused.leftovers).toEqual([]);
    expect(existsSync(missing)).toBe(false);

    const existing = join(scratch, "existing");
    mkdirSync(existing);
    writeFileSync(join(existing, "openclaw"), "previous install");
    const before = statSync(join(existing, "openclaw")).ino;
    const again = await install("bad", ["--prefix", existing]);
    expect(again.code).toBe(1);
    expect(again.leftovers).toEqual([]);
    expect(readdirSync(existing)).toEqual(["openclaw"]);
    expect(statSync(join(existing, "openclaw")).ino).toBe(before);
    expect(await Bun.file(join(existing, "openclaw")).text()).toBe("previous install");
  });

  test("--version that does not match the download is refused after the trial run, removing the folders it made", async () => {
    const top = join(scratch, "wrong-version");
    const result = await install("dist", ["--prefix", join(top, "a", "bin"), "--version", "v999.0.0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/asked for version 999\.0\.0 but the download is .*nothing was installed/);
    expect(result.leftovers).toEqual([]);
    expect(existsSync(top)).toBe(false);
  });

  test("a missing release file is a clear download error", async () => {
    const prefix = join(scratch, "no-release");
    const result = await install("nowhere", ["--prefix", prefix]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`download failed: http://127.0.0.1:${server.port}/nowhere/${asset}`);
    expect(result.leftovers).toEqual([]);
    expect(existsSync(prefix)).toBe(false);
  });

  test.each([
    ["OPENCLAW_INSTALL_ARCH", "mips", /unsupported architecture: mips \(supported: x86_64\/amd64 and aarch64\/arm64/],
    ["OPENCLAW_INSTALL_ARCH", "armv7l", /unsupported architecture: armv7l \(/],
    ["OPENCLAW_INSTALL_OS", "FreeBSD", /unsupported operating system: FreeBSD \(supported: linux-x64, /],
    ["OPENCLAW_INSTALL_OS", "MINGW64_NT-10.0", /this is Windows: run install\.ps1/],
  ])("%s=%s is refused with a clear message before downloading", async (name, value, message) => {
    const prefix = join(scratch, `unsupported-${value}`);
    const result = await install("dist", ["--prefix", prefix], { [name]: value });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toContain("downloading");
    expect(existsSync(prefix)).toBe(false);
  });

  test("--service runs `openclaw gateway install` with the installed binary; its failure is reported", async () => {
    const prefix = join(scratch, "service");
    const log = join(scratch, "service.log");
    const ok = await install("fake", ["--prefix", prefix, "--service"], { OPENCLAW_FAKE_LOG: log });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`installing the gateway service: ${prefix}/openclaw gateway install`);
    expect(await Bun.file(log).text()).toBe("gateway install\n");

    const failed = await install("fake", ["--prefix", prefix, "--service"], {
      OPENCLAW_FAKE_LOG: log,
      OPENCLAW_FAKE_EXIT: "3",
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("openclaw is installed, but 'openclaw gateway install' failed");
    expect(readdirSync(prefix)).toEqual(["openclaw"]);
  });

  test("unknown arguments are refused with the usage", async () => {
    const result = await install("dist", ["--prefx", join(scratch, "typo")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown argument: --prefx");
    expect(result.stderr).toContain("Usage: install.sh");
  });

  test("sh -n install.sh passes", async () => {
    const result = await runCommand(["sh", "-n", INSTALLER]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  const shellcheck = Bun.which("shellcheck");
  test.skipIf(!shellcheck)(
    `shellcheck install.sh is clean${shellcheck ? "" : " (SKIPPED: shellcheck is not installed; apt-get install shellcheck)"}`,
    async () => {
      const result = await runCommand(["shellcheck", "--shell=sh", INSTALLER]);
      expect(result.stdout).toBe("");
      expect(result.code).toBe(0);
    },
  );
});

describe("runCommand (tests/helpers/binary.ts)", () => {
  test("kills a child that outlives timeoutMs and says so", async () => {
    const result = await runCommand(["sh", "-c", "echo started; exec sleep 60"], { timeoutMs: 300 });
    expect(result).toMatchObject({ code: null, signal: "SIGKILL", stdout: "started\n", timedOut: true });
  });

  test("passes stdin and NO_COLOR=1, and removes variables set to undefined", async () => {
    const script = 'cat; echo "NO_COLOR=$NO_COLOR HOME=${HOME-unset}"';
    const result = await runCommand(["sh", "-c", script], { stdin: "in\n", env: { HOME: undefined } });
    expect(result).toMatchObject({ code: 0, stdout: "in\nNO_COLOR=1 HOME=unset\n", timedOut: false });
  });
});

// Fetches the four foreign Bun runtimes from the npm registry on first use, so CI opts in explicitly.
describe.skipIf(process.env.OPENCLAW_TEST_CROSS !== "1")("npm run build -- --all (OPENCLAW_TEST_CROSS=1)", () => {
  const dist = join(ROOT, "dist");
  /** What file(1) says, and the header fields that decide it (so the check holds without file(1) too). */
  const expected: Record<string, { file: RegExp; format: string }> = {
    "openclaw-linux-x64": { file: /^ELF 64-bit LSB executable, x86-64,/, format: "ELF64 x86-64" },
    "openclaw-linux-arm64": { file: /^ELF 64-bit LSB executable, ARM aarch64,/, format: "ELF64 aarch64" },
    "openclaw-darwin-x64": { file: /^Mach-O 64-bit x86_64 executable/, format: "Mach-O x86_64" },
    "openclaw-darwin-arm64": { file: /^Mach-O 64-bit arm64 executable/, format: "Mach-O arm64" },
    "openclaw-windows-x64.exe": { file: /^PE32\+ executable \(console\) x86-64, for MS Windows/, format: "PE32+ x86-64" },
  };
  // Built on first use rather than in beforeAll, which Bun lists as an extra "(unnamed)" test when skipped.
  let building: ReturnType<typeof runCommand> | undefined;
  const buildAll = () => (building ??= runCommand(["npm", "run", "build", "--", "--all"], { cwd: ROOT, timeoutMs: 600_000 }));

  test("exits 0 and prints a size report for every binary", async () => {
    const build = await buildAll();
    expect(build.stderr).not.toContain("build failed");
    expect(build.code).toBe(0);
    for (const file of [...Object.keys(expected), "openclaw"]) {
      expect(build.stdout).toMatch(new RegExp(`^${file.replaceAll(".", "\\.")} +\\d+ +\\d+\\.\\d$`, "m"));
    }
  }, 600_000);

  test("produces the five binaries and a SHA256SUMS that verifies each of them", async () => {
    expect((await buildAll()).code).toBe(0);
    const sums = (await Bun.file(join(dist, "SHA256SUMS")).text()).trim().split("\n");
    expect(sums.map((line) => line.split("  ")[1])).toEqual([...Object.keys(expected), "openclaw"]);
    for (const line of sums) {
      const [digest, file] = line.split("  ") as [string, string];
      expect(await sha256(join(dist, file))).toBe(digest);
    }
    // The host copy is the same build as the host's release asset.
    const [hostAsset, host] = [HOST_ASSET, "openclaw"].map((f) => sums.find((l) => l.endsWith(`  ${f}`))?.slice(0, 64));
    expect(host).toBe(hostAsset!);
    expect((await runCommand([join(dist, "openclaw"), "--version"])).stdout).toStartWith("OpenClaw ");
  }, 600_000);

  test("each binary has the executable format of its platform (headers)", async () => {
    expect((await buildAll()).code).toBe(0);
    for (const [file, { format }] of Object.entries(expected)) {
      expect(`${file}: ${executableFormat(await Bun.file(join(dist, file)).bytes())}`).toBe(`${file}: ${format}`);
    }
  }, 600_000);

  const fileCmd = Bun.which("file");
  test.skipIf(!fileCmd)(
    `file(1) reports the right format for each${fileCmd ? "" : " (SKIPPED: file(1) is not installed; apt-get install file)"}`,
    async () => {
      expect((await buildAll()).code).toBe(0);
      for (const [file, { file: type }] of Object.entries(expected)) {
        const described = await runCommand(["file", "-b", join(dist, file)]);
        expect(described.code).toBe(0);
        // Prefixed with the name so a failure says which binary it was.
        expect(`${file}: ${described.stdout}`).toMatch(new RegExp(`^${file.replaceAll(".", "\\.")}: ${type.source.slice(1)}`));
      }
    },
    600_000,
  );
});

/** Reads the executable header: ELF e_machine, Mach-O cputype or PE machine, as a short name. */
function executableFormat(b: Uint8Array): string {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (view.getUint32(0) === 0x7f454c46) {
    const machine = { 0x3e: "x86-64", 0xb7: "aarch64" }[view.getUint16(18, true)] ?? "unknown";
    return `ELF${b[4] === 2 ? "64" : "32"} ${machine}`;
  }
  if (view.getUint32(0, true) === 0xfeedfacf) {
    return `Mach-O ${{ 0x01000007: "x86_64", 0x0100000c: "arm64" }[view.getUint32(4, true)] ?? "unknown"}`;
  }
  if (view.getUint16(0, true) === 0x5a4d) {
    const pe = view.getUint32(0x3c, true);
    if (view.getUint32(pe, true) !== 0x00004550) return "MZ without PE";
    const machine = view.getUint16(pe + 4, true) === 0x8664 ? "x86-64" : "unknown";
    return `${view.getUint16(pe + 24, true) === 0x20b ? "PE32+" : "PE32"} ${machine}`;
  }
  return "unknown";
}
