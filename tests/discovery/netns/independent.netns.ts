// Inside a private network namespace: our browser finds a service that bonjour-service publishes directly
// from another process (none of our code), and a gateway whose name is already taken picks "<name> (2)"
// while staying healthy.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { runCommand } from "../../helpers/binary.ts";
import { spawnGateway, stopAllGateways } from "../../helpers/gateway.ts";
import { connectOperator } from "../../helpers/ws.ts";
import { INSIDE_NETNS, netnsTitle, TEST_BIN } from "../_netns.ts";
import { discoverGateways } from "../../../src/discovery/discover.ts";

const NAME = "Independent GW";
const PORT = 24680;
const TXT = { role: "gateway", transport: "gateway", gatewayPort: String(PORT), displayName: "Independent ✓", sshPort: "22", custom: "a=b c" };
const tmp = mkdtempSync(join(tmpdir(), "openclaw-disc-"));
let publisher: Subprocess<"ignore", "pipe", "pipe"> | undefined;

async function discoverJson() {
  const result = await runCommand([TEST_BIN, "gateway", "discover", "--json", "--timeout", "1500"], {
    env: { OPENCLAW_STATE_DIR: tmp, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_WIDE_AREA_DOMAIN: undefined },
  });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).beacons as any[];
}

describe.skipIf(!INSIDE_NETNS)(netnsTitle("an independent publisher"), () => {
  beforeAll(async () => {
    publisher = Bun.spawn([process.execPath, join(import.meta.dir, "..", "fixtures", "publisher.ts"), NAME, String(PORT), JSON.stringify(TXT)], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const reader = publisher.stdout.getReader();
    let text = "";
    const deadline = Date.now() + 10_000;
    while (!text.includes("published") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    expect(text).toContain("published");
  }, 20_000);
  afterAll(async () => {
    await stopAllGateways();
    if (publisher && publisher.exitCode === null) {
      publisher.kill("SIGTERM");
      const killer = setTimeout(() => publisher!.kill("SIGKILL"), 3000);
      await publisher.exited;
      clearTimeout(killer);
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  test("`gateway discover --json` (compiled) finds it with the hand-set TXT", async () => {
    const found = (await discoverJson()).filter((b) => b.instanceName === NAME);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ port: PORT, wsUrl: `ws://127.0.0.1:${PORT}`, tls: false, source: "mdns", domain: "local.", txt: TXT });
  });

  test("the library call used by `gateway probe --ssh-auto` finds it too", async () => {
    const found = (await discoverGateways({ timeoutMs: 1200 })).find((b) => b.instanceName === NAME);
    expect(found).toMatchObject({ port: PORT, txt: TXT, addresses: ["127.0.0.1"] });
  });

  test("a gateway whose name is taken advertises `<name> (2)` and stays healthy", async () => {
    const gw = await spawnGateway({ binary: TEST_BIN, config: { discovery: { mdns: { enabled: true, instanceName: NAME } } } });
    await gw.waitForOutput(`mdns: advertising "${NAME} (2)"`);
    expect(gw.output()).toContain(`instance name "${NAME}" is already in use`);
    const health = await fetch(`${gw.httpUrl}/health`);
    expect(health.status).toBe(200);
    const socket = await connectOperator(gw.url, gw.token, ["operator.read"]);
    expect((await socket.request("health")).ok).toBe(true);
    socket.close();
    const beacons = await discoverJson();
    // Both stay listed: we never sent a goodbye for the other's name.
    expect(beacons.find((b) => b.instanceName === NAME)).toMatchObject({ port: PORT });
    expect(beacons.find((b) => b.instanceName === `${NAME} (2)`)).toMatchObject({ port: gw.port, wsUrl: `ws://127.0.0.1:${gw.port}` });
  });
});
