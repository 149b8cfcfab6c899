// The run manager in-process: agents.defaults.maxConcurrent across sessions, queued runs aborted before
// they start, the run timeout, and config problems refused before a run is admitted.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentConfigError } from "../../src/agents/config.ts";
import { RunManager } from "../../src/agents/runs.ts";
import { SessionStore } from "../../src/agents/store.ts";
import type { ConfigSnapshot } from "../../src/config/load.ts";
import { startStandIn, type StandIn } from "./stand-in.ts";

let standIn: StandIn;
const dir = mkdtempSync(join(tmpdir(), "openclaw-runs-"));
const stores: SessionStore[] = [];
beforeAll(() => {
  standIn = startStandIn();
});
afterAll(() => {
  standIn.stop();
  for (const s of stores) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function manager(config: Record<string, unknown>, hasReaders?: () => boolean) {
  const store = SessionStore.open(join(dir, `${crypto.randomUUID()}.sqlite`));
  stores.push(store);
  const snapshot = { config, paths: { stateDir: dir } } as unknown as ConfigSnapshot;
  const events: Array<{ event: string; payload: any }> = [];
  const runs = new RunManager({ config: () => snapshot, store: () => store, broadcast: (event, payload) => events.push({ event, payload }), hasReaders, log: { info() {}, warn() {} } });
  return { runs, events, store };
}

const providers = () => ({ providers: { s: { baseUrl: `${standIn.url}/v1`, models: [{ id: "m" }] } } });
const user = (content: string) => ({ role: "user" as const, content });

describe("run manager", () => {
  test("maxConcurrent 1: a run of another session waits for the running one", async () => {
    const { runs, events } = manager({ models: providers(), agents: { defaults: { model: "s/m", maxConcurrent: 1 } } });
    const a = runs.start({ runId: "a", agentId: "main", sessionKey: "agent:main:a", input: user("one") }).run;
    const b = runs.start({ runId: "b", agentId: "main", sessionKey: "agent:main:b", input: user("two") }).run;
    await Promise.all([a.done, b.done]);
    const phases = events.filter((e) => e.event === "agent" && e.payload.stream === "lifecycle").map((e) => `${e.payload.runId}:${e.payload.data.phase}`);
    expect(phases).toEqual(["a:start", "a:end", "b:start", "b:end"]);
  });

  test("a queued run aborted before it starts never reaches the provider", async () => {
    const { runs } = manager({ models: providers(), agents: { defaults: { model: "s/slow-q" } } });
    const first = runs.start({ runId: "q1", agentId: "main", sessionKey: "agent:main:q", input: user("first") }).run;
    const second = runs.start({ runId: "q2", agentId: "main", sessionKey: "agent:main:q", input: user("second") }).run;
    expect(runs.active("agent:main:q")).toEqual(["q1", "q2"]);
    expect(runs.abortSession("agent:main:q", "q2")).toEqual(["q2"]);
    expect((await second.done).status).toBe("aborted");
    first.abort("test");
    expect((await first.done).status).toBe("aborted");
    expect(standIn.requests.filter((r) => r.body.messages?.at(-1)?.content === "second")).toEqual([]);
  });

  test("the run timeout ends a run with an error naming the key", async () => {
    const { runs, store } = manager({ models: providers(), agents: { defaults: { model: "s/slow-t" } } });
    const run = runs.start({ runId: "t", agentId: "main", sessionKey: "agent:main:t", input: user("x"), timeoutMs: 400 }).run;
    const result = await run.done;
    expect(result.status).toBe("error");
    expect(result.error?.message).toContain("agents.defaults.timeoutSeconds");
    expect(store.history("agent:main:t").at(-1)).toMatchObject({ role: "assistant", stopReason: "error" });
  });

  test("no client may read run events: none is built or broadcast, the run and its transcript are unchanged", async () => {
    const { runs, events, store } = manager({ models: providers(), agents: { defaults: { model: "s/m" } } }, () => false);
    const result = await runs.start({ runId: "unread", agentId: "main", sessionKey: "agent:main:unread", input: user("quiet") }).run.done;
    expect(result).toMatchObject({ status: "ok", text: "echo(m): quiet" });
    expect(events.filter((e) => e.event === "agent" || e.event === "chat")).toEqual([]);
    expect(store.history("agent:main:unread").map((m) => m.content)).toEqual(["quiet", "echo(m): quiet"]);
  });

  test("no provider, no model, unknown agent, invalid config: refused up front with the key to set", () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{}, "main", /models\.providers/],
      [{ models: providers() }, "main", /agents\.defaults\.model/],
      [{ models: providers(), agents: { defaults: { model: "s/m" } } }, "ghost", /agents\.entries\.ghost/],
      [{ models: { providers: { s: { baseUrl: "not a url" } } } }, "main", /models\.providers\.s\.baseUrl/],
      [{ models: providers(), agents: { defaults: { model: "nope/m" } } }, "main", /agents\.defaults\.model "nope\/m"/],
    ];
    for (const [config, agentId, message] of cases) {
      const { runs } = manager(config);
      let error: unknown;
      try {
        runs.start({ runId: crypto.randomUUID(), agentId, sessionKey: `agent:${agentId}:x`, input: user("x") });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AgentConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
