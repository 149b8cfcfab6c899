// hooks.* resolution and mapping templates, without a gateway.
import { describe, expect, test } from "bun:test";
import type { ConfigSnapshot } from "../../src/config/load.ts";
import { hooksConfig } from "../../src/hooks/config.ts";
import { renderTemplate } from "../../src/hooks/templates.ts";
import { SystemEventQueue as WakeQueue } from "../../src/automations/system-events.ts";

const snap = (hooks: unknown) => ({ config: { hooks } }) as unknown as ConfigSnapshot;

describe("hooksConfig", () => {
  test("off unless enabled; enabled needs a token; the path is normalized and '/' refused", () => {
    expect(hooksConfig(snap(undefined))).toMatchObject({ enabled: false, basePath: "/hooks", problems: [] });
    expect(hooksConfig(snap({ token: "t" })).enabled).toBe(false);
    expect(hooksConfig(snap({ enabled: true, token: "t", path: "in/coming//" }))).toMatchObject({ enabled: true, basePath: "/in/coming" });
    const noToken = hooksConfig(snap({ enabled: true }));
    expect(noToken.enabled).toBe(false);
    expect(noToken.problems[0]).toStartWith("hooks.token:");
    expect(hooksConfig(snap({ enabled: true, token: "t", path: "/" })).problems).toContain("hooks.path: may not be '/'");
    expect(hooksConfig(snap({ enabled: true, token: 5 })).problems[0]).toStartWith("hooks.token:");
  });

  test("session and agent policy", () => {
    const h = hooksConfig(snap({ enabled: true, token: "t", allowedAgentIds: ["Main"], allowedSessionKeyPrefixes: ["Hook:", " "] }));
    expect([...h.allowedAgentIds!]).toEqual(["main"]);
    expect(h.allowedSessionKeyPrefixes).toEqual(["hook:"]);
    expect(hooksConfig(snap({ enabled: true, token: "t", allowedAgentIds: ["*"] })).allowedAgentIds).toBeUndefined();
    expect(hooksConfig(snap({ enabled: true, token: "t", allowedSessionKeyPrefixes: ["x:"] })).problems).toEqual([
      "hooks.allowedSessionKeyPrefixes: must include 'hook:' when hooks.defaultSessionKey is unset",
    ]);
    expect(hooksConfig(snap({ enabled: true, token: "t", mappings: [{ sessionKey: "hook:{{id}}" }] })).problems[0]).toContain("requires hooks.allowedSessionKeyPrefixes");
    expect(hooksConfig(snap({ enabled: true, token: "t", mappings: [{ forEach: "__proto__" }] })).enabled).toBe(false);
  });
});

describe("templates", () => {
  const ctx = { payload: { a: { b: [{ c: "deep" }] }, n: 0, o: { k: 1 }, path: "field" }, headers: { "x-event": "push" }, query: { kind: "k" }, path: "gh" };
  test("payload paths, headers, query, path, now; missing and unsafe keys render empty", () => {
    expect(renderTemplate("{{a.b[0].c}} {{payload.n}} {{o}} {{headers.X-Event}} {{query.kind}} {{path}} {{payload.path}} [{{nope.x}}] [{{__proto__}}] [{{constructor.name}}]", ctx)).toBe(
      'deep 0 {"k":1} push k gh field [] [] []',
    );
    expect(renderTemplate("{{now}}", ctx)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe("WakeQueue", () => {
  test("coalesces only the same text as the most recent pending event; keeps 20 per session", () => {
    const q = new WakeQueue();
    const w = (text: string) => ({ text, mode: "now" as const, ts: 1, source: "wake" });
    expect(q.enqueue("s", w("a"))).toBe("queued");
    expect(q.enqueue("s", w("a"))).toBe("coalesced");
    expect(q.enqueue("s", w("b"))).toBe("queued");
    expect(q.enqueue("s", w("a"))).toBe("queued");
    expect(q.enqueue("t", w("a"))).toBe("queued");
    for (let i = 0; i < 30; i++) q.enqueue("s", w(`x${i}`));
    expect(q.peek("s").length).toBe(20);
    const taken = q.peek("s");
    q.enqueue("s", w("late"));
    q.consume("s", taken);
    expect(q.peek("s").map((e) => e.text)).toEqual(["late"]);
  });
});
