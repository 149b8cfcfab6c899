// `npm start` must not leave the gateway behind (issue 15 §3.3): TERM or INT to npm's pid stops it
// within 5 s, and so does TERM to a shell that sits between the script runner and the gateway.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/gateway.ts";

const ROOT = join(import.meta.dir, "..", "..");
const scratch: string[] = [];
const spawned = new Set<number>();

afterAll(() => {
  // Leftovers by pid only (a failed assertion must not leave a gateway running).
  for (const pid of spawned) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** The children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) follows the parenthesized command name, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return children;
}

/** The deepest descendant of `pid` running src/main.ts: the gateway, not a `sh -c "… src/main.ts …"` above it. */
function gatewayUnder(pid: number): number | undefined {
  for (const child of childrenOf(pid)) {
    const deeper = gatewayUnder(child);
    if (deeper !== undefined) return deeper;
    const argv = readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0");
    if (argv.includes("src/main.ts") && !/(^|\/)(sh|bash|dash)$/.test(argv[0]!)) return child;
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; it has stopped all the same.
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

/** Polls the pid until it is gone or `ms` have passed; true when gone. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (!alive(pid)) return true;
    await Bun.sleep(50);
  }
  return !alive(pid);
}

/** Starts `argv` in the checkout with a fresh HOME and state dir on a free port; resolves once listening. */
async function startScript(argv: string[], extraEnv: Record<string, string | undefined> = {}, devConfig?: Record<string, unknown>) {
  const home = mkdtempSync(join(tmpdir(), "openclaw-npm-start-"));
  scratch.push(home);
  if (devConfig) {
    mkdirSync(join(home, "state"), { mode: 0o700 });
    writeFileSync(join(home, "state", "openclaw.json"), JSON.stringify(devConfig), { mode: 0o600 });
  }
  const env: Record<string, string> = {};
  // Not the test runner's own npm context: the script under test sets its own.
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("npm_") && !key.startsWith("OPENCLAW_")) env[key] = value;
  Object.assign(env, { HOME: home, OPENCLAW_STATE_DIR: join(home, "state"), OPENCLAW_GATEWAY_PORT: String(freePort()), NO_COLOR: "1" }, extraEnv);
  for (const [key, value] of Object.entries(extraEnv)) if (value === undefined) delete env[key];
  // Its own process group, as from a terminal; the signal under test goes to one pid only.
  const proc = Bun.spawn(argv, { cwd: ROOT, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  spawned.add(proc.pid);
  let text = "";
  const decoder = new TextDecoder();
  // The banner ends with the CLI line under --dev; the gateway's own log lines may come in between.
  const ready = /^CLI: .*\n/m;
  const reader = (async () => {
    for await (const chunk of proc.stdout) {
      text += decoder.decode(chunk, { stream: true });
      if (ready.test(text)) return;
    }
  })();
  await Promise.race([reader, proc.exited]);
  if (!ready.test(text)) throw new Error(`no banner; output:\n${text}${await new Response(proc.stderr).text()}`);
  const gateway = gatewayUnder(proc.pid);
  if (gateway === undefined) throw new Error("no gateway process under the script runner");
  spawned.add(gateway);
  return { proc, gateway, env, output: () => text };
}

describe.skipIf(process.platform !== "linux")("npm start stops with its starter", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal} to npm's pid stops the gateway within 5 s`, async () => {
      const { proc, gateway } = await startScript(["npm", "start"]);
      proc.kill(signal);
      expect(await goneWithin(gateway, 5000)).toBe(true);
      await proc.exited;
    }, 30_000);
  }

  test("TERM to a shell between the script runner and the gateway stops the gateway within 5 s", async () => {
    // `; true` keeps sh from exec'ing bun: the shell dies, the gateway is orphaned and must notice.
    const { proc, gateway } = await startScript(["sh", "-c", `"${process.execPath}" src/main.ts --dev gateway; true`], { npm_lifecycle_event: "start" });
    expect(gatewayUnder(proc.pid)).toBe(gateway);
    proc.kill("SIGTERM");
    await proc.exited;
    expect(await goneWithin(gateway, 5000)).toBe(true);
  }, 30_000);

  test("the banner names the Control UI and a CLI line that reaches this gateway (port from env: URL and token)", async () => {
    const { proc, env, output } = await startScript(["npm", "start"]);
    const port = env.OPENCLAW_GATEWAY_PORT;
    expect(output()).toContain(`Control UI: http://127.0.0.1:${port}/\n`);
    const line = output().match(/^CLI: (.*)$/m)![1]!;
    expect(line).toMatch(new RegExp(`^npm run openclaw -- gateway health --url ws://127\\.0\\.0\\.1:${port} --token \\S+$`));
    // Another shell: none of this run's OPENCLAW_* variables.
    const other = { ...env, OPENCLAW_GATEWAY_PORT: "", OPENCLAW_STATE_DIR: join(env.HOME!, "elsewhere") };
    const health = Bun.spawnSync(["sh", "-c", line], { cwd: ROOT, env: other });
    expect(health.stderr.toString()).toBe("");
    expect(health.exitCode).toBe(0);
    proc.kill("SIGTERM");
    await proc.exited;
  }, 30_000);

  test("the banner's --dev CLI line reaches the gateway when the dev config holds port and token", async () => {
    const port = freePort();
    const dev = { gateway: { mode: "local", port, auth: { mode: "token", token: "dev-token-" + crypto.randomUUID() } } };
    const { proc, env, output } = await startScript(["npm", "start"], { OPENCLAW_GATEWAY_PORT: undefined }, dev);
    expect(output()).toContain(`Control UI: http://127.0.0.1:${port}/\n`);
    const line = output().match(/^CLI: (.*)$/m)![1]!;
    expect(line).toBe("npm run openclaw -- --dev gateway health");
    const health = Bun.spawnSync(["sh", "-c", line], { cwd: ROOT, env });
    expect(health.exitCode).toBe(0);
    expect(health.stdout.toString()).toContain("OK");
    proc.kill("SIGTERM");
    await proc.exited;
  }, 30_000);
});
