// Opt-in probe for comparing device/node frames between gateways (not a test): prints the frames a set of
// device handshakes and pairing calls produce. Usage: bun tests/compat/devices-probe.ts <wsUrl> <token>
// The gateway should run with gateway.nodes.pairing.autoApproveLocal=false (and sshVerify=false on the reference).
import { connectOperator, connectParams } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice } from "../devices/_device.ts";

const [url, token] = process.argv.slice(2) as [string, string];
const port = new URL(url).port;
const out: Record<string, unknown> = {};
const strip = (f: any) => (f.ok ? { ok: true, auth: f.payload?.auth } : { ok: false, error: f.error });

const admin = await connectOperator(url, token, ["operator.admin"]);
const events: any[] = [];
admin.ws.addEventListener("message", (e) => {
  const f = JSON.parse(String(e.data));
  if (f.type === "event" && /pair/.test(f.event)) events.push({ event: f.event, payload: f.payload });
});

const origin = { Origin: `http://127.0.0.1:${port}` };
const a = makeDevice();
const pending = await deviceHandshake(url, connectParams({ auth: { token }, scopes: ["operator.read"] }), a, {}, origin);
out.pendingCli = { ...strip(pending.hello), close: await pending.socket.closed };

const b = makeDevice();
const silent = await deviceHandshake(url, connectParams({ auth: { token }, scopes: ["operator.read", "operator.pairing"] }), b);
out.silentCli = strip(silent.hello);
silent.socket.close();
const again = await deviceHandshake(url, connectParams({ auth: { deviceToken: silent.hello.payload?.auth?.deviceToken }, scopes: ["operator.read"] }), b);
out.deviceTokenOnly = strip(again.hello);
again.socket.close();

const ui = makeDevice();
const uiClient = { id: "openclaw-control-ui", version: "2026.9.6", platform: "Linux x86_64", mode: "webchat", instanceId: crypto.randomUUID() };
const uiHello = await deviceHandshake(url, connectParams({ client: uiClient, auth: { token }, scopes: ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"] }), ui, {}, origin);
out.controlUi = strip(uiHello.hello);
uiHello.socket.close();

const n = makeDevice();
const nodeClient = { id: "node-host", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "node", displayName: "probe-node" };
const nodeParams = connectParams({ client: nodeClient, role: "node", scopes: [], commands: ["system.which"], caps: ["system"], auth: { token } });
const node1 = await deviceHandshake(url, nodeParams, n);
out.nodePending = strip(node1.hello);

out.devicePairList = (await admin.request("device.pair.list", {})).payload;
out.nodePairList = (await admin.request("node.pair.list", {})).payload;
const reqId = (out.pendingCli as any).error?.details?.requestId;
out.approve = (await admin.request("device.pair.approve", { requestId: reqId })).payload;
const nodeReq = (out.nodePending as any).error?.details?.requestId;
out.approveNode = await admin.request("device.pair.approve", { requestId: nodeReq });
const node2 = await deviceHandshake(url, nodeParams, n);
out.nodeAfterApprove = strip(node2.hello);
out.nodePairList2 = (await admin.request("node.pair.list", {})).payload;
out.nodeList = (await admin.request("node.list", {})).payload;
out.nodeInvokeUndeclared = (await admin.request("node.invoke", { nodeId: n.id, command: "camera.snap", idempotencyKey: "x" })).error;
out.rotate = (await admin.request("device.token.rotate", { deviceId: b.id, role: "operator" })).payload;
out.revoke = (await admin.request("device.token.revoke", { deviceId: b.id, role: "operator" })).payload;
const revoked = await deviceHandshake(url, connectParams({ auth: { deviceToken: silent.hello.payload?.auth?.deviceToken }, scopes: ["operator.read"] }), b);
out.revokedToken = strip(revoked.hello);
out.remove = (await admin.request("device.pair.remove", { deviceId: b.id })).payload;
out.events = events;
console.log(JSON.stringify(out, null, 2));
process.exit(0);
