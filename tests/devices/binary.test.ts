// The device flow on the compiled binary, end to end: the gateway is `dist/openclaw`, the owner's commands are the
// same binary's `devices` CLI. A signed device waits for approval, is admitted with its scopes once approved, then
// reconnects with only its device token; after `devices revoke` that token is refused.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { compiledBinary, runBinary } from "../helpers/binary.ts";
import { tempHome } from "../helpers/cli.ts";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice } from "./_device.ts";

let gw: SpawnedGateway;
let flags: string[];
const home = tempHome();

beforeAll(async () => {
  // echo.test is no platform default: the command policy admits it only through gateway.nodes.commands.allow.
  gw = await spawnGateway({ binary: await compiledBinary(), config: { gateway: { nodes: { commands: { allow: ["echo.test"] } } } } });
  flags = ["--url", gw.url, "--token", gw.token];
}, 120_000);
afterAll(async () => {
  await gw?.stop();
  home.cleanup();
});

const openclaw = async (args: string[]) => {
  const result = await runBinary([...args, ...flags], { env: { HOME: home.home } });
  return { ...result, json: () => JSON.parse(result.stdout) };
};

test("pending → `openclaw devices approve` → admitted; the device token alone reconnects; revoked → refused", async () => {
  const device = makeDevice();
  const params = connectParams({ auth: { token: gw.token }, scopes: ["operator.read"] });
  const origin = { Origin: `http://127.0.0.1:${gw.port}` };
  const first = await deviceHandshake(gw.url, params, device, {}, origin);
  expect(first.hello.error).toMatchObject({ code: "NOT_PAIRED", details: { code: "PAIRING_REQUIRED", deviceId: device.id } });
  const requestId = first.hello.error!.details.requestId;

  const listed = await openclaw(["devices", "list", "--json"]);
  expect(listed.code).toBe(0);
  expect(listed.json().pending.map((p: { requestId: string }) => p.requestId)).toContain(requestId);
  const approved = await openclaw(["devices", "approve", requestId, "--json"]);
  expect(approved.code).toBe(0);
  expect(approved.json()).toMatchObject({ requestId, device: { deviceId: device.id, scopes: ["operator.read"] } });

  const second = await deviceHandshake(gw.url, params, device, {}, origin);
  expect(second.hello.ok).toBe(true);
  const deviceToken = second.hello.payload.auth.deviceToken as string;
  expect(typeof deviceToken).toBe("string");
  second.socket.close();

  const tokenOnly = connectParams({ auth: { deviceToken }, scopes: ["operator.read"] });
  const third = await deviceHandshake(gw.url, tokenOnly, device, {}, origin);
  expect(third.hello.ok).toBe(true);
  expect((await third.socket.request("status")).ok).toBe(true);
  third.socket.close();

  const revoked = await openclaw(["devices", "revoke", "--device", device.id, "--role", "operator", "--json"]);
  expect(revoked.code).toBe(0);
  const refused = await deviceHandshake(gw.url, tokenOnly, device, {}, origin);
  expect(refused.hello.ok).toBe(false);
  expect(refused.hello.error?.details?.code).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
});

test("a local node on the compiled gateway: `openclaw nodes list --json` shows it and `openclaw nodes invoke` gets its answer", async () => {
  const node = makeDevice();
  const client = { id: "node-host", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "node", displayName: "bin-node", instanceId: "b1" };
  const params = connectParams({ client, role: "node", scopes: [], caps: ["system"], commands: ["echo.test"], auth: { token: gw.token } });
  const { socket, hello } = await deviceHandshake(gw.url, params, node);
  expect(hello.ok).toBe(true);
  socket.ws.addEventListener("message", (e) => {
    const frame = JSON.parse(String(e.data));
    if (frame.event !== "node.invoke.request") return;
    const { text } = JSON.parse(frame.payload.paramsJSON ?? "{}");
    socket.send({ type: "req", id: `r-${frame.payload.id}`, method: "node.invoke.result", params: { id: frame.payload.id, nodeId: frame.payload.nodeId, ok: true, payloadJSON: JSON.stringify({ echoed: text }) } });
  });

  const listed = await openclaw(["nodes", "list", "--json"]);
  expect(listed.code).toBe(0);
  expect(JSON.stringify(listed.json())).toContain(node.id);
  const invoked = await openclaw(["nodes", "invoke", "--node", node.id, "--command", "echo.test", "--params", '{"text":"hi"}', "--json"]);
  expect(invoked.code).toBe(0);
  expect(invoked.json()).toMatchObject({ ok: true, nodeId: node.id, payload: { echoed: "hi" } });
  socket.close();
});
