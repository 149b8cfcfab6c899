// Inside a private network namespace (started by ../remote.test.ts): a test address of our own on `lo`
// (198.51.100.7, TEST-NET-2) and a gateway bound to all addresses of the namespace. A client dialing that
// address arrives from it — a non-loopback peer, the remote path — while the owner uses 127.0.0.1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { cli, tempHome } from "../../helpers/cli.ts";
import { spawnGateway, type SpawnedGateway } from "../../helpers/gateway.ts";
import { connectOperator, connectParams } from "../../helpers/ws.ts";
import { INSIDE_NETNS, netnsTitle } from "../../discovery/_netns.ts";
import { deviceHandshake, makeDevice } from "../_device.ts";

const ADDRESS = "198.51.100.7";
let gw: SpawnedGateway;
let remoteUrl: string;

/** One call as the local owner (loopback CLI with the token keeps operator.admin). */
async function owner(method: string, params: unknown): Promise<any> {
  const socket = await connectOperator(gw.url, gw.token, ["operator.admin"]);
  const res = await socket.request(method, params);
  socket.close();
  if (!res.ok) throw new Error(`${method} failed: ${JSON.stringify(res.error)}`);
  return res.payload;
}

describe.skipIf(!INSIDE_NETNS)(netnsTitle("a device on the non-loopback path"), () => {
  beforeAll(async () => {
    const added = Bun.spawnSync(["ip", "addr", "add", `${ADDRESS}/32`, "dev", "lo"], { stderr: "pipe" });
    if (added.exitCode !== 0) throw new Error(`ip addr add failed: ${added.stderr.toString()}`);
    gw = await spawnGateway({ config: { gateway: { bind: "lan" } } });
    remoteUrl = `ws://${ADDRESS}:${gw.port}`;
  });
  afterAll(async () => {
    await gw?.stop();
  });

  test("a device-less operator from there gets no scopes", async () => {
    const socket = await connectOperator(remoteUrl, gw.token, ["operator.admin"]);
    const hello = socket.frames.find((f) => f.type === "res");
    expect(hello?.payload.auth.scopes).toEqual([]);
    socket.close();
  });

  test("a signed device waits for approval; rejected → refused; approved → admitted with the approved scopes", async () => {
    const device = makeDevice();
    const params = connectParams({ auth: { token: gw.token }, scopes: ["operator.read", "operator.pairing"] });
    const first = await deviceHandshake(remoteUrl, params, device);
    expect(first.hello.error).toMatchObject({ code: "NOT_PAIRED", message: "pairing required: device is not approved yet", details: { code: "PAIRING_REQUIRED", reason: "not-paired", deviceId: device.id } });
    const requestId = first.hello.error!.details.requestId;
    expect(await first.socket.closed).toEqual({ code: 1008, reason: `pairing required: device is not approved yet (requestId: ${requestId})` });
    const pending = (await owner("device.pair.list", {})).pending.find((p: any) => p.requestId === requestId);
    expect(pending).toMatchObject({ deviceId: device.id, remoteIp: ADDRESS, silent: false });

    await owner("device.pair.reject", { requestId });
    const second = await deviceHandshake(remoteUrl, params, device);
    expect(second.hello.error).toMatchObject({ code: "NOT_PAIRED", details: { code: "PAIRING_REQUIRED" } });
    const requestId2 = second.hello.error!.details.requestId;
    expect(requestId2).not.toBe(requestId);

    await owner("device.pair.approve", { requestId: requestId2 });
    const third = await deviceHandshake(remoteUrl, params, device);
    expect(third.hello.ok).toBe(true);
    expect(third.hello.payload.auth).toMatchObject({ method: "token", scopes: ["operator.read", "operator.pairing"] });
    const deviceToken = third.hello.payload.auth.deviceToken;
    third.socket.close();
    const fourth = await deviceHandshake(remoteUrl, connectParams({ auth: { deviceToken }, scopes: ["operator.read"] }), device);
    expect(fourth.hello.payload.auth).toMatchObject({ method: "device-token", scopes: ["operator.read"] });
    fourth.socket.close();
  });

  test("our CLI signs its own device for the non-loopback URL, waits for approval, then works; plaintext needs the escape hatch", async () => {
    const home = tempHome();
    try {
      const argv = ["devices", "list", "--json", "--url", remoteUrl, "--token", gw.token];
      const refused = await cli(argv, { HOME: home.home, NO_COLOR: "1" });
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout).error.message).toStartWith(`SECURITY ERROR: Gateway URL "${remoteUrl}" uses plaintext ws:// to a non-loopback address.`);

      const env = { HOME: home.home, NO_COLOR: "1", OPENCLAW_ALLOW_INSECURE_PRIVATE_WS: "1" };
      const first = await cli(argv, env);
      expect(first.code).toBe(1);
      expect(JSON.parse(first.stdout).error).toMatchObject({ code: "NOT_PAIRED", message: "pairing required: device is not approved yet" });
      const identity = JSON.parse(readFileSync(join(home.home, ".openclaw", "identity", "device.json"), "utf8"));
      expect(statSync(join(home.home, ".openclaw", "identity", "device.json")).mode & 0o777).toBe(0o600);
      expect(statSync(join(home.home, ".openclaw", "identity")).mode & 0o777).toBe(0o700);
      const pending = (await owner("device.pair.list", {})).pending.find((p: any) => p.deviceId === identity.deviceId);
      expect(pending).toMatchObject({ clientId: "cli", clientMode: "cli", scopes: ["operator.pairing"] });
      await owner("device.pair.approve", { requestId: pending.requestId });

      const second = await cli(argv, env);
      expect(second.code).toBe(0);
      expect(Object.keys(JSON.parse(second.stdout))).toEqual(["pending", "paired"]);
      const auth = readFileSync(join(home.home, ".openclaw", "identity", "device-auth.json"), "utf8");
      expect(statSync(join(home.home, ".openclaw", "identity", "device-auth.json")).mode & 0o777).toBe(0o600);
      expect(JSON.parse(auth).tokens[`${remoteUrl}|operator`].scopes).toEqual(["operator.pairing"]);
    } finally {
      home.cleanup();
    }
  });
});
