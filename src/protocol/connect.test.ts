// The handshake's hand-written fast check must never accept what the zod schema (the source of truth) refuses,
// and must accept the real clients' frames so they never pay for zod.
import { expect, test } from "bun:test";
import { looksValidConnect } from "./connect.ts";
import { parseConnectParamsStrict } from "./connect-schema.ts";

const cli = {
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: "cli", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "cli", instanceId: "54ef22ac-9ae5-41f1-9b7b-7bec665baf83" },
  caps: [],
  auth: { token: "testtoken123" },
  role: "operator",
  scopes: ["operator.read"],
};
const device = { id: "65c7", publicKey: "JZPa", signature: "Fiaj", signedAt: 1795375395360, nonce: "fb5c" };
const REAL = [
  cli,
  { ...cli, minProtocol: 3, client: { id: "cli", version: "dev", platform: "linux", mode: "probe" } },
  { ...cli, client: { id: "gateway-client", version: "2026.9.6", platform: "linux", mode: "backend", displayName: "gateway:status" } },
  { ...cli, auth: undefined, device },
  { ...cli, permissions: { camera: false }, locale: "en", userAgent: "x", commands: [{ any: 1 }], modelCatalog: { a: 1 } },
].map((p) => JSON.parse(JSON.stringify(p)));

test("the reference clients' connect params take the fast path", () => {
  for (const params of REAL) {
    expect(looksValidConnect(params)).toBe(true);
    expect(parseConnectParamsStrict(params).ok).toBe(true);
  }
});

test("fuzz: whatever the fast check accepts, the schema accepts (20,000 mutations)", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const odd = [null, 0, 1.5, -1, 2 ** 60, "", "x".repeat(100), "cli", "probe", [], {}, true, ["a"], [1], { a: true }, { a: "1" }];
  const pick = <T,>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  const mutate = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== "object" || depth > 3) return rand() < 0.3 ? pick(odd) : value;
    const copy: Record<string, unknown> = Array.isArray(value) ? ({ ...value } as Record<string, unknown>) : { ...(value as object) };
    for (const key of Object.keys(copy)) {
      const r = rand();
      if (r < 0.08) delete copy[key];
      else if (r < 0.16) copy[key] = pick(odd);
      else copy[key] = mutate(copy[key], depth + 1);
    }
    if (rand() < 0.05) copy[pick(["bogus", "client", "auth", "device", "timeZone", "buildId"])] = pick(odd);
    return Array.isArray(value) ? Object.values(copy) : copy;
  };
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const candidate = JSON.parse(JSON.stringify(mutate(pick(REAL), 0)) ?? "null");
    if (!looksValidConnect(candidate)) continue;
    accepted++;
    const strict = parseConnectParamsStrict(candidate);
    if (!strict.ok) throw new Error(`fast path accepted what the schema refuses (${strict.message}): ${JSON.stringify(candidate)}`);
  }
  expect(accepted).toBeGreaterThan(100);
});
