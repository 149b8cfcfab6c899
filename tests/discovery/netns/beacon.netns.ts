// Inside a private network namespace (started by ../netns.test.ts): a gateway (compiled binary) advertises,
// `gateway discover` (compiled binary) finds it, a SIGUSR1 restart says goodbye and re-announces, SIGTERM
// says goodbye for good. Also the TLS TXT keys through the same mDNS path.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bonjour } from "bonjour-service";
import { runCommand } from "../../helpers/binary.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../../helpers/gateway.ts";
import { connectOperator } from "../../helpers/ws.ts";
import { INSIDE_NETNS, netnsTitle, TEST_BIN } from "../_netns.ts";
import { MdnsBeacon } from "../../../src/discovery/beacon.ts";
import { discoverGateways } from "../../../src/discovery/discover.ts";
import { beaconIdentity, beaconTxt } from "../../../src/discovery/settings.ts";

const NAME = "Acceptance GW";
const tmp = mkdtempSync(join(tmpdir(), "openclaw-disc-"));
let gw: SpawnedGateway;
let browser: { events: { event: "up" | "down"; name: string }[]; close(): Promise<void> } | undefined;

/** `openclaw gateway discover …` from the compiled binary, with an empty state dir (no wide-area config). */
async function discover(...args: string[]) {
  const result = await runCommand([TEST_BIN, "gateway", "discover", ...args], {
    env: { OPENCLAW_STATE_DIR: tmp, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_WIDE_AREA_DOMAIN: undefined },
    timeoutMs: 15_000,
  });
  expect(result.code).toBe(0);
  return result;
}

async function discoverJson(timeout = "1500") {
  const { stdout } = await discover("--json", "--timeout", timeout);
  return JSON.parse(stdout).beacons as any[];
}

/** A long-lived bonjour-service browser recording up/down events (to see goodbye packets). */
function watch() {
  const events: { event: "up" | "down"; name: string }[] = [];
  const bonjour = new Bonjour({}, () => {});
  const find = bonjour.find({ type: "openclaw-gw" });
  find.on("up", (s) => events.push({ event: "up", name: s.name }));
  find.on("down", (s) => events.push({ event: "down", name: s.name }));
  return { events, close: () => new Promise<void>((resolve) => (find.stop(), bonjour.destroy(() => resolve()))) };
}

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

