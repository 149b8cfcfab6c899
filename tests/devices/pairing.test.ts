// Pairing that waits for an owner (a browser Origin on a non-UI client is never approved silently), the
// owner's approve/reject with the reference's events, and the Control UI's device flow.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice } from "./_device.ts";

let gw: SpawnedGateway;
let origin: Record<string, string>;
beforeAll(async () => {
  gw = await spawnGateway();
  origin = { Origin: `http://127.0.0.1:${gw.port}` };
});
afterAll(async () => {
  await gw?.stop();
});

describe("pairing that needs an owner", () => {
  test("pending → NOT_PAIRED with the requestId; approve → admitted with the approved scopes", async () => {
    const owner = await connectOperator(gw.url, gw.token, ["operator.pairing"]);
    const device = makeDevice();
    const params = connectParams({ auth: { token: gw.token }, scopes: ["operator.read", "operator.write"] });
    const first = await deviceHandshake(gw.url, params, device, {}, origin);
    const error = first.hello.error!;
    expect(error.code).toBe("NOT_PAIRED");
    expect(error.message).toBe("pairing required: device is not approved yet");
    const requestId = error.details.requestId;
    expect(error.details).toEqual({
      code: "PAIRING_REQUIRED",
      reason: "not-paired",
      requestId,
      remediationHint: "Approve this device from the pending pairing requests.",
      deviceId: device.id,
      requestedRole: "operator",
      requestedScopes: ["operator.read", "operator.write"],
    });
    expect(await first.socket.closed).toEqual({ code: 1008, reason: `pairing required: device is not approved yet (requestId: ${requestId})` });
    const requested = await owner.next((f) => f.event === "device.pair.requested");
    expect(requested.payload).toMatchObject({ requestId, deviceId: device.id, publicKey: device.publicKey, clientId: "cli", role: "operator", scopes: ["operator.read", "operator.write"], silent: false });

    const list = await owner.request("device.pair.list", {});
    expect(list.payload.pending.map((p: any) => p.requestId)).toContain(requestId);
    // A pairing-only owner may not approve scopes it does not hold itself.
    const tooMuch = await owner.request("device.pair.approve", { requestId });
    expect(tooMuch.error).toEqual({ code: "INVALID_REQUEST", message: "missing scope: operator.read" });

    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const approved = await admin.request("device.pair.approve", { requestId });
    expect(approved.ok).toBe(true);
    expect(approved.payload).toMatchObject({ requestId, device: { deviceId: device.id, approvedVia: "owner", scopes: ["operator.read", "operator.write"] } });
    const resolved = await owner.next((f) => f.event === "device.pair.resolved");
    expect(resolved.payload).toMatchObject({ requestId, deviceId: device.id, decision: "approved" });

    const second = await deviceHandshake(gw.url, params, device, {}, origin);
    expect(second.hello.ok).toBe(true);
    expect(second.hello.payload.auth).toMatchObject({ method: "token", scopes: ["operator.read", "operator.write"] });
    expect(typeof second.hello.payload.auth.deviceToken).toBe("string");
    second.socket.close();

    // Asking for more than approved is a scope upgrade that waits again, naming what is approved.
    const upgrade = await deviceHandshake(gw.url, { ...params, scopes: ["operator.admin"] }, device, {}, origin);
    expect(upgrade.hello.error?.message).toBe("pairing required: device is asking for more scopes than currently approved");
    expect(upgrade.hello.error?.details).toMatchObject({ reason: "scope-upgrade", approvedRoles: ["operator"], approvedScopes: ["operator.read", "operator.write"] });
    owner.close();
    admin.close();
  });

  test("reject → resolved rejected; the device is still refused", async () => {
    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const device = makeDevice();
    const params = connectParams({ auth: { token: gw.token }, scopes: ["operator.read"] });
    const first = await deviceHandshake(gw.url, params, device, {}, origin);
    const requestId = first.hello.error!.details.requestId;
    const rejected = await admin.request("device.pair.reject", { requestId });
    expect(rejected.payload).toEqual({ requestId, deviceId: device.id });
    expect((await admin.next((f) => f.event === "device.pair.resolved" && f.payload.requestId === requestId)).payload.decision).toBe("rejected");
    const again = await admin.request("device.pair.reject", { requestId });
    expect(again.error).toEqual({ code: "INVALID_REQUEST", message: "unknown requestId" });
    const second = await deviceHandshake(gw.url, params, device, {}, origin);
    expect(second.hello.error?.code).toBe("NOT_PAIRED");
    expect(second.hello.error?.details.code).toBe("PAIRING_REQUIRED");
    admin.close();
  });

  test("bad params answer like the reference; remove and rename of unknown devices", async () => {
    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    expect((await admin.request("device.pair.approve", {})).error?.message).toMatch(/^invalid device\.pair\.approve params: /);
    expect((await admin.request("device.pair.list", { bogus: 1 })).error?.message).toMatch(/^invalid device\.pair\.list params: /);
    expect((await admin.request("device.pair.remove", { deviceId: "nope" })).error).toEqual({ code: "INVALID_REQUEST", message: "unknown deviceId" });
    expect((await admin.request("device.pair.rename", { deviceId: "nope", label: "x" })).error).toEqual({ code: "INVALID_REQUEST", message: "unknown deviceId" });
    admin.close();
  });
});

