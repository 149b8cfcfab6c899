// What a new user hits first (issue 15 §3.1, §3.6): every command ends by its deadline with exit 1,
// `--version` anywhere, and no ANSI colour on a stream that is not a terminal.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { commandTimeoutMs, timeoutArg, withinDeadline } from "../../src/cli/_deadline.ts";
import { CliError } from "../../src/cli/context.ts";
import { COMMIT, VERSION, versionLine } from "../../src/version.ts";
import { compiledBinary, runCommand } from "../helpers/binary.ts";
import { cli } from "../helpers/cli.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const ANSI = /\x1b\[/;
/** Colour allowed as far as the environment goes: only the pipe should turn it off. */
const colourEnv = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: "xterm-256color" };

let gw: SpawnedGateway;
let bin: string;

beforeAll(async () => {
  [gw, bin] = await Promise.all([spawnGateway(), compiledBinary()]);
}, 120_000);
afterAll(() => stopAllGateways());

const fromSource = (args: string[]) => [process.execPath, MAIN, ...args];

describe("a failed agent run ends (no model provider: the default state)", () => {
  for (const [label, command] of [["from source", fromSource], ["compiled", (args: string[]) => [bin, ...args]]] as const) {
    test(`${label}: prints Agent failed and exits 1 instead of hanging`, async () => {
      const args = ["agent", "--message", "hi", "--url", gw.url, "--token", gw.token, "--timeout", "5000"];
      // The kill timer is far beyond --timeout: a hang shows as timedOut, not as a slow pass.
      const result = await runCommand(command(args), { env: { HOME: gw.stateDir, OPENCLAW_STATE_DIR: gw.stateDir }, timeoutMs: 30_000 });
      expect(result.timedOut).toBe(false);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Agent failed: No model provider is configured");
    }, 40_000);
  }
});

describe("the router keeps --timeout for commands that declare it", () => {
  test("commandTimeoutMs reads --timeout, falls back to the default, and ignores commands without it", () => {
    const args = { ...timeoutArg(10_000) };
    expect(commandTimeoutMs(args, ["--timeout", "250"])).toBe(250);
    expect(commandTimeoutMs(args, ["--timeout=300"])).toBe(300);
    expect(commandTimeoutMs(args, [])).toBe(10_000);
    expect(commandTimeoutMs(args, ["--timeout", "soon"])).toBe(10_000);
    expect(commandTimeoutMs({ timeout: { type: "string" } }, ["--timeout", "5"])).toBeUndefined();
  });

  test("a command that never settles is ended with a CliError", async () => {
    const never = new Promise<never>(() => {});
    const error = await withinDeadline(never, 1, () => new CliError("over")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(await withinDeadline(Promise.resolve(7), 60_000, () => new CliError("over"))).toBe(7);
  });
});

describe("--version anywhere on the line", () => {
  for (const argv of [["gateway", "--version"], ["status", "--version"], ["--dev", "--version"], ["config", "get", "x", "-V"]]) {
    test(argv.join(" "), async () => {
      expect(await cli(argv, { HOME: "/nonexistent" })).toEqual({ code: 0, stdout: versionLine(), stderr: "" });
    });
  }

  test("--version --json prints the version as JSON", async () => {
    const result = await cli(["--version", "--json"], { HOME: "/nonexistent" });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ version: VERSION, commit: COMMIT });
  });
});

describe("usage errors on a pipe carry no colour", () => {
  test("--bind takes a mode or an IP address; anything else is refused before any config is read", async () => {
    const result = await runCommand(fromSource(["gateway", "run", "--bind", "bogus"]), { env: { ...colourEnv, HOME: "/nonexistent" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Invalid value for argument: --bind (bogus); expected loopback, lan, tailnet, auto, custom or an IP address");
    expect(result.stderr).not.toMatch(ANSI);
  });

  for (const [label, command] of [["from source", fromSource], ["compiled", (args: string[]) => [bin, ...args]]] as const) {
    test(`${label}: bad enum value`, async () => {
      const result = await runCommand(command(["gateway", "run", "--auth", "bogus"]), { env: { ...colourEnv, HOME: "/nonexistent" } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Invalid value for argument: --auth (bogus)");
      expect(result.stderr).not.toMatch(ANSI);
    });
  }
});
