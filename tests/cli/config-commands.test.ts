import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempHome } from "../helpers/cli.ts";

let home: string;
let cleanup: () => void;
let env: Record<string, string>;
let configPath: string;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
  env = { HOME: home };
  configPath = join(home, ".openclaw", "openclaw.json");
});
afterEach(() => cleanup());

describe("openclaw config", () => {
  test("set then get round-trips, with the restart hint", async () => {
    const set = await cli(["config", "set", "gateway.port", "19555"], env);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain("Restart the gateway to apply.");
    const get = await cli(["config", "get", "gateway.port"], env);
    expect(get).toEqual({ code: 0, stdout: "19555", stderr: "" });
    const hot = await cli(["config", "set", "logging.level", "debug"], env);
    expect(hot.stdout).toContain("Change will apply without restarting the gateway.");
    expect(JSON.parse((await cli(["config", "get", "logging", "--json"], env)).stdout)).toEqual({ level: "debug" });
  });

  test("values parse as JSON5, bare words as strings", async () => {
    await cli(["config", "set", "gateway.controlUi.allowedOrigins", "['http://a', 'http://b']"], env);
    await cli(["config", "set", "gateway.mode", "local"], env);
    const written = JSON.parse(readFileSync(configPath, "utf8"));
    expect(written.gateway).toEqual({ controlUi: { allowedOrigins: ["http://a", "http://b"] }, mode: "local" });
  });

  test("an invalid set (wrong type) is refused and leaves the file byte-identical", async () => {
    await cli(["config", "set", "gateway.port", "19555"], env);
    const before = readFileSync(configPath);
    const bad = await cli(["config", "set", "gateway.port", "abc"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("gateway.port");
    expect(bad.stderr).toContain("nothing was written");
    expect(readFileSync(configPath)).toEqual(before);
    const typo = await cli(["config", "set", "gateway.prot", "1"], env);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("gateway.prot");
    expect(readFileSync(configPath)).toEqual(before);
    // Keys the second wave's features read are typed too: each wrong value is refused before it is written.
    for (const [path, value] of [["cron.enabled", "maybe"], ["canvasHost.port", "notaport"], ["gateway.canvasHost.liveReload", "sometimes"], ["gateway.nodes.commands.allow", '"x"'], ["gateway.nodes.pairing.autoApproveLocal", "1"]]) {
      const refused = await cli(["config", "set", path!, value!], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(path!);
      expect(readFileSync(configPath)).toEqual(before);
    }
  });

  test("--strict-json rejects JSON5-only syntax", async () => {
    const result = await cli(["config", "set", "gateway.port", "'1'", "--strict-json"], env);
    expect(result.code).toBe(1);
    expect(existsSync(configPath)).toBe(false);
  });

  test("unset removes a key; unsetting an absent key fails and changes nothing", async () => {
    await cli(["config", "set", "gateway.bind", "lan"], env);
    expect((await cli(["config", "unset", "gateway.bind"], env)).code).toBe(0);
    expect((await cli(["config", "get", "gateway.bind"], env)).code).toBe(1);
    const before = readFileSync(configPath);
    const absent = await cli(["config", "unset", "gateway.bind"], env);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain("not set");
    expect(readFileSync(configPath)).toEqual(before);
  });

  test("get redacts secrets", async () => {
    await cli(["config", "set", "gateway.auth.token", "s3cret-value"], env);
    const get = await cli(["config", "get", "gateway.auth"], env);
    expect(get.stdout).not.toContain("s3cret-value");
    expect(get.stdout).toContain("REDACTED");
  });

  test("validate lists every problem and exits 1; a syntax error names file:line:col", async () => {
    mkdirSync(join(home, ".openclaw"), { recursive: true });
    writeFileSync(configPath, `{ gateway: { prot: 1, port: 70000, bind: "moon" } }`);
    const result = await cli(["config", "validate"], env);
    expect(result.code).toBe(1);
    for (const path of ["gateway.prot", "gateway.port", "gateway.bind"]) expect(result.stderr).toContain(path);
    const json = await cli(["config", "validate", "--json"], env);
    expect(JSON.parse(json.stdout).issues.length).toBe(3);
    writeFileSync(configPath, `{\n  gateway: {\n    port: 1,,\n}}`);
    const syntax = await cli(["config", "validate"], env);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toContain("openclaw.json:3:13");
  });

  test("validate passes on a good file and on a missing one", async () => {
    expect((await cli(["config", "validate"], env)).code).toBe(0);
    await cli(["config", "set", "gateway.mode", "local"], env);
    expect((await cli(["config", "validate"], env)).stdout).toContain("Config valid");
  });

  test("file prints the active path, honouring overrides and profiles", async () => {
    expect((await cli(["config", "file"], env)).stdout).toBe(configPath);
    expect((await cli(["--profile", "work", "config", "file"], env)).stdout).toBe(join(home, ".openclaw-work", "openclaw.json"));
    expect((await cli(["config", "file", "--dev"], env)).stdout).toBe(join(home, ".openclaw-dev", "openclaw.json"));
    const custom = join(home, "elsewhere.json");
    expect((await cli(["config", "file", "--json"], { ...env, OPENCLAW_CONFIG_PATH: custom })).stdout).toBe(
      JSON.stringify({ path: custom }),
    );
  });

  test("profiles never share a file", async () => {
    await cli(["--profile", "a", "config", "set", "gateway.port", "1111"], env);
    await cli(["--profile", "b", "config", "set", "gateway.port", "2222"], env);
    expect((await cli(["--profile", "a", "config", "get", "gateway.port"], env)).stdout).toBe("1111");
    expect((await cli(["--profile", "b", "config", "get", "gateway.port"], env)).stdout).toBe("2222");
    expect((await cli(["config", "get", "gateway.port"], env)).code).toBe(1);
  });

  test("OPENCLAW_CONFIG_READONLY=1 refuses writes", async () => {
    const result = await cli(["config", "set", "gateway.port", "1"], { ...env, OPENCLAW_CONFIG_READONLY: "1" });
    expect(result.code).toBe(1);
    expect(existsSync(configPath)).toBe(false);
  });
});

describe("argument checking", () => {
  test("unknown flags are an error with a hint", async () => {
    const result = await cli(["config", "get", "gateway.port", "--jsno"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Unknown option --jsno");
    expect(result.stderr).toContain("Did you mean --json?");
  });

  test("unknown commands suggest the closest", async () => {
    const result = await cli(["confg"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Did you mean `openclaw config`?");
  });

  test("surplus positionals are rejected", async () => {
    const result = await cli(["config", "get", "a", "b"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Unexpected argument");
  });

  test("global flags work before and after the subcommand", async () => {
    const before = await cli(["--profile", "x", "config", "file"], env);
    const after = await cli(["config", "file", "--profile=x"], env);
    expect(before.stdout).toBe(after.stdout);
  });

  test("--dev with a different --profile is refused", async () => {
    expect((await cli(["--dev", "--profile", "x", "config", "file"], env)).code).toBe(1);
  });

  test("help is plain text for every level", async () => {
    for (const argv of [["--help"], ["gateway", "--help"], ["gateway", "run", "--help"], ["config", "set", "-h"]]) {
      const result = await cli(argv, env);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(/\u001b\[/);
      expect(result.stdout).toContain("Usage: openclaw");
    }
  });
});

describe("dev profile", () => {
  test("--reset without --dev is refused", async () => {
    const result = await cli(["gateway", "run", "--reset"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--reset requires --dev");
  });
});
