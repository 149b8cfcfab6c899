// Inside a private network namespace: discovery with nothing there honours --timeout; a gateway whose
// mDNS socket cannot be opened keeps serving, logs the failure once and recovers by itself; and the
// compiled binary browses a wide-area domain (dotted instance name, TCP fallback) next to mDNS.
import { afterAll, describe, expect, test } from "bun:test";
import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../../helpers/binary.ts";
import { spawnGateway, stopAllGateways } from "../../helpers/gateway.ts";
import { connectOperator } from "../../helpers/ws.ts";
import { startDnsServer, type FakeDnsServer } from "../_dns-server.ts";
import { INSIDE_NETNS, netnsTitle, TEST_BIN } from "../_netns.ts";

const tmp = mkdtempSync(join(tmpdir(), "openclaw-disc-"));
let holder: Socket | undefined;
let dns: FakeDnsServer | undefined;

function discover(args: string[], stateDir = tmp) {
  return runCommand([TEST_BIN, "gateway", "discover", ...args], {
    env: { OPENCLAW_STATE_DIR: stateDir, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_WIDE_AREA_DOMAIN: undefined },
    timeoutMs: 15_000,
  });
}

/** Binds 0.0.0.0:5353 without SO_REUSEADDR, so every other mDNS socket in the namespace fails with EADDRINUSE. */
async function holdMdnsPort(): Promise<Socket> {
  const socket = createSocket({ type: "udp4", reuseAddr: false });
  await new Promise<void>((resolve) => socket.bind(5353, "0.0.0.0", () => resolve()));
  return socket;
}

describe.skipIf(!INSIDE_NETNS)(netnsTitle("timeouts, an unavailable mDNS socket, wide-area from the binary"), () => {
  afterAll(async () => {
    holder?.close();
    await dns?.close();
    await stopAllGateways();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("`discover --timeout 500` with nothing there returns an empty list well under 2 s", async () => {
    const started = performance.now();
    const result = await discover(["--json", "--timeout", "500"]);
    const elapsed = performance.now() - started;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ beacons: [] });
    expect(elapsed).toBeLessThan(5000); // generous bound for a loaded 2-core machine; typically ~0.6 s
  });

  test("a bad --timeout is refused with the flag and value named", async () => {
    const result = await discover(["--timeout", "soon"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Expected --timeout to be a positive number of milliseconds, got "soon"');
  });

  test("mDNS socket unavailable: the gateway keeps serving, logs once, retries, then advertises", async () => {
    holder = await holdMdnsPort();
    const gw = await spawnGateway({ binary: TEST_BIN, config: { discovery: { mdns: { enabled: true, instanceName: "Held GW" } } } });
    await Bun.sleep(3500); // attempts at ~0 s, 1 s and 3 s all fail
    expect(gw.proc.exitCode).toBeNull();
    expect((await fetch(`${gw.httpUrl}/health`)).status).toBe(200);
    const socket = await connectOperator(gw.url, gw.token, ["operator.read"]);
    expect((await socket.request("health")).ok).toBe(true);
    socket.close();
    const failures = gw.output().split("\n").filter((line) => line.includes("mdns: advertise failed"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("EADDRINUSE");
    expect(failures[0]).toContain("retrying with back-off");

    // The browser in the CLI meets the same busy port: a warning, an empty list, exit 0.
    const busy = await discover(["--json", "--timeout", "500"]);
    expect(busy.code).toBe(0);
    expect(JSON.parse(busy.stdout)).toEqual({ beacons: [] });
    expect(busy.stderr).toContain("EADDRINUSE");

    holder.close();
    holder = undefined;
    await gw.waitForOutput('mdns: advertising "Held GW"', 12_000);
    // Logged right after the publish line, possibly in a later stdout chunk: wait for it rather than race it.
    await gw.waitForOutput(/advertising again after \d+ failed attempt/, 5_000);
    const found = JSON.parse((await discover(["--json", "--timeout", "1200"])).stdout).beacons;
    expect(found.map((b: any) => b.instanceName)).toContain("Held GW");
  }, 40_000);

  test("wide-area from the binary: dotted instance found and resolved, TXT over TCP after truncation", async () => {
    dns = await startDnsServer(
      [
        { name: "_openclaw-gw._tcp.openclaw.internal.", type: "PTR", data: "Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal." },
        { name: "Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal.", type: "SRV", data: { priority: 0, weight: 0, port: 18789, target: "studio.openclaw.internal." } },
        { name: "Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal.", type: "TXT", data: ["role=gateway", "transport=gateway", "gatewayPort=18789", "displayName=Studio"] },
        { name: "studio.openclaw.internal.", type: "A", data: "100.64.0.7" },
      ],
      { truncate: (q) => q.type === "TXT" },
    );
    const stateDir = mkdtempSync(join(tmp, "wide-"));
    writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({ discovery: { wideArea: { domain: "openclaw.internal", nameserver: dns.nameserver } } }));
    const result = await discover(["--json", "--timeout", "1500"], stateDir);
    expect(result.code).toBe(0);
    // The gateway of the previous test is still on mDNS; this test is about the wide-area entry.
    const beacons = JSON.parse(result.stdout).beacons.filter((b: any) => b.source === "wide-area");
    expect(beacons).toEqual([
      {
        instanceName: "Studio GW.v2",
        host: "studio.openclaw.internal",
        port: 18789,
        wsUrl: "ws://100.64.0.7:18789",
        tls: false,
        tlsSha256: null,
        txt: { role: "gateway", transport: "gateway", gatewayPort: "18789", displayName: "Studio" },
        source: "wide-area",
        domain: "openclaw.internal.",
      },
    ]);
    expect(dns.queries).toContainEqual({ name: "Studio GW.v2._openclaw-gw._tcp.openclaw.internal", type: "TXT", transport: "tcp" });
  });
});
