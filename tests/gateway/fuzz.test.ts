// Robustness: 10,000+ random and mutated frames over many sockets; the gateway stays up and an unrelated
// client keeps getting answers. Also the auth back-off and lockout seen from the wire.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, handshake, openSocket, type TestSocket } from "../helpers/ws.ts";

afterAll(stopAllGateways);

/** A small seeded PRNG so a failing run can be replayed with the same frames. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const rand = prng(SEED);
const pick = <T,>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const randomString = (max: number) =>
  Array.from({ length: Math.floor(rand() * max) }, () => String.fromCharCode(Math.floor(rand() * 0xffff))).join("");

const ODD_VALUES: unknown[] = [null, 0, -1, 1e308, "", "x".repeat(300), [], {}, true, { __proto__: { polluted: 1 } }, [[[[[]]]]], "connect", NaN];
const METHODS = ["health", "status", "system-presence", "config.get", "logs.tail", "config.schema", "last-heartbeat", "connect", "config.patch", "nope", ""];

function validFrame(token: string): Record<string, unknown> {
  return pick([
    () => ({ type: "req", id: `f${rand()}`, method: "connect", params: connectParams({ auth: { token } }) }),
    () => ({ type: "req", id: `f${rand()}`, method: pick(METHODS), params: {} }),
    () => ({ type: "req", id: `f${rand()}`, method: "logs.tail", params: { cursor: 0, limit: 5, maxBytes: 1000 } }),
  ])();
}

/** Mutates a frame: drop, retype or inject keys, deep inside params too. */
function mutate(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > 4) return rand() < 0.3 ? pick(ODD_VALUES) : value;
  const copy: Record<string, unknown> = Array.isArray(value) ? ({ ...value } as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  for (const key of Object.keys(copy)) {
    const r = rand();
    if (r < 0.1) delete copy[key];
    else if (r < 0.25) copy[key] = pick(ODD_VALUES);
    else copy[key] = mutate(copy[key], depth + 1);
  }
  if (rand() < 0.1) copy[randomString(8) || "extra"] = pick(ODD_VALUES);
  return copy;
}

function fuzzPayload(token: string): string | Uint8Array {
  const r = rand();
  if (r < 0.15) return randomString(200); // not JSON at all
  if (r < 0.25) return JSON.stringify(validFrame(token)).slice(0, Math.floor(rand() * 80)); // truncated JSON
  if (r < 0.32) return new Uint8Array(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))); // binary garbage
  if (r < 0.34) return "[".repeat(50_000) + "]".repeat(50_000); // deep nesting
  if (r < 0.35) return JSON.stringify({ type: "req", id: "big", method: "health", params: { pad: "x".repeat(70_000 + Math.floor(rand() * 10_000)) } });
  if (r < 0.45) return JSON.stringify(pick(ODD_VALUES));
  if (r < 0.6) return JSON.stringify(validFrame(token));
  return JSON.stringify(mutate(validFrame(token)));
}