describe.skipIf(!INSIDE_NETNS)(netnsTitle("gateway beacon ↔ `gateway discover`"), () => {
  beforeAll(async () => {
    expect(TEST_BIN).not.toBe("");
    gw = await spawnGateway({
      binary: TEST_BIN,
      // Loopback bind turns the beacon off by rule, so force it the documented way.
      config: { discovery: { mdns: { enabled: true, instanceName: NAME } } },
      env: { OPENCLAW_TAILNET_DNS: "studio.example.ts.net", OPENCLAW_SSH_PORT: "2222" },
    });
    await gw.waitForOutput(`mdns: advertising "${NAME}"`);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await stopAllGateways();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("`gateway discover --json` lists it with every TXT key and a wsUrl that connects", async () => {
    const beacons = await discoverJson();
    const mine = beacons.filter((b) => b.instanceName === NAME);
    expect(mine).toHaveLength(1);
    const beacon = mine[0];
    expect(Object.keys(beacon)).toEqual(["instanceName", "host", "port", "wsUrl", "tls", "tlsSha256", "txt", "source", "domain"]);
    expect(beacon).toMatchObject({ port: gw.port, wsUrl: `ws://127.0.0.1:${gw.port}`, tls: false, tlsSha256: null, source: "mdns", domain: "local." });
    expect(beacon.host).toEndWith(".local");
    expect(beacon.txt).toEqual({
      role: "gateway",
      transport: "gateway",
      displayName: NAME,
      lanHost: beacon.host,
      gatewayPort: String(gw.port),
      sshPort: "2222",
      tailnetDns: "studio.example.ts.net",
      cliPath: TEST_BIN,
    });
    const socket = await connectOperator(beacon.wsUrl, gw.token, ["operator.read"]);
    expect((await socket.request("health")).ok).toBe(true);
    socket.close();
  });

  test("the human output is a table with name, host, port, ws URL, TLS and source", async () => {
    const { stdout } = await discover("--timeout", "1200");
    const [head, ...rows] = stdout.trim().split("\n");
    expect(head).toMatch(/^NAME\s+HOST\s+PORT\s+WS URL\s+TLS\s+SOURCE$/);
    expect(rows.find((r) => r.startsWith(NAME))).toMatch(new RegExp(`^${NAME}\\s+\\S+\\.local\\s+${gw.port}\\s+ws://127\\.0\\.0\\.1:${gw.port}\\s+no\\s+mdns$`));
  });

  test("an in-process restart (SIGUSR1) says goodbye, then re-announces under the same name", async () => {
    browser = watch();
    await until(() => browser!.events.some((e) => e.event === "up" && e.name === NAME), 5000, "the watcher to see the beacon");
    const before = gw.output().split(`mdns: advertising "${NAME}"`).length - 1;
    gw.proc.kill("SIGUSR1");
    await until(() => gw.output().split(`mdns: advertising "${NAME}"`).length - 1 > before, 10_000, "the re-announcement");
    await until(() => browser!.events.filter((e) => e.name === NAME).length >= 3, 5000, "down then up");
    expect(browser.events.filter((e) => e.name === NAME).map((e) => e.event)).toEqual(["up", "down", "up"]);
    expect(gw.output()).not.toContain("already in use"); // our own previous generation is no conflict
    expect((await discoverJson()).filter((b) => b.instanceName === NAME)).toHaveLength(1);
  });

  test("after SIGTERM the watcher sees the goodbye and a new browse no longer lists it", async () => {
    const downs = browser!.events.filter((e) => e.event === "down").length;
    expect(await gw.stop("SIGTERM")).toBe(0);
    await until(() => browser!.events.filter((e) => e.event === "down").length > downs, 3000, "the goodbye");
    expect((await discoverJson("1000")).filter((b) => b.instanceName === NAME)).toEqual([]);
  });

  test("TLS: gatewayTls and gatewayTlsSha256 travel in TXT, and the wsUrl becomes wss", async () => {
    const key = join(tmp, "key.pem");
    const cert = join(tmp, "cert.pem");
    const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=gw"], { stderr: "pipe" });
    expect(made.exitCode).toBe(0);
    const printed = Bun.spawnSync(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert]).stdout.toString();
    const fingerprint = printed.split("=")[1]!.trim();
    const config = { gateway: { tls: { enabled: true, certPath: cert } }, discovery: { mdns: { instanceName: "TLS GW" } } };
    const identity = beaconIdentity(config.discovery, {});
    const txt = beaconTxt({ config, port: 18443, env: {}, identity, scope: "mdns", tls: { sha256: fingerprint } });
    const logs: string[] = [];
    const log = { debug: () => {}, info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };
    const beacon = new MdnsBeacon({ instanceName: identity.instanceName, hostLabel: identity.hostLabel, port: 18443, txt }, { log });
    beacon.start();
    try {
      await until(() => beacon.advertisedName === "TLS GW", 5000, "the TLS beacon");
      const found = (await discoverGateways({ timeoutMs: 1500 })).find((b) => b.instanceName === "TLS GW");
      expect(found).toMatchObject({ tls: true, tlsSha256: fingerprint, wsUrl: "wss://127.0.0.1:18443" });
      expect(found!.txt).toMatchObject({ gatewayTls: "1", gatewayTlsSha256: fingerprint });
      expect(readFileSync(cert, "utf8")).toContain("BEGIN CERTIFICATE");
    } finally {
      await beacon.stop();
    }
  });
});
