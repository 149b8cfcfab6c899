// Device identity on connect against the real gateway: signed devices are verified, paired and given a device
// token; every forged proof is refused with the reference's code and close, and nobody else notices.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice, signWith } from "./_device.ts";

let gw: SpawnedGateway;
beforeAll(async () => {
  gw = await spawnGateway();
});
afterAll(async () => {
  await gw?.stop();
});

describe("signed device on the local path", () => {
  test("the local CLI with the token pairs silently and gets a device token; the token alone works later", async () => {
    const device = makeDevice();
    const params = connectParams({ auth: { token: gw.token }, scopes: ["operator.read", "operator.pairing"] });
    const { socket, hello } = await deviceHandshake(gw.url, params, device);
    expect(hello.ok).toBe(true);
    const auth = hello.payload.auth;
    expect(auth).toMatchObject({ method: "token", role: "operator", scopes: ["operator.read", "operator.pairing"] });
    expect(typeof auth.deviceToken).toBe("string");
    expect(typeof auth.issuedAtMs).toBe("number");
    const list = await socket.request("device.pair.list", {});
    expect(list.ok).toBe(true);
    const mine = list.payload.paired.find((d: any) => d.deviceId === device.id);
    expect(mine).toMatchObject({ deviceId: device.id, publicKey: device.publicKey, clientId: "cli", clientMode: "cli", role: "operator", approvedVia: "silent", connected: true });
    expect(mine.tokens[0]).toMatchObject({ role: "operator", scopes: ["operator.pairing", "operator.read"] });
    expect(JSON.stringify(list.payload)).not.toContain(auth.deviceToken);
    socket.close();

    // The store: 0700 dir, 0600 file, the token only as a hash.
    const dir = join(gw.stateDir, "devices");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const file = join(dir, "pairing.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).not.toContain(auth.deviceToken);

    // Reconnecting over the shared secret gives the same device token back (no churn for other tabs/processes).
    const same = await deviceHandshake(gw.url, params, device);
    expect(same.hello.payload.auth.deviceToken).toBe(auth.deviceToken);
    same.socket.close();

    // Later: only the device token (signed over it), no shared secret.
    const again = await deviceHandshake(gw.url, connectParams({ auth: { deviceToken: auth.deviceToken }, scopes: ["operator.read"] }), device);
    expect(again.hello.ok).toBe(true);
    expect(again.hello.payload.auth).toMatchObject({ method: "device-token", scopes: ["operator.read"], deviceToken: auth.deviceToken });
    again.socket.close();
  });

  test("the v2 signed string is still accepted", async () => {
    const device = makeDevice();
    const { socket, hello } = await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token } }), device, { version: "v2" });
    expect(hello.ok).toBe(true);
    socket.close();
  });

  test("a revoked device token is refused with the reference's error; rotate issues a new one", async () => {
    const device = makeDevice();
    const first = await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token }, scopes: ["operator.read"] }), device);
    const token = first.hello.payload.auth.deviceToken;
    first.socket.close();
    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const revoked = await admin.request("device.token.revoke", { deviceId: device.id, role: "operator" });
    expect(revoked.ok).toBe(true);
    expect(revoked.payload).toMatchObject({ deviceId: device.id, role: "operator" });
    const refused = await deviceHandshake(gw.url, connectParams({ auth: { deviceToken: token }, scopes: ["operator.read"] }), device);
    expect(refused.hello.error).toEqual({
      code: "INVALID_REQUEST",
      message: "unauthorized: device token mismatch (rotate/reissue device token)",
      details: { code: "AUTH_DEVICE_TOKEN_MISMATCH", authReason: "device_token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
    });
    expect(await refused.socket.closed).toEqual({ code: 1008, reason: "unauthorized: device token mismatch (rotate/reissue device token)" });
    const rotated = await admin.request("device.token.rotate", { deviceId: device.id, role: "operator" });
    expect(rotated.payload).toMatchObject({ deviceId: device.id, role: "operator", scopes: ["operator.read"], tokenDelivery: "withheld-cross-device" });
    expect(rotated.payload.token).toBeUndefined();
    admin.close();
  });
});

