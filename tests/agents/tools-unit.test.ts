// The pieces under the tools: approval timeouts on an injected timer (no sleeping), workspace path rules
// including symlinks that lead out, apply_patch all-or-nothing, tool policy groups, and the allowlist match.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { matchAllowlist } from "../../src/agents/tools/allowlist.ts";
import { applyPatchTool } from "../../src/agents/tools/apply-patch.ts";
import { Approvals, type ApprovalTimers } from "../../src/agents/tools/approvals.ts";
import { ensureWorkspace, PathError, resolveInWorkspace } from "../../src/agents/tools/paths.ts";
import { toolAllowed } from "../../src/agents/tools/policy.ts";

const scratch = mkdtempSync(join(tmpdir(), "oc-tools-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fakeTimers() {
  let now = 1_000;
  const pending: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const timers: ApprovalTimers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn, live: true };
      pending.push(t);
      return t;
    },
    clearTimeout: (t) => void ((t as { live: boolean }).live = false),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of pending) if (t.live && t.at <= now) (t.live = false), t.fn();
  };
  return { timers, advance };
}

const request = { command: "ls", cwd: "/w", agentId: "main", sessionKey: "agent:main:x", host: "gateway" as const, security: "allowlist", ask: "on-miss" };

test("an approval times out when the injected clock passes its deadline, not before", async () => {
  const events: Array<[string, any]> = [];
  const { timers, advance } = fakeTimers();
  const approvals = new Approvals((e, p) => events.push([e, p]), timers);
  const outcome = approvals.request(request, 60_000);
  expect(approvals.list()).toEqual([{ id: expect.any(String), request, createdAtMs: 1_000, expiresAtMs: 61_000 }]);
  advance(59_999);
  expect(approvals.list().length).toBe(1);
  advance(1);
  expect(await outcome).toBe("timeout");
  expect(approvals.list()).toEqual([]);
  expect(events.map(([e, p]) => [e, p.decision, p.reason])).toEqual([["exec.approval.requested", undefined, undefined], ["exec.approval.resolved", "deny", "timeout"]]);
  expect(() => approvals.resolve(events[0]![1].id, "allow-once")).toThrow("unknown or expired");
});

test("decisions, bad decisions and aborts", async () => {
  const { timers } = fakeTimers();
  const approvals = new Approvals(() => {}, timers);
  const first = approvals.request(request, 1000);
  const id = approvals.list()[0]!.id;
  expect(() => approvals.resolve(id, "maybe")).toThrow("decision must be");
  approvals.resolve(id, "allow-always");
  expect(await first).toBe("allow-always");
  const ctl = new AbortController();
  const second = approvals.request(request, 1000, ctl.signal);
  ctl.abort();
  expect(await second).toBe("aborted");
});

test("paths: relative inside, .. and absolute outside refused, a symlink leading out refused", () => {
  const root = ensureWorkspace(join(scratch, "ws"));
  mkdirSync(join(scratch, "outside"));
  symlinkSync(join(scratch, "outside"), join(root, "door"));
  expect(resolveInWorkspace(root, "a/b.txt")).toBe(join(root, "a", "b.txt"));
  expect(resolveInWorkspace(root, join(root, "c.txt"))).toBe(join(root, "c.txt"));
  for (const bad of ["../x", "/etc/passwd", "a/../../x", "door/secret.txt", "door"]) expect(() => resolveInWorkspace(root, bad)).toThrow(PathError);
});

test("apply_patch adds, updates and deletes; a failing hunk changes nothing", async () => {
  const root = ensureWorkspace(join(scratch, "patch"));
  writeFileSync(join(root, "keep.txt"), "one\ntwo\nthree\n");
  writeFileSync(join(root, "gone.txt"), "bye\n");
  const ctx = { workspace: root, agentId: "main", sessionKey: "k", signal: new AbortController().signal };
  const patch = "*** Begin Patch\n*** Add File: new/n.txt\n+fresh\n*** Update File: keep.txt\n@@\n one\n-two\n+TWO\n*** Delete File: gone.txt\n*** End Patch";
  const result = await applyPatchTool.run({ input: patch }, ctx);
  expect(result.text).toBe("Applied patch:\nA new/n.txt\nM keep.txt\nD gone.txt");
  expect(readFileSync(join(root, "keep.txt"), "utf8")).toBe("one\nTWO\nthree\n");
  expect(readFileSync(join(root, "new/n.txt"), "utf8")).toBe("fresh\n");
  const bad = "*** Begin Patch\n*** Add File: other.txt\n+x\n*** Update File: keep.txt\n@@\n-nope\n+yes\n*** End Patch";
  expect(() => applyPatchTool.run({ input: bad }, ctx)).toThrow("hunk does not match");
  expect(() => readFileSync(join(root, "other.txt"))).toThrow();
  expect(() => applyPatchTool.run({ input: "*** Begin Patch\n*** Add File: ../out.txt\n+x\n*** End Patch" }, ctx)).toThrow("outside the workspace");
});

test("tool policy: deny wins, allow narrows, groups expand, per agent", () => {
  const config = { tools: { deny: ["exec"] }, agents: { entries: { Reader: { tools: { allow: ["group:fs"], deny: ["write"] } } } } };
  expect(toolAllowed(config, "main", "exec")).toBe(false);
  expect(toolAllowed(config, "main", "write")).toBe(true);
  expect(toolAllowed(config, "reader", "read")).toBe(true);
  expect(toolAllowed(config, "reader", "write")).toBe(false);
  expect(toolAllowed(config, "reader", "process")).toBe(false);
});

test("the allowlist admits simple commands only", () => {
  const entries = [{ id: "1", pattern: "echo" }, { id: "2", pattern: "/usr/bin/*" }];
  const env = { PATH: "/usr/bin:/bin" };
  expect(matchAllowlist(entries, "echo hi", env)?.id).toBe("1");
  expect(matchAllowlist(entries, "echo hi; rm -rf /", env)).toBeUndefined();
  expect(matchAllowlist(entries, "echo $(id)", env)).toBeUndefined();
  expect(matchAllowlist(entries, "env", env)?.id).toBe("2");
});
