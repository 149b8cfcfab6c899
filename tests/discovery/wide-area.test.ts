// Wide-area DNS-SD against an authoritative dns-packet server on 127.0.0.1 (unicast only: no multicast here),
// and `openclaw dns records`, whose output is served back and browsed.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";
import { startDnsServer, type FakeDnsServer, type ZoneEntry } from "./_dns-server.ts";
import { discoverGateways } from "../../src/discovery/discover.ts";
import { mergeBeacons } from "../../src/discovery/merge.ts";
import type { GatewayBeacon } from "../../src/discovery/types.ts";

const INST = "Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal.";
const ZONE: ZoneEntry[] = [
  { name: "_openclaw-gw._tcp.openclaw.internal.", type: "PTR", data: INST },
  { name: "_openclaw-gw._tcp.openclaw.internal.", type: "PTR", data: "Lab._openclaw-gw._tcp.openclaw.internal." },
  { name: INST, type: "SRV", data: { priority: 0, weight: 0, port: 18789, target: "studio.openclaw.internal." } },
  { name: INST, type: "TXT", data: ["role=gateway", "transport=gateway", "gatewayPort=18789", "displayName=Studio", "sshPort=22"] },
  { name: "studio.openclaw.internal.", type: "A", data: "100.64.0.7" },
  { name: "Lab._openclaw-gw._tcp.openclaw.internal.", type: "SRV", data: { priority: 0, weight: 0, port: 443, target: "lab.openclaw.internal." } },
  { name: "Lab._openclaw-gw._tcp.openclaw.internal.", type: "TXT", data: ["role=gateway", "gatewayTls=1", "gatewayTlsSha256=AB:CD"] },
  { name: "lab.openclaw.internal.", type: "AAAA", data: "fd7a:115c::5" },
];