describe("fuzz: forged proofs are refused with the right code; the gateway and other clients carry on", () => {
  const cases: [string, (d: ReturnType<typeof makeDevice>) => Record<string, unknown>, string, string, string][] = [
    ["forged signature", (d) => ({ signature: signWith(makeDevice(), "v3|nope") }), "device signature invalid", "DEVICE_AUTH_SIGNATURE_INVALID", "device-signature"],
    ["garbage signature", () => ({ signature: "BBBB" }), "device signature invalid", "DEVICE_AUTH_SIGNATURE_INVALID", "device-signature"],
    ["replayed nonce", () => ({ nonce: crypto.randomUUID() }), "device nonce mismatch", "DEVICE_AUTH_NONCE_MISMATCH", "device-nonce-mismatch"],
    ["blank nonce", () => ({ nonce: "  " }), "device nonce required", "DEVICE_AUTH_NONCE_REQUIRED", "device-nonce-missing"],
    ["stale signedAt", () => ({ signedAt: Date.now() - 121_000 }), "device signature expired", "DEVICE_AUTH_SIGNATURE_EXPIRED", "device-signature-stale"],
    ["future signedAt", () => ({ signedAt: Date.now() + 3_600_000 }), "device signature expired", "DEVICE_AUTH_SIGNATURE_EXPIRED", "device-signature-stale"],
    ["id of another key", () => ({ id: makeDevice().id }), "device identity mismatch", "DEVICE_AUTH_DEVICE_ID_MISMATCH", "device-id-mismatch"],
    ["key of another id", () => ({ publicKey: makeDevice().publicKey }), "device identity mismatch", "DEVICE_AUTH_DEVICE_ID_MISMATCH", "device-id-mismatch"],
    ["not a key", () => ({ publicKey: "%%%" }), "device identity mismatch", "DEVICE_AUTH_DEVICE_ID_MISMATCH", "device-id-mismatch"],
  ];

  test.each(cases)("%s", async (_name, tweak, message, code, reason) => {
    const bystander = await connectOperator(gw.url, gw.token, ["operator.read"]);
    const device = makeDevice();
    const { socket, hello } = await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token } }), device, tweak(device) as any);
    expect(hello.error).toEqual({ code: "INVALID_REQUEST", message, details: { code, reason } });
    expect(await socket.closed).toEqual({ code: 1008, reason: message });
    expect((await bystander.request("health")).ok).toBe(true);
    bystander.close();
  });

  test("an unknown device token with no shared secret", async () => {
    const { socket, hello } = await deviceHandshake(gw.url, connectParams({ auth: { deviceToken: "nope-" + crypto.randomUUID() } }), makeDevice());
    expect(hello.error?.details?.code).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
    expect((await socket.closed).code).toBe(1008);
  });

  test("a wrong shared token with a device is told it may retry with its device token", async () => {
    const { hello } = await deviceHandshake(gw.url, connectParams({ auth: { token: "wrong" } }), makeDevice());
    expect(hello.error?.details).toEqual({ code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" });
  });

  test("a signed device with no auth is told the token is missing (the signature is checked first)", async () => {
    const { hello } = await deviceHandshake(gw.url, connectParams({ scopes: ["operator.admin"] }), makeDevice());
    expect(hello.error).toEqual({
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token missing (use this gateway's gateway.auth.token or pair the device)",
      details: { code: "AUTH_TOKEN_MISSING", authReason: "token_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" },
    });
  });
});

describe("fuzz: random mutations of the device block", () => {
  test("300 mutated proofs: every one refused with a frame and a 1008 close, none admitted; the gateway carries on", async () => {
    const bystander = await connectOperator(gw.url, gw.token, ["operator.read"]);
    const device = makeDevice();
    // A seeded generator: the same mutations every run (no flaky fuzz), still far from hand-picked.
    let seed = 0x5eed;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const junk = ["", " ", "A", "%%%", "x".repeat(5000), "AAAA====", device.publicKey.slice(1), device.id.toUpperCase(), "\u0000", "🔑"];
    const codes = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const field = ["id", "publicKey", "signature", "signedAt", "nonce"][rand(5)]!;
      const tweak: Record<string, unknown> = {};
      if (field === "signedAt") tweak.signedAt = [0, -1, Date.now() - 200_000, Date.now() + 200_000, Number.MAX_SAFE_INTEGER][rand(5)];
      else if (field === "nonce") tweak.nonce = [crypto.randomUUID(), "", " ", junk[rand(junk.length)]][rand(4)];
      else tweak[field] = junk[rand(junk.length)];
      const { socket, hello } = await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token } }), device, tweak as any);
      expect(hello.ok).toBe(false);
      const code = hello.error?.details?.code ?? hello.error?.code ?? "?";
      codes.set(code, (codes.get(code) ?? 0) + 1);
      expect((await socket.closed).code).toBe(1008);
    }
    expect([...codes.keys()].every((c) => c.startsWith("DEVICE_AUTH_"))).toBe(true);
    expect((await bystander.request("health")).ok).toBe(true);
    bystander.close();
    const ok = await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token } }), device);
    expect(ok.hello.ok).toBe(true);
    ok.socket.close();
  }, 60_000);
});
