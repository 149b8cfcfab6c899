// Beyond loopback the canvas host is behind gateway auth (reference: network.md). The gateway binds 0.0.0.0
// only inside a private network namespace (`unshare -n`), so no traffic leaves this machine's test sandbox.
// Skips when namespaces are not available (not root, no unshare).
import { expect, test } from "bun:test";
import { join } from "node:path";

const canUnshare = Bun.spawnSync(["unshare", "-n", "true"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
if (!canUnshare) console.warn("skipping the canvas lan test: `unshare -n` is not available");

test.skipIf(!canUnshare)("bound beyond loopback, every canvas path needs the gateway secret", async () => {
  const probe = join(import.meta.dir, "lan-probe.ts");
  const proc = Bun.spawn(["unshare", "-n", "sh", "-c", `ip link set lo up && exec "${process.execPath}" "${probe}"`], { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGTERM"), 40_000);
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  clearTimeout(timer);
  const line = out.trim().split("\n").at(-1) ?? "";
  if (!line.startsWith("{")) throw new Error(`probe failed (${proc.exitCode}):\n${out}\n${err}`);
  const result = JSON.parse(line);
  expect(result).toMatchObject({ none: 401, wrong: 401, right: 200, liveNone: 401, a2uiNone: 401 });
  expect(result.body).toContain("<h1>lan</h1>");
}, 60_000);
