// The beacon rule (on/off per bind and config), the instance name and the TXT hints.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beaconIdentity, beaconTxt, certificateSha256, planBeacon } from "../../src/discovery/settings.ts";
import { discoverySurface } from "../../src/discovery/surface.ts";

const loopback = { mode: "loopback", loopbackOnly: true };
const lan = { mode: "lan", loopbackOnly: false };

describe("beacon rule", () => {
  test.each([
    ["lan bind, nothing configured", undefined, lan, {}, true],
    ["tailnet bind", undefined, { mode: "tailnet", loopbackOnly: false }, {}, true],
    ["loopback bind: off (nobody else could connect)", undefined, loopback, {}, false],
    ["loopback bind forced by discovery.mdns.enabled: true", { mdns: { enabled: true } }, loopback, {}, true],
    ["loopback bind forced by OPENCLAW_DISABLE_BONJOUR=0", undefined, loopback, { OPENCLAW_DISABLE_BONJOUR: "0" }, true],
    ["discovery.mdns.enabled: false wins over a lan bind", { mdns: { enabled: false } }, lan, {}, false],
    ['discovery.mdns.mode: "off"', { mdns: { mode: "off" } }, lan, {}, false],
    ["OPENCLAW_DISABLE_BONJOUR=1", undefined, lan, { OPENCLAW_DISABLE_BONJOUR: "1" }, false],
    ["enabled: false beats OPENCLAW_DISABLE_BONJOUR=0", { mdns: { enabled: false } }, lan, { OPENCLAW_DISABLE_BONJOUR: "0" }, false],
  ] as const)("%s", (_label, discovery, bind, env, enabled) => {
    const plan = planBeacon(discovery as any, bind, env as Record<string, string>);
    expect(plan.enabled).toBe(enabled);
    expect(plan.reason.length).toBeGreaterThan(0);
  });

  test("the loopback reason says how to force it", () => {
    expect(planBeacon(undefined, loopback, {}).reason).toContain("discovery.mdns.enabled: true");
  });

  test("the surface is absent when the rule says off, present when forced", () => {
    const ctx = (discovery: unknown, bind: typeof loopback) =>
      ({
        core: { config: () => ({ config: { discovery } }) },
        logger: { child: () => ({ debug() {}, info() {}, warn() {}, error() {} }) },
        bind: { ...bind, hosts: ["127.0.0.1"] },
        auth: () => ({}),
        port: () => 18789,
        env: {},
      }) as any;
    expect(discoverySurface(ctx(undefined, loopback))).toBeUndefined();
    expect(discoverySurface(ctx({ mdns: { enabled: true } }, loopback))?.name).toBe("discovery");
    expect(discoverySurface(ctx(undefined, lan))?.name).toBe("discovery");
  });
});

describe("identity", () => {
  test("default instance is `<short hostname> (OpenClaw)`", () => {
    expect(beaconIdentity(undefined, {}, "studio.lan")).toEqual({ instanceName: "studio (OpenClaw)", hostLabel: "studio", displayName: "studio" });
  });
  test("discovery.mdns.instanceName is used as is, and as displayName", () => {
    expect(beaconIdentity({ mdns: { instanceName: "Office GW" } }, {}, "box")).toMatchObject({ instanceName: "Office GW", displayName: "Office GW" });
  });
  test("a hostname that is no DNS label falls back to `openclaw`; OPENCLAW_MDNS_HOSTNAME overrides", () => {
    expect(beaconIdentity(undefined, {}, "my_box").hostLabel).toBe("openclaw");
    expect(beaconIdentity(undefined, { OPENCLAW_MDNS_HOSTNAME: "gw1" }, "my_box").hostLabel).toBe("gw1");
  });
  test("long names leave room for a conflict suffix inside the 63-byte label", () => {
    const { instanceName } = beaconIdentity({ mdns: { instanceName: "é".repeat(40) } }, {});
    expect(new TextEncoder().encode(instanceName).length).toBeLessThanOrEqual(57);
  });
});

describe("TXT", () => {
  const identity = { instanceName: "Box (OpenClaw)", hostLabel: "box", displayName: "box" };

  test("full mode (default): every key, sshPort defaulting to 22", () => {
    const txt = beaconTxt({ config: {}, port: 18789, env: { OPENCLAW_TAILNET_DNS: "box.tail.ts.net" }, identity, scope: "mdns", execPath: "/opt/openclaw/openclaw" });
    expect(txt).toEqual({
      role: "gateway",
      transport: "gateway",
      displayName: "box",
      lanHost: "box.local",
      gatewayPort: "18789",
      sshPort: "22",
      tailnetDns: "box.tail.ts.net",
      cliPath: "/opt/openclaw/openclaw",
    });
  });

  test("minimal mode drops sshPort, cliPath and tailnetDns; wide-area has no lanHost", () => {
    const txt = beaconTxt({ config: { discovery: { mdns: { mode: "minimal" } } }, port: 1, env: { OPENCLAW_TAILNET_DNS: "x" }, identity, scope: "wide-area", execPath: "/x/openclaw" });
    expect(txt).toEqual({ role: "gateway", transport: "gateway", displayName: "box", gatewayPort: "1" });
  });

  test("config beats env for sshPort and cliPath; running under bun gives no cliPath", () => {
    const config = { discovery: { mdns: { sshPort: 2200 } } };
    const txt = beaconTxt({ config, port: 1, env: { OPENCLAW_SSH_PORT: "2222" }, identity, scope: "mdns", execPath: "/usr/local/bin/bun" });
    expect(txt.sshPort).toBe("2200");
    expect(txt.cliPath).toBeUndefined();
  });

  test("TLS keys come from the served certificate only; an unreadable cert gives no fingerprint", () => {
    const dir = mkdtempSync(join(tmpdir(), "openclaw-tls-"));
    try {
      const cert = join(dir, "cert.pem");
      const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(dir, "k.pem"), "-out", cert, "-days", "1", "-subj", "/CN=t"], { stderr: "pipe" });
      expect(made.exitCode).toBe(0);
      const expected = Bun.spawnSync(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", cert]).stdout.toString().split("=")[1]!.trim();
      expect(certificateSha256(cert)).toBe(expected);
      const on = beaconTxt({ config: {}, port: 1, env: {}, identity, scope: "mdns", tls: { sha256: expected } });
      expect(on).toMatchObject({ gatewayTls: "1", gatewayTlsSha256: expected });
      expect(certificateSha256(join(dir, "nope.pem"))).toBeUndefined();
      // Config alone is no proof the port speaks TLS: without served TLS there is no TLS key at all.
      const configOnly = beaconTxt({ config: { gateway: { tls: { enabled: true, certPath: cert } } }, port: 1, env: {}, identity, scope: "mdns" });
      expect(configOnly.gatewayTls).toBeUndefined();
      expect(configOnly.gatewayTlsSha256).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