const servers: FakeDnsServer[] = [];
const dirs: string[] = [];
async function server(zone: ZoneEntry[], options?: Parameters<typeof startDnsServer>[1]) {
  const s = await startDnsServer(zone, options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function browse(dns: FakeDnsServer, timeoutMs = 2000, domain = "openclaw.internal") {
  const warnings: string[] = [];
  // mdns: false — this file runs in the main network namespace, where multicast is not allowed.
  const result = discoverGateways({ timeoutMs, mdns: false, wideArea: { domain, nameserver: dns.nameserver }, onWarning: (m) => warnings.push(m) });
  return result.then((beacons) => ({ beacons, warnings }));
}

describe("wide-area browse", () => {
  test("an instance name with a space and a dot is found and resolved (PTR → SRV + TXT → A/AAAA)", async () => {
    const dns = await server(ZONE);
    const { beacons, warnings } = await browse(dns);
    expect(warnings).toEqual([]);
    expect(beacons).toEqual([
      {
        instanceName: "Lab",
        host: "lab.openclaw.internal",
        port: 443,
        wsUrl: "wss://[fd7a:115c::5]:443",
        tls: true,
        tlsSha256: "AB:CD",
        txt: { role: "gateway", gatewayTls: "1", gatewayTlsSha256: "AB:CD" },
        source: "wide-area",
        domain: "openclaw.internal.",
        addresses: ["fd7a:115c::5"],
      },
      {
        instanceName: "Studio GW.v2",
        host: "studio.openclaw.internal",
        port: 18789,
        wsUrl: "ws://100.64.0.7:18789",
        tls: false,
        tlsSha256: null,
        txt: { role: "gateway", transport: "gateway", gatewayPort: "18789", displayName: "Studio", sshPort: "22" },
        source: "wide-area",
        domain: "openclaw.internal.",
        addresses: ["100.64.0.7"],
      },
    ]);
    // The SRV question went out with the dotted label intact (one label, not two).
    expect(dns.queries).toContainEqual({ name: "Studio GW.v2._openclaw-gw._tcp.openclaw.internal", type: "SRV", transport: "udp" });
  });

  test("a truncated UDP answer is asked again over TCP", async () => {
    const dns = await server(ZONE, { truncate: (q) => q.type === "PTR" || q.type === "TXT" });
    const { beacons } = await browse(dns);
    expect(beacons.map((b) => b.instanceName)).toEqual(["Lab", "Studio GW.v2"]);
    expect(beacons[1]!.txt.displayName).toBe("Studio");
    const ptr = dns.queries.filter((q) => q.type === "PTR").map((q) => q.transport);
    expect(ptr).toEqual(["udp", "tcp"]);
    expect(dns.queries.filter((q) => q.type === "TXT" && q.transport === "tcp")).toHaveLength(2);
  });

  test("a domain with nothing in it (NXDOMAIN) comes back empty without waiting for the deadline", async () => {
    const dns = await server(ZONE);
    const started = performance.now();
    const { beacons, warnings } = await browse(dns, 10_000, "empty.example");
    expect(beacons).toEqual([]);
    expect(warnings).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test("a silent nameserver: the browse ends at the deadline with one warning", async () => {
    const dns = await server(ZONE, { drop: () => true });
    const { beacons, warnings } = await browse(dns, 600);
    expect(beacons).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("no answer from 127.0.0.1");
    expect(dns.queries.length).toBeGreaterThanOrEqual(2); // retransmitted inside the budget
  });

  test("one deadline for the whole command: 60 instances whose SRV never answers, timeout 1000", async () => {
    const zone: ZoneEntry[] = Array.from({ length: 60 }, (_, i) => ({ name: "_openclaw-gw._tcp.openclaw.internal.", type: "PTR" as const, data: `gw${i}._openclaw-gw._tcp.openclaw.internal.` }));
    const dns = await server(zone, { drop: (q) => q.type !== "PTR" });
    const started = performance.now();
    const { beacons } = await browse(dns, 1000);
    expect(beacons).toEqual([]);
    expect(dns.queries.filter((q) => q.type === "SRV").length).toBeGreaterThanOrEqual(60);
    expect(performance.now() - started).toBeLessThan(3000); // ~1 s; fresh per-phase timeouts would take minutes
  });

  test("a malformed nameserver setting is a warning, not a crash", async () => {
    const warnings: string[] = [];
    const beacons = await discoverGateways({ timeoutMs: 200, mdns: false, wideArea: { domain: "x.internal", nameserver: "not a server" }, onWarning: (m) => warnings.push(m) });
    expect(beacons).toEqual([]);
    expect(warnings[0]).toContain("Expected a nameserver like 127.0.0.1");
  });
});

describe("`openclaw dns records`", () => {
  function profile(config: unknown) {
    const dir = mkdtempSync(join(tmpdir(), "openclaw-dns-"));
    dirs.push(dir);
    writeFileSync(join(dir, "openclaw.json"), JSON.stringify(config));
    return { HOME: dir, OPENCLAW_STATE_DIR: dir, NO_COLOR: "1" };
  }
  const config = { gateway: { mode: "local", port: 19999 }, discovery: { mdns: { instanceName: "Zone GW.v1", sshPort: 2022 } } };

  test("prints PTR/SRV/TXT/A in zone-file form with the instance escaped", async () => {
    const env = profile(config);
    const { code, stdout } = await cli(["dns", "records", "--domain", "openclaw.internal", "--address", "100.64.0.9"], env);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toStartWith("; OpenClaw gateway DNS-SD records for openclaw.internal.");
    expect(lines).toContainEqual(expect.stringMatching(/^_openclaw-gw\._tcp\.openclaw\.internal\.\s+120 IN PTR  Zone\\032GW\\\.v1\._openclaw-gw\._tcp\.openclaw\.internal\.$/));
    expect(lines).toContainEqual(expect.stringMatching(/ IN SRV  0 0 19999 \S+\.openclaw\.internal\.$/));
    expect(lines).toContainEqual(expect.stringMatching(/ IN TXT  "role=gateway" "transport=gateway" "displayName=Zone GW\.v1" "gatewayPort=19999" "sshPort=2022"/));
    expect(lines).toContainEqual(expect.stringMatching(/ IN A    100\.64\.0\.9$/));
  });

  test("no domain anywhere: a clear error", async () => {
    const { code, stderr } = await cli(["dns", "records"], profile({}));
    expect(code).toBe(1);
    expect(stderr).toContain("No discovery domain");
  });

  test("serving what it prints makes `discover` find this gateway", async () => {
    const env = profile({ ...config, discovery: { ...config.discovery, wideArea: { domain: "openclaw.internal" } } });
    const { code, stdout } = await cli(["dns", "records", "--address", "100.64.0.9", "--json"], env);
    expect(code).toBe(0);
    const records = JSON.parse(stdout) as { name: string; type: ZoneEntry["type"]; data: string }[];
    const dns = await server(records.map(fromZone));
    const { beacons } = await browse(dns);
    expect(beacons).toHaveLength(1);
    expect(beacons[0]).toMatchObject({ instanceName: "Zone GW.v1", port: 19999, wsUrl: "ws://100.64.0.9:19999", source: "wide-area" });
    expect(beacons[0]!.txt).toMatchObject({ role: "gateway", transport: "gateway", gatewayPort: "19999", sshPort: "2022", displayName: "Zone GW.v1" });
  });
});

describe("merging", () => {
  const base: GatewayBeacon = {
    instanceName: "Box (OpenClaw)", host: "box.local", port: 18789, wsUrl: "ws://192.168.1.5:18789", tls: false, tlsSha256: null,
    txt: { role: "gateway" }, source: "mdns", domain: "local.", addresses: ["192.168.1.5"],
  };
  test("the same gateway on LAN and wide-area is listed once, mDNS first, gaps filled", () => {
    const wide = { ...base, host: "box.openclaw.internal", wsUrl: "ws://100.64.0.5:18789", source: "wide-area" as const, domain: "openclaw.internal.", txt: { role: "gateway", tailnetDns: "box.ts.net" }, addresses: ["100.64.0.5"] };
    const merged = mergeBeacons([wide, base]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ source: "mdns", wsUrl: base.wsUrl, txt: { role: "gateway", tailnetDns: "box.ts.net" }, addresses: ["192.168.1.5", "100.64.0.5"] });
  });
  test("two gateways with different names or ports stay apart", () => {
    expect(mergeBeacons([base, { ...base, port: 18790, wsUrl: "ws://192.168.1.5:18790" }, { ...base, instanceName: "Other", wsUrl: "ws://10.0.0.2:18789" }])).toHaveLength(3);
  });
});

/** A `dns records --json` entry as the test server's zone entry (RDATA from zone-file form). */
function fromZone(record: { name: string; type: ZoneEntry["type"]; data: string }): ZoneEntry {
  if (record.type === "SRV") {
    const [priority, weight, port, target] = record.data.split(" ");
    return { name: record.name, type: "SRV", data: { priority: Number(priority), weight: Number(weight), port: Number(port), target } };
  }
  if (record.type === "TXT") {
    const strings = [...record.data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(["\\])/g, "$1"));
    return { name: record.name, type: "TXT", data: strings };
  }
  return { name: record.name, type: record.type, data: record.data };
}
