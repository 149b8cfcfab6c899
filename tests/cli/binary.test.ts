// Foundation's checks on the compiled binary (dist/openclaw, built once per run with the release flags).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiledBinary, runCommand, type RunOptions } from "../helpers/binary.ts";

const ROOT = join(import.meta.dir, "..", "..");
const ANSI = /\x1b\[/;
const scratch = mkdtempSync(join(tmpdir(), "openclaw-bin-"));
let bin: string;

beforeAll(async () => {
  bin = await compiledBinary();
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Colour allowed as far as the environment goes: only the pipe should turn it off. */
const colourEnv = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: "xterm-256color" };

/** Runs `openclaw <args> | cat` through a real shell pipe and returns what cat printed. */
function piped(args: string[], opts: RunOptions = {}) {
  const quoted = [bin, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  return runCommand(["sh", "-c", `${quoted} 2>&1 | cat`], { ...opts, env: { ...colourEnv, ...opts.env } });
}

describe("compiled openclaw", () => {
  test("--version exits 0 and prints `OpenClaw <version> (<commit>)`", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const result = await runCommand([bin, "--version"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(new RegExp(`^OpenClaw ${version.replaceAll(".", "\\.")} \\([0-9a-f]{7,}(-dirty)?\\)\\n$`));
  });

  test("--bogus exits 1 with a hint on stderr and nothing on stdout", async () => {
    const result = await runCommand([bin, "--bogus"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Unknown option --bogus");
    expect(result.stderr).toContain("openclaw --help");
  });

  test("an unknown subcommand exits 1 and suggests the closest one", async () => {
    const result = await runCommand([bin, "config", "gett"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Did you mean `openclaw config get`?");
  });

  test("`openclaw --help | cat` has no ANSI escapes", async () => {
    const result = await piped(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: openclaw <command> [options]");
    expect(result.stdout).not.toMatch(ANSI);
  });

  test.each(["config --help", "config get --help", "gateway --help", "--bogus"])(
    "`openclaw %s 2>&1 | cat` has no ANSI escapes either",
    async (line) => {
      const result = await piped(line.split(" "));
      expect(result.stdout).not.toBe("");
      expect(result.stdout).not.toMatch(ANSI);
    },
  );

  test("`config get gateway.port` reads a real config file from OPENCLAW_STATE_DIR", async () => {
    const state = join(scratch, "state");
    const env = { OPENCLAW_STATE_DIR: state, HOME: scratch, OPENCLAW_CONFIG_PATH: undefined };
    expect((await runCommand([bin, "config", "set", "gateway.port", "19123"], { env })).code).toBe(0);
    const result = await runCommand([bin, "config", "get", "gateway.port"], { env });
    expect(result).toMatchObject({ code: 0, stdout: "19123\n" });

    writeFileSync(join(state, "openclaw.json"), "{ gateway: { port: 1, }\n");
    const broken = await runCommand([bin, "config", "get", "gateway.port"], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/openclaw\.json:\d+:\d+/);
  });
});