describe("the Control UI (openclaw-control-ui) with a device", () => {
  test("on the local path with the token: requested scopes and a device token; reload with the device token alone", async () => {
    const device = makeDevice();
    const client = { id: "openclaw-control-ui", version: "2026.9.6", platform: "Linux x86_64", mode: "webchat", instanceId: crypto.randomUUID() };
    const scopes = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"];
    const { socket, hello } = await deviceHandshake(gw.url, connectParams({ client, auth: { token: gw.token }, scopes }), device, {}, origin);
    expect(hello.ok).toBe(true);
    expect(hello.payload.auth).toMatchObject({ method: "token", role: "operator", scopes });
    const deviceToken = hello.payload.auth.deviceToken;
    expect(typeof deviceToken).toBe("string");
    expect((await socket.request("status", {})).ok).toBe(true);
    socket.close();
    const reload = await deviceHandshake(gw.url, connectParams({ client, auth: { deviceToken }, scopes }), device, {}, origin);
    expect(reload.hello.ok).toBe(true);
    expect(reload.hello.payload.auth).toMatchObject({ method: "device-token", scopes });
    reload.socket.close();
  });
});

describe("live scope upgrade (device.scopes.requestUpgrade / waitUpgrade)", () => {
  test("an owner's approval hands the waiting device a token with the new scopes", async () => {
    const device = makeDevice();
    const params = connectParams({ auth: { token: gw.token }, scopes: ["operator.read"] });
    const { socket, hello } = await deviceHandshake(gw.url, params, device);
    expect(hello.ok).toBe(true);
    const owner = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const notSuperset = await socket.request("device.scopes.requestUpgrade", { scopes: ["operator.approvals"] });
    expect(notSuperset.error).toEqual({ code: "INVALID_REQUEST", message: "requested scopes must include the connection's current scopes" });
    const unknown = await socket.request("device.scopes.requestUpgrade", { scopes: ["operator.read", "admin.everything"] });
    expect(unknown.error?.message).toBe("requested scopes contain an unknown operator scope");
    const asked = await socket.request("device.scopes.requestUpgrade", { scopes: ["operator.read", "operator.write"] });
    const requestId = asked.payload.requestId;
    expect(typeof requestId).toBe("string");
    expect((await owner.next((f) => f.event === "device.pair.requested" && f.payload.requestId === requestId)).payload).toMatchObject({ deviceId: device.id, isRepair: true, scopes: ["operator.read", "operator.write"] });
    const waiting = socket.request("device.scopes.waitUpgrade", { requestId }, 20_000);
    expect((await owner.request("device.pair.approve", { requestId })).ok).toBe(true);
    const result = await waiting;
    expect(result.payload).toMatchObject({ status: "approved", requestId, scopes: ["operator.read", "operator.write"] });
    socket.close();
    const upgraded = await deviceHandshake(gw.url, connectParams({ auth: { deviceToken: result.payload.deviceToken }, scopes: ["operator.read", "operator.write"] }), device);
    expect(upgraded.hello.payload.auth).toMatchObject({ method: "device-token", scopes: ["operator.read", "operator.write"] });
    upgraded.socket.close();

    const noDevice = await owner.request("device.scopes.requestUpgrade", { scopes: ["operator.admin"] });
    expect(noDevice.error?.details).toEqual({ code: "DEVICE_IDENTITY_REQUIRED", recommendedNextStep: "reopen_control_ui_securely" });
    expect((await owner.request("device.scopes.waitUpgrade", { requestId: "nope" })).error?.code).toBe("INVALID_REQUEST");
    owner.close();
  });
});

describe("a caller on its own device token manages only its own device", () => {
  test("list is filtered, another device is out of reach, its own rotation comes back in-band", async () => {
    const mine = makeDevice();
    const other = makeDevice();
    const scopes = ["operator.read", "operator.pairing"];
    const first = await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token }, scopes }), mine);
    const deviceToken = first.hello.payload.auth.deviceToken;
    first.socket.close();
    (await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token }, scopes }), other)).socket.close();

    // Over the shared secret the same device sees everything (the reference keys confinement on device-token auth).
    const shared = await deviceHandshake(gw.url, connectParams({ auth: { token: gw.token }, scopes }), mine);
    expect((await shared.socket.request("device.pair.list", {})).payload.paired.length).toBeGreaterThan(1);
    shared.socket.close();

    const { socket } = await deviceHandshake(gw.url, connectParams({ auth: { deviceToken }, scopes }), mine);
    const list = await socket.request("device.pair.list", {});
    expect(list.payload.paired.map((d: any) => d.deviceId)).toEqual([mine.id]);
    expect((await socket.request("device.pair.remove", { deviceId: other.id })).error).toEqual({ code: "INVALID_REQUEST", message: "device pairing removal denied" });
    expect((await socket.request("device.token.revoke", { deviceId: other.id, role: "operator" })).error?.message).toBe("device token revocation denied");
    const rotated = await socket.request("device.token.rotate", { deviceId: mine.id, role: "operator" });
    expect(rotated.payload).toMatchObject({ deviceId: mine.id, tokenDelivery: "in-band" });
    expect(typeof rotated.payload.token).toBe("string");
    socket.close();
    const next = await deviceHandshake(gw.url, connectParams({ auth: { deviceToken: rotated.payload.token }, scopes }), mine);
    expect(next.hello.payload.auth.method).toBe("device-token");
    next.socket.close();
  });
});
