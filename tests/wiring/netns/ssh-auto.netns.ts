// Inside a private network namespace (started by ../probe-ssh-auto.test.ts): `gateway probe --ssh-auto`
// discovers a gateway (wide-area DNS-SD from an in-test dns-packet server, then LAN mDNS from a real
// gateway's beacon), tunnels to it through a recording `ssh` shim that really forwards, and probes through
// the tunnel; a beacon's gatewayTlsSha256 becomes the client's TLS pin; nothing found is a clear error.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TCPSocketListener } from "bun";
import { cli } from "../../helpers/cli.ts";
import { freePort, spawnGateway, stopAllGateways, type SpawnedGateway } from "../../helpers/gateway.ts";
import { startDnsServer, type FakeDnsServer, type ZoneEntry } from "../../discovery/_dns-server.ts";
import { INSIDE_NETNS, netnsTitle } from "../../discovery/_netns.ts";
import { isAlive, sshShim, type SshShim } from "../../helpers/ssh-shim.ts";

const TOKEN = `ssh-auto-${crypto.randomUUID()}`;
const DOMAIN = "wiring.internal";
const tmp = mkdtempSync(join(tmpdir(), "openclaw-ssh-auto-"));
let shim: SshShim;
let dns: FakeDnsServer;
let gw: SpawnedGateway;
let tlsFront: TCPSocketListener<unknown> | undefined;
const zone: ZoneEntry[] = [];

/** A CLI state dir whose loopback port is closed (only the tunnel can answer) and whose token fits the gateways. */
function cliEnv(discovery: Record<string, unknown> = {}): Record<string, string | undefined> {
  const state = mkdtempSync(join(tmp, "cli-"));
  writeFileSync(join(state, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: freePort(), auth: { token: TOKEN } }, discovery }), { mode: 0o600 });
  return { HOME: tmp, NO_COLOR: "1", OPENCLAW_STATE_DIR: state, ...shim.env };
}
const wideArea = () => ({ wideArea: { domain: DOMAIN, nameserver: dns.nameserver } });

/** One DNS-SD instance in the test zone: PTR, SRV (→ 127.0.0.1), TXT. */
function publish(instance: string, port: number, txt: string[]): void {
  const fqdn = `${instance.replace(/ /g, "\\032")}._openclaw-gw._tcp.${DOMAIN}.`;
  const host = `${instance.toLowerCase().replace(/[^a-z0-9]/g, "")}.${DOMAIN}.`;
  zone.splice(0, zone.length,
    { name: `_openclaw-gw._tcp.${DOMAIN}.`, type: "PTR", data: fqdn },
    { name: fqdn, type: "SRV", data: { priority: 0, weight: 0, port, target: host } },
    { name: fqdn, type: "TXT", data: ["role=gateway", "transport=gateway", `gatewayPort=${port}`, ...txt] },
    { name: host, type: "A", data: "127.0.0.1" },
  );
}

