import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireStateLock, LockError } from "./lock.ts";
import { findListeningPids, stopProcess } from "./port-owner.ts";

const dirs: string[] = [];
const children: number[] = [];
afterAll(() => {
  for (const pid of children) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test.skipIf(process.platform !== "linux")("finds this process listening on a port through /proc", async () => {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("x") });
  try {
    expect(await findListeningPids(server.port!)).toContain(process.pid);
  } finally {
    server.stop(true);
  }
});

test("falls back to lsof output through the injected runner", async () => {
  const seen: string[][] = [];
  const pids = await (async () => {
    const original = process.platform;
    Object.defineProperty(process, "platform", { value: "darwin" });
    try {
      return await findListeningPids(4242, async (argv) => {
        seen.push(argv);
        return { code: 0, stdout: "123\n456\n" };
      });
    } finally {
      Object.defineProperty(process, "platform", { value: original });
    }
  })();
  expect(pids).toEqual([123, 456]);
  expect(seen[0]).toEqual(["lsof", "-nP", "-iTCP:4242", "-sTCP:LISTEN", "-t"]);
});

test("stopProcess ends a process that ignores SIGTERM with SIGKILL after the grace", async () => {
  const child = Bun.spawn(["sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"], { stdout: "ignore" });
  children.push(child.pid);
  await Bun.sleep(100);
  const stopped = stopProcess(child.pid, 300);
  await child.exited; // reap, so the PID stops existing for the liveness probe
  expect(await stopped).toBe(true);
  expect(child.signalCode).toBe("SIGKILL");
});

test("the state-dir lock refuses a second live owner and replaces a stale one", () => {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-lock-"));
  dirs.push(dir);
  const first = acquireStateLock(dir, { port: 1 });
  // A second process holding it: simulate by writing another live PID (our parent shell is alive).
  first.release();
  writeFileSync(join(dir, "gateway.lock"), JSON.stringify({ pid: process.ppid, port: 9 }));
  expect(() => acquireStateLock(dir, { port: 2 })).toThrow(LockError);
  // A dead PID's lock is stale and taken over.
  writeFileSync(join(dir, "gateway.lock"), JSON.stringify({ pid: 2 ** 22 + 17, port: 9 }));
  const taken = acquireStateLock(dir, { port: 3 });
  taken.release();
  taken.release();
});
