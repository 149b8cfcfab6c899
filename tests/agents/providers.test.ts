// Provider adapters against the in-process stand-in: the three wire formats, SSE split across chunks,
// retries on 429 honouring Retry-After, fallbacks, cancellation and a stream cut mid-way.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ModelTarget, ProviderConfig } from "../../src/agents/config.ts";
import { streamWithFallback, type ProviderEvent } from "../../src/agents/providers/index.ts";
import { parseRetryAfter } from "../../src/agents/providers/http.ts";
import { readSse, SseParser } from "../../src/agents/providers/sse.ts";
import { ProviderError } from "../../src/agents/providers/types.ts";
import { startStandIn, type StandIn } from "./stand-in.ts";

let standIn: StandIn;
beforeAll(() => {
  standIn = startStandIn();
});
afterAll(() => standIn.stop());

function target(modelId: string, api: ProviderConfig["api"] = "openai-completions", extra: Partial<ProviderConfig> = {}): ModelTarget {
  const baseUrl = api === "anthropic-messages" ? standIn.url : `${standIn.url}/v1`;
  return { ref: `p/${modelId}`, providerId: "p", modelId, provider: { baseUrl, apiKey: "sk-test", api: api ?? "openai-completions", ...extra } as ModelTarget["provider"] };
}

async function collect(chain: ModelTarget[], signal = new AbortController().signal) {
  const events: ProviderEvent[] = [];
  const fallbacks: string[] = [];
  const outcome = await streamWithFallback(chain, { messages: [{ role: "user", content: "hi there" }] }, { signal }, (e) => events.push(e), (f, next) => fallbacks.push(`${f.ref}->${next.ref}`));
  const text = events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
  return { events, text, outcome, fallbacks };
}

describe("SSE parsing", () => {
  test("events survive any split: byte by byte, CRLF across chunks, multi-line data, comments", () => {
    const wire = ": comment\r\nevent: a\r\ndata: one\r\ndata: two\r\n\r\ndata: {\"x\":1}\n\nid: 7\ndata: last\r\r";
    const parser = new SseParser();
    const events = [...wire].flatMap((ch) => parser.push(ch)).concat(parser.end());
    expect(events).toEqual([{ event: "a", data: "one\ntwo" }, { data: '{"x":1}' }, { data: "last", id: "7" }]);
  });

  test("a multi-byte character split between chunks is decoded whole", async () => {
    const bytes = new TextEncoder().encode("data: héllo ✓\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 3) c.enqueue(bytes.slice(i, i + 3));
        c.close();
      },
    });
    const out = [];
    for await (const e of readSse(body)) out.push(e.data);
    expect(out).toEqual(["héllo ✓"]);
  });

  test("Retry-After in seconds, milliseconds and as a date", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "150" }))).toBe(150);
    expect(parseRetryAfter(new Headers({ "retry-after": new Date(Date.now() + 60_000).toUTCString() }))).toBeGreaterThan(0);
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});

describe("wire formats", () => {
  for (const api of ["openai-completions", "openai-responses", "anthropic-messages"] as const) {
    test(`${api}: text, usage and finish reason`, async () => {
      const { text, events } = await collect([target(`m-${api}`, api)]);
      expect(text).toBe(`echo(m-${api}): hi there`);
      expect(events.find((e) => e.type === "usage")).toMatchObject({ usage: { input: 7 } });
      expect(events.at(-1)?.type === "finish" || events.some((e) => e.type === "finish" && e.reason === "stop")).toBe(true);
      const seen = standIn.requests.find((r) => r.model === `m-${api}`)!;
      if (api === "anthropic-messages") {
        expect(seen.headers["x-api-key"]).toBe("sk-test");
        expect(seen.headers["anthropic-version"]).toBe("2023-06-01");
        expect(seen.body.max_tokens).toBeGreaterThan(0);
      } else {
        expect(seen.headers.authorization).toBe("Bearer sk-test");
      }
    });

    test(`${api}: tool-call deltas are passed through`, async () => {
      const { events } = await collect([target(`tool-${api}`, api)]);
      const calls = events.filter((e) => e.type === "tool_call") as Array<Extract<ProviderEvent, { type: "tool_call" }>>;
      expect(calls[0]).toMatchObject({ index: 0, name: "lookup" });
      expect(calls.map((c) => c.arguments ?? "").join("")).toBe('{"q":"weather"}');
      expect(events.some((e) => e.type === "finish" && e.reason === "tool_calls")).toBe(true);
    });
  }
});

describe("failures", () => {
  test("429 with Retry-After is retried, then succeeds", async () => {
    const { text } = await collect([target("flaky-a")]);
    expect(text).toBe("echo(flaky-a): hi there");
    expect(standIn.requests.filter((r) => r.model === "flaky-a")).toHaveLength(2);
  });

  test("a failing primary falls back to the next model", async () => {
    const { text, outcome, fallbacks } = await collect([target("fail-primary", "openai-completions", { maxRetries: 1 }), target("backup")]);
    expect(text).toBe("echo(backup): hi there");
    expect(outcome.target.modelId).toBe("backup");
    expect(outcome.failures[0]!.error.status).toBe(500);
    expect(fallbacks).toEqual(["p/fail-primary->p/backup"]);
    expect(standIn.requests.filter((r) => r.model === "fail-primary")).toHaveLength(2);
  });

  test("every model failing reports each failure", async () => {
    const error = await collect([target("fail-x", "openai-completions", { maxRetries: 0 }), target("fail-y", "anthropic-messages", { maxRetries: 0 })]).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toContain("fail-x");
    expect(error.message).toContain("fail-y");
  });

  test("a stream cut mid-way is an error, not a silent short reply", async () => {
    const error = await collect([target("cut-a"), target("never-used")]).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(standIn.requests.some((r) => r.model === "never-used")).toBe(false);
  });

  test("cancelling aborts the upstream request", async () => {
    const ctl = new AbortController();
    const pending = streamWithFallback([target("slow-cancel")], { messages: [{ role: "user", content: "x" }] }, { signal: ctl.signal }, (e) => {
      if (e.type === "text") ctl.abort();
    }).catch((e) => e);
    const error = await pending;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe("aborted");
    const seen = await standIn.waitFor((r) => r.model === "slow-cancel" && r.aborted);
    expect(seen.finished).toBe(false);
  });

  test("an unreachable provider is a network error naming the model", async () => {
    const dead: ModelTarget = { ...target("x", "openai-completions", { maxRetries: 0 }), provider: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", maxRetries: 0 } };
    const error = await collect([dead]).catch((e) => e);
    expect(error.kind).toBe("network");
    expect(error.message).toContain("p/x");
  });
});
