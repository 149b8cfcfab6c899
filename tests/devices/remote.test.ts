// The non-loopback path needs a peer address that is not loopback, made only inside a private network namespace
// (`unshare -n`, a test address of its own on `lo`): this file runs tests/devices/netns/remote.netns.ts there,
// never on the machine's interfaces.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { netnsSupport } from "../discovery/_netns.ts";

const REPO = join(import.meta.dir, "..", "..");
const support = netnsSupport();
const running = new Set<Subprocess>();
afterAll(() => {
  for (const proc of running) proc.kill("SIGKILL");
});

describe.skipIf(!support.ok)(`devices over a non-loopback path in a private network namespace${support.ok ? "" : ` — SKIPPED: ${support.reason}`}`, () => {
  test("remote.netns.ts: pending → reject → approve → admitted; device token works remotely", async () => {
    const proc = Bun.spawn(
      ["unshare", support.ok ? support.flags : "-n", "sh", "-c", 'ip link set lo up && exec "$0" test --timeout 60000 "$1"', process.execPath, "./tests/devices/netns/remote.netns.ts"],
      { cwd: REPO, env: { ...process.env, OPENCLAW_TEST_NETNS: "1", NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" },
    );
    running.add(proc);
    const killer = setTimeout(() => proc.kill("SIGKILL"), 120_000);
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    clearTimeout(killer);
    running.delete(proc);
    const report = `${out}\n${err}`;
    console.log(report.split("\n").filter((line) => /^\((pass|fail|skip)\)|^ \d+ (pass|fail|skip)|error:/.test(line)).map((l) => `    remote.netns.ts ${l}`).join("\n"));
    if (proc.exitCode !== 0) throw new Error(`remote.netns.ts failed inside the namespace (exit ${proc.exitCode}):\n${report}`);
    expect(report).toMatch(/ 3 pass/);
    expect(report).toMatch(/ 0 fail/);
  }, 130_000);
});