describe("fuzz", () => {
  let gw: SpawnedGateway;
  let observer: TestSocket;
  beforeAll(async () => {
    gw = await spawnGateway();
    observer = await connectOperator(gw.url, gw.token, ["operator.read"]);
  });

  test(
    "10,000 random and mutated frames over many sockets: gateway up, an unrelated client keeps getting answers",
    async () => {
      const TOTAL = 10_000;
      const WORKERS = 16;
      let sent = 0;
      let sockets = 0;
      let observerAnswers = 0;
      let observerFailures = 0;
      let fuzzing = true;
      const watch = (async () => {
        while (fuzzing) {
          const res = await observer.request("health", undefined, 10_000).catch(() => undefined);
          if (res?.ok) observerAnswers++;
          else observerFailures++;
          await Bun.sleep(20);
        }
      })();
      const worker = async () => {
        while (sent < TOTAL) {
          const socket = openSocket(gw.url);
          sockets++;
          try {
            await socket.opened;
          } catch {
            continue;
          }
          // Half of the sockets fuzz after a real handshake, the other half before it.
          if (rand() < 0.5) {
            socket.send({ type: "req", id: "c", method: "connect", params: connectParams({ auth: { token: gw.token } }) });
            await socket.response("c").catch(() => undefined);
          }
          for (let i = 0; i < 200 && sent < TOTAL && socket.ws.readyState === WebSocket.OPEN; i++) {
            socket.sendRaw(fuzzPayload(gw.token));
            sent++;
            if (i % 20 === 0) await Bun.sleep(0);
          }
          socket.close();
          await Promise.race([socket.closed, Bun.sleep(500)]);
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));
      fuzzing = false;
      await watch;
      expect(sent).toBeGreaterThanOrEqual(TOTAL);
      expect(sockets).toBeGreaterThan(WORKERS);
      expect(observerFailures).toBe(0);
      expect(observerAnswers).toBeGreaterThan(0);
      expect((await observer.request("status", {})).ok).toBe(true);
      expect((await fetch(gw.httpUrl + "/health")).status).toBe(200);
      expect(gw.proc.exitCode).toBeNull();
      // A fresh client still completes a handshake.
      const fresh = await connectOperator(gw.url, gw.token, ["operator.read"]);
      expect((await fresh.request("health")).ok).toBe(true);
      fresh.close();
    },
    120_000,
  );

  test("a 26 MB frame after hello closes only that socket with 1009", async () => {
    const big = await connectOperator(gw.url, gw.token, ["operator.read"]);
    big.sendRaw(JSON.stringify({ type: "req", id: "huge", method: "health", params: { pad: "x".repeat(26_300_000) } }));
    expect((await big.closed).code).toBe(1009);
    expect((await observer.request("health")).ok).toBe(true);
  });

  test("a 100 KiB request after hello is accepted", async () => {
    const res = await observer.request("health", { pad: "y".repeat(100 * 1024) });
    expect(res.ok).toBe(true);
  });
});

describe("auth back-off and lockout on the wire", () => {
  test("after repeated wrong tokens the right token is answered before a concurrent wrong one", async () => {
    const gw = await spawnGateway();
    for (let i = 0; i < 3; i++) {
      const { hello } = await handshake(gw.url, connectParams({ auth: { token: `wrong-${i}` } }));
      expect(hello.error!.details.code).toBe("AUTH_TOKEN_MISMATCH");
    }
    // The next wrong attempt is held back (2 s at this step); the right one is not delayed at all.
    const order: string[] = [];
    const wrong = handshake(gw.url, connectParams({ auth: { token: "wrong-again" } })).then((r) => order.push(r.hello.ok ? "wrong-ok" : "wrong"));
    await Bun.sleep(50);
    const right = handshake(gw.url, connectParams({ auth: { token: gw.token } })).then((r) => {
      order.push(r.hello.ok ? "right" : "right-refused");
      r.socket.close();
    });
    await Promise.all([wrong, right]);
    expect(order).toEqual(["right", "wrong"]);
  }, 20_000);

  test("gateway.auth.rateLimit locks the client out with AUTH_RATE_LIMITED, even with the right token", async () => {
    const gw = await spawnGateway({ config: { gateway: { auth: { rateLimit: { maxAttempts: 2, lockoutMs: 60_000, exemptLoopback: false } } } } });
    for (let i = 0; i < 2; i++) await handshake(gw.url, connectParams({ auth: { token: `nope-${i}` } }));
    const { hello, socket } = await handshake(gw.url, connectParams({ auth: { token: gw.token } }));
    expect(hello.ok).toBe(false);
    expect(hello.error).toMatchObject({ code: "INVALID_REQUEST", retryable: true, details: { code: "AUTH_RATE_LIMITED", authReason: "rate_limited" } });
    expect(hello.error!.retryAfterMs).toBeGreaterThan(0);
    expect((await socket.closed).code).toBe(1008);
  }, 20_000);
});
