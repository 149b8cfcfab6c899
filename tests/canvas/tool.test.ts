// The agent's canvas tool on a real gateway: offered only while a macOS node declaring canvas.present is
// connected, and a run's present / navigate / hide reach that node as canvas.* node.invoke requests.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { deviceHandshake, makeDevice } from "../devices/_device.ts";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams, type Frame, type TestSocket } from "../helpers/ws.ts";
import { STANDIN_ENV } from "../agents/_setup.ts";
import type { StandIn } from "../agents/stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "../agents/_gateway.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  ({ standIn, gw, op } = await startAgentsGateway());
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await stopAgentsGateways();
});

const ended = (runId: string) => (f: Frame) => f.event === "agent" && f.payload?.runId === runId && f.payload.stream === "lifecycle" && f.payload.data?.phase !== "start";
const history = async (key: string) => (await op.request("chat.history", { sessionKey: key })).payload.messages as any[];
const results = (messages: any[]) => messages.filter((m) => m.role === "toolResult").map((m) => [m.toolName, m.isError, m.content[0].text]);
const offered = (model: string) => standIn.requests.find((r) => r.model === model)!.body.tools.map((t: any) => t.function.name) as string[];

async function run(name: string): Promise<void> {
  expect((await op.request("agent", { message: name, sessionKey: name, model: `stand/script-${name}`, idempotencyKey: name })).ok).toBe(true);
  expect((await op.next(ended(name), 20_000)).payload.data.phase).toBe("end");
}

async function connectNode(platform: string): Promise<{ socket: TestSocket; id: string; seen: any[] }> {
  const device = makeDevice();
  // The reference's node policy counts a platform only when the device family agrees (macos ↔ Mac).
  const deviceFamily = platform === "macos" ? "Mac" : "Linux";
  const client = { id: "node-host", version: "2026.9.6", platform, deviceFamily, mode: "node", displayName: `panel-${platform}`, instanceId: platform };
  const commands = ["canvas.present", "canvas.hide", "canvas.navigate"];
  const { socket, hello } = await deviceHandshake(gw.url, connectParams({ client, role: "node", scopes: [], caps: ["canvas"], commands, auth: { token: gw.token } }), device);
  expect(hello.ok).toBe(true);
  sockets.push(socket);
  const seen: any[] = [];
  socket.ws.addEventListener("message", (e) => {
    const frame = JSON.parse(String(e.data));
    if (frame.event !== "node.invoke.request") return;
    seen.push({ command: frame.payload.command, params: frame.payload.paramsJSON ? JSON.parse(frame.payload.paramsJSON) : null, sessionKey: frame.payload.sessionKey });
    socket.send({ type: "req", id: `r-${frame.payload.id}`, method: "node.invoke.result", params: { id: frame.payload.id, nodeId: frame.payload.nodeId, ok: true, payload: { ok: true } } });
  });
  return { socket, id: device.id, seen };
}

test("not offered without a macOS canvas node (a Linux one does not count)", async () => {
  await connectNode("linux");
  standIn.script("no-canvas", [{ text: "nothing to show" }]);
  await run("no-canvas");
  expect(offered("script-no-canvas")).not.toContain("canvas");
});

test("a run presents, navigates and hides the panel of the connected macOS node", async () => {
  const mac = await connectNode("macos");
  standIn.script("panel", [
    { tools: [{ name: "canvas", args: { action: "present", target: "/__openclaw__/canvas/index.html", width: 640, height: 480 } }] },
    { tools: [{ name: "canvas", args: { action: "navigate", url: "/__openclaw__/canvas/other/" } }] },
    { tools: [{ name: "canvas", args: { action: "hide" } }, { name: "canvas", args: { action: "navigate" } }, { name: "canvas", args: { action: "present", node: "nobody" } }] },
    { text: "shown" },
  ]);
  await run("panel");
  expect(offered("script-panel")).toContain("canvas");
  expect(mac.seen).toEqual([
    { command: "canvas.present", params: { url: "/__openclaw__/canvas/index.html", placement: { width: 640, height: 480 } }, sessionKey: "agent:main:panel" },
    { command: "canvas.navigate", params: { url: "/__openclaw__/canvas/other/" }, sessionKey: "agent:main:panel" },
    { command: "canvas.hide", params: null, sessionKey: "agent:main:panel" },
  ]);
  const answers = results(await history("panel"));
  expect(answers.slice(0, 3)).toEqual([
    ["canvas", false, JSON.stringify({ ok: true, node: mac.id, url: "/__openclaw__/canvas/index.html" })],
    ["canvas", false, JSON.stringify({ ok: true, node: mac.id, url: "/__openclaw__/canvas/other/" })],
    ["canvas", false, JSON.stringify({ ok: true, node: mac.id })],
  ]);
  // Bad input is the model's error, and no node hears of it.
  expect(answers[3]).toEqual(["canvas", true, "url is required for navigate"]);
  expect(answers[4]![1]).toBe(true);
  expect(answers[4]![2]).toStartWith('node "nobody" is not an eligible canvas panel');
  expect(mac.seen).toHaveLength(3);
});

test("openclaw nodes canvas present|navigate|hide reach the node by name; bad input is refused before any invoke", async () => {
  const { cli } = await import("../helpers/cli.ts");
  const mac = await connectNode("macos");
  // Two macOS panels are connected now; the CLI names this one by id.
  const env = { HOME: gw.stateDir, OPENCLAW_STATE_DIR: gw.stateDir, OPENCLAW_GATEWAY_PORT: String(gw.port), OPENCLAW_GATEWAY_TOKEN: gw.token, NO_COLOR: "1", ...STANDIN_ENV };
  const present = await cli(["nodes", "canvas", "present", "/__openclaw__/canvas/", "--node", mac.id, "--width", "800", "--json"], env);
  expect(present.stderr).toBe("");
  expect(present.code).toBe(0);
  expect(JSON.parse(present.stdout)).toEqual({ ok: true, node: mac.id, url: "/__openclaw__/canvas/" });
  expect((await cli(["nodes", "canvas", "navigate", "/__openclaw__/canvas/b.html", "--node", mac.id, "--json"], env)).code).toBe(0);
  expect((await cli(["nodes", "canvas", "hide", "--node", mac.id, "--json"], env)).code).toBe(0);
  expect(mac.seen.map((s) => [s.command, s.params])).toEqual([
    ["canvas.present", { url: "/__openclaw__/canvas/", placement: { width: 800 } }],
    ["canvas.navigate", { url: "/__openclaw__/canvas/b.html" }],
    ["canvas.hide", null],
  ]);
  const bad = await cli(["nodes", "canvas", "present", "--node", mac.id, "--x", "left"], env);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr + bad.stdout).toContain("--x must be a number");
  expect(mac.seen).toHaveLength(3);
});
