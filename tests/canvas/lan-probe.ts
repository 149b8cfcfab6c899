// Run inside `unshare -n` (its own network namespace: only its loopback exists) by lan.test.ts: a gateway bound
// beyond loopback (`bind: lan`, 0.0.0.0) must ask the gateway secret of every canvas request. Prints one JSON line.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnGateway, stopAllGateways } from "../helpers/gateway.ts";

process.on("SIGTERM", () => void stopAllGateways().then(() => process.exit(1)));
const gw = await spawnGateway({ config: { gateway: { bind: "lan" } }, noWait: true });
try {
  await gw.waitForOutput("Gateway listening on");
  mkdirSync(join(gw.stateDir, "workspace", "canvas"), { recursive: true });
  writeFileSync(join(gw.stateDir, "workspace", "canvas", "index.html"), "<h1>lan</h1>");
  const url = `${gw.httpUrl}/__openclaw__/canvas/`;
  const status = async (headers: Record<string, string> = {}, path = url) => (await fetch(path, { headers })).status;
  const result = {
    none: await status(),
    wrong: await status({ Authorization: "Bearer wrong" }),
    right: await status({ Authorization: `Bearer ${gw.token}` }),
    liveNone: await status({}, `${gw.httpUrl}/__openclaw__/canvas-live`),
    a2uiNone: await status({}, `${gw.httpUrl}/__openclaw__/a2ui/x.js`),
    body: await (await fetch(url, { headers: { Authorization: `Bearer ${gw.token}` } })).text(),
  };
  console.log(JSON.stringify(result));
} finally {
  await stopAllGateways();
}