describe.skipIf(!INSIDE_NETNS)(netnsTitle("gateway probe --ssh-auto"), () => {
  beforeAll(async () => {
    shim = sshShim();
    dns = await startDnsServer(zone);
    // No beacon: a loopback bind keeps it off unless forced; the mDNS test below starts its own gateway.
    gw = await spawnGateway({ token: TOKEN });
  }, 30_000);
  afterAll(async () => {
    tlsFront?.stop(true);
    await dns?.close();
    await stopAllGateways();
    shim?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("nothing discovered: exit 1 with a clear error naming where it looked; no ssh is started", async () => {
    zone.length = 0;
    const result = await cli(["gateway", "probe", "--ssh-auto", "--timeout", "2500"], cliEnv(wideArea()));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--ssh-auto: no gateway discovered in local\. and wiring\.internal\. within \d+ms/);
    expect(result.stderr).toContain("openclaw gateway discover");
    expect(shim.calls()).toEqual([]);
  });

  test("wide-area: the first discovered gateway's resolved address is the SSH target; the probe goes through the tunnel", async () => {
    publish("Wide GW", gw.port, ["sshPort=22"]);
    const { code, stdout } = await cli(["gateway", "probe", "--ssh-auto", "--json", "--timeout", "6000"], cliEnv(wideArea()));
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const argv = shim.calls().at(-1)!;
    const localPort = Number(argv[2]!.split(":")[0]);
    expect(argv).toEqual(["-N", "-L", `${localPort}:127.0.0.1:${gw.port}`, "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "127.0.0.1"]);
    expect(json.discovery).toMatchObject({ available: true, count: 1, beacons: [{ instanceName: "Wide GW", source: "wide-area", wsUrl: `ws://127.0.0.1:${gw.port}` }] });
    const tunnel = json.targets.find((t: { id: string }) => t.id === "sshTunnel");
    expect(tunnel).toMatchObject({ url: `ws://127.0.0.1:${localPort}`, tunnel: { kind: "ssh", target: "127.0.0.1", localPort, remotePort: gw.port }, connect: { ok: true } });
    expect(json.primaryTargetId).toBe("sshTunnel");
    expect(isAlive(shim.lastPid())).toBe(false);
    expect(dns.queries.some((q) => q.type === "SRV" && q.name === `Wide GW._openclaw-gw._tcp.${DOMAIN}`)).toBe(true);
  });

  test("human output says what was discovered and which SSH target it picked", async () => {
    publish("Wide GW", gw.port, []);
    const result = await cli(["gateway", "probe", "--ssh-auto", "--timeout", "6000"], cliEnv(wideArea()));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Found 1 gateway in local. and ${DOMAIN}. (`);
    expect(result.stdout).toContain(`- Wide GW · ws://127.0.0.1:${gw.port} · wide-area (${DOMAIN}.)`);
    expect(result.stdout).toContain('SSH target (--ssh-auto): 127.0.0.1 (from "Wide GW")');
    expect(result.stdout).not.toContain("Not available yet");
    expect(result.stdout).toMatch(/Remote over SSH ws:\/\/127\.0\.0\.1:\d+\n {2}Connect: ok/);
  });

  test("TLS beacon: the tunnel speaks wss:// pinned to the beacon's gatewayTlsSha256; a wrong pin is refused", async () => {
    const key = join(tmp, "key.pem");
    const cert = join(tmp, "cert.pem");
    const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=tls-front"], { stderr: "pipe" });
    expect(made.exitCode).toBe(0);
    const fingerprint = Bun.spawnSync(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert]).stdout.toString().split("=")[1]!.trim();
    // The gateway serves plain ws://, so a TLS terminator in this test stands in front of it.
    tlsFront = tlsTerminator(cert, key, gw.port);
    publish("TLS GW", tlsFront.port, ["gatewayTls=1", `gatewayTlsSha256=${fingerprint}`]);
    const ok = JSON.parse((await cli(["gateway", "probe", "--ssh-auto", "--json", "--timeout", "6000"], cliEnv(wideArea()))).stdout);
    const tunnel = ok.targets.find((t: { id: string }) => t.id === "sshTunnel");
    expect(tunnel.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    expect(tunnel).toMatchObject({ tunnel: { remotePort: tlsFront.port }, connect: { ok: true, error: expect.not.stringContaining("TLS") } });
    expect(ok.discovery.beacons[0]).toMatchObject({ tls: true, tlsSha256: fingerprint });

    publish("TLS GW", tlsFront.port, ["gatewayTls=1", `gatewayTlsSha256=${"AB:".repeat(31)}AB`]);
    const bad = JSON.parse((await cli(["gateway", "probe", "--ssh-auto", "--json", "--timeout", "6000"], cliEnv(wideArea()))).stdout);
    const refused = bad.targets.find((t: { id: string }) => t.id === "sshTunnel");
    expect(refused.connect.ok).toBe(false);
    expect(refused.connect.error).toContain("TLS certificate fingerprint mismatch");
  });

  test("LAN mDNS: a gateway's own beacon is found; its TXT sshPort becomes `-p`", async () => {
    zone.length = 0;
    const lan = await spawnGateway({ token: TOKEN, config: { discovery: { mdns: { enabled: true, instanceName: "LAN GW", sshPort: 2222 } } } });
    await lan.waitForOutput('mdns: advertising "LAN GW"');
    const { code, stdout } = await cli(["gateway", "probe", "--ssh-auto", "--json", "--timeout", "6000"], cliEnv());
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.discovery.beacons[0]).toMatchObject({ instanceName: "LAN GW", source: "mdns", port: lan.port });
    const argv = shim.calls().at(-1)!;
    expect(argv.slice(0, 5)).toEqual(["-N", "-L", expect.stringMatching(new RegExp(`^\\d+:127\\.0\\.0\\.1:${lan.port}$`)), "-p", "2222"]);
    expect(argv.at(-1)).toBe("127.0.0.1");
    expect(json.targets.find((t: { id: string }) => t.id === "sshTunnel")).toMatchObject({ tunnel: { target: "127.0.0.1:2222", remotePort: lan.port }, connect: { ok: true } });
    expect(readFileSync(join(shim.dir, "calls.txt"), "utf8")).not.toContain(TOKEN);
  }, 30_000);
});

/** Terminates TLS on a free 127.0.0.1 port and pipes the plaintext to `port`. */
function tlsTerminator(cert: string, key: string, port: number): TCPSocketListener<unknown> {
  type Link = { up?: Awaited<ReturnType<typeof Bun.connect>>; pending: Uint8Array[] };
  return Bun.listen<Link>({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: Bun.file(cert), key: Bun.file(key) },
    socket: {
      open(client) {
        client.data = { pending: [] };
        void Bun.connect({
          hostname: "127.0.0.1",
          port,
          socket: {
            open(up) {
              client.data.up = up;
              for (const chunk of client.data.pending) up.write(chunk);
              client.data.pending = [];
            },
            data(_up, chunk) {
              client.write(chunk);
            },
            close() {
              client.end();
            },
            error() {
              client.end();
            },
          },
        }).catch(() => client.end());
      },
      data(client, chunk) {
        if (client.data.up) client.data.up.write(chunk);
        else client.data.pending.push(new Uint8Array(chunk));
      },
      close(client) {
        client.data.up?.end();
      },
    },
  }) as unknown as TCPSocketListener<unknown>;
}
