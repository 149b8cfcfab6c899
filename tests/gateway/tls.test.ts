// gateway.tls: https:// and wss:// on the gateway port, the generated self-signed pair, the served fingerprint as
// features (the beacon) see it, our CLI's pin, and renewal of the certificate files without a restart.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayClient } from "../../src/client/client.ts";
import { Deadline } from "../../src/client/deadline.ts";
import { CLI_IDENTITY } from "../../src/client/identity.ts";
import { resolveProfilePaths } from "../../src/config/paths.ts";
import { beaconTxt } from "../../src/discovery/settings.ts";
import { createGatewayLogger } from "../../src/logging/index.ts";
import { startGateway, type GatewayHandle } from "../../src/server/gateway.ts";
import { generateSelfSigned } from "../../src/server/self-signed.ts";
import type { ServedTls, SurfaceContext } from "../../src/surface/types.ts";
import { cli } from "../helpers/cli.ts";
import { freePort } from "../helpers/gateway.ts";

const token = "tls-token-" + crypto.randomUUID();

/** The SHA-256 the port really serves, read with node:tls (what a pinning client sees). */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

async function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(["curl", "-sS", "-m", "10", ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, stdout, stderr };
}

interface Started {
  gw: GatewayHandle;
  dir: string;
  ctx: () => SurfaceContext;
  renewed: ServedTls[];
  env: Record<string, string>;
}

async function start(gateway: Record<string, unknown>): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-tls-"));
  const port = freePort();
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port, auth: { token }, reload: { debounceMs: 50 }, ...gateway } }));
  const env = { OPENCLAW_STATE_DIR: dir, HOME: dir };
  const logger = createGatewayLogger({ file: join(dir, "gateway.log"), console: { out() {}, err() {} } });
  let captured: SurfaceContext | undefined;
  const renewed: ServedTls[] = [];
  const gw = await startGateway({
    paths: resolveProfilePaths(undefined, { env }),
    env,
    version: "0.0.0-test",
    logger,
    features: (ctx) => {
      captured = ctx;
      return [{ name: "probe", tlsRenewed: (tls) => void renewed.push(tls) }];
    },
  });
  return { gw, dir, ctx: () => captured!, renewed, env };
}

describe("TLS on, generated self-signed pair", () => {
  let s: Started;
  let certPath: string;
  beforeAll(async () => {
    s = await start({ tls: { enabled: true } });
    certPath = join(s.dir, "gateway", "tls", "gateway-cert.pem");
  });
  afterAll(async () => {
    await s?.gw.stop();
    rmSync(s.dir, { recursive: true, force: true });
  });

  test("the pair is generated in the state dir, key and cert 0600, and the handle says wss://", () => {
    expect(statSync(join(s.dir, "gateway", "tls", "gateway-key.pem")).mode & 0o777).toBe(0o600);
    expect(statSync(certPath).mode & 0o777).toBe(0o600);
    expect(s.gw.urls[0]).toBe(`wss://127.0.0.1:${s.gw.port}`);
  });

  test("curl --cacert reaches https:// on the gateway port; without the CA it is refused; plain http is not served", async () => {
    const ok = await curl(["--cacert", certPath, `https://127.0.0.1:${s.gw.port}/healthz`]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true });
    const untrusted = await curl([`https://127.0.0.1:${s.gw.port}/healthz`]);
    expect(untrusted.code).toBe(60); // SSL certificate problem
    const plain = await curl([`http://127.0.0.1:${s.gw.port}/healthz`]);
    expect(plain.stdout).not.toContain('"ok"');
  });

  test("features see the fingerprint the port serves, and the beacon's TXT carries exactly that", async () => {
    const served = await servedFingerprint(s.gw.port);
    expect(s.ctx().tls()?.sha256).toBe(served);
    // The facts only: no feature is handed the private key or the PEM text.
    expect(Object.keys(s.ctx().tls()!).sort()).toEqual(["certPath", "generated", "sha256", "validTo"]);
    const txt = beaconTxt({ config: {}, port: s.gw.port, env: {}, identity: { instanceName: "x", hostLabel: "x", displayName: "x" }, scope: "mdns", tls: s.ctx().tls() });
    expect(txt).toMatchObject({ gatewayTls: "1", gatewayTlsSha256: served });
  });

  test("our CLI dials wss:// pinned to the local certificate and gets an answer", async () => {
    const result = await cli(["gateway", "call", "health", "--json"], s.env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
  });

  test("`gateway probe` reaches the local TLS gateway over wss:// with the local pin", async () => {
    const probe = await cli(["gateway", "probe", "--json"], s.env);
    expect(probe.code).toBe(0);
    const report = JSON.parse(probe.stdout);
    expect(report.ok).toBe(true);
    expect(JSON.stringify(report)).toContain(`wss://127.0.0.1:${s.gw.port}`);
  });

  test("a wrong pin is refused before any credential is sent", async () => {
    const remote = join(s.dir, "remote.json");
    writeFileSync(remote, JSON.stringify({ gateway: { mode: "remote", remote: { url: `wss://127.0.0.1:${s.gw.port}`, token, tlsFingerprint: "AA:".repeat(31) + "AA" } } }));
    const wrong = await cli(["gateway", "call", "health", "--json"], { ...s.env, OPENCLAW_CONFIG_PATH: remote });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr + wrong.stdout).toContain("fingerprint mismatch");
    const right = await servedFingerprint(s.gw.port);
    writeFileSync(remote, JSON.stringify({ gateway: { mode: "remote", remote: { url: `wss://127.0.0.1:${s.gw.port}`, token, tlsFingerprint: right } } }));
    const pinned = await cli(["gateway", "call", "health", "--json"], { ...s.env, OPENCLAW_CONFIG_PATH: remote });
    expect(pinned.code).toBe(0);
  });

  test("renewed files are served without a restart; a connected client stays connected; a broken pair keeps the old one", async () => {
    const before = await servedFingerprint(s.gw.port);
    const client = await GatewayClient.connect({ url: s.gw.urls[0]!, identity: CLI_IDENTITY, scopes: ["operator.read"], auth: { token }, tlsFingerprint: before, deadline: Deadline.after(10_000) });
    try {
      // A certificate whose key does not match: refused, the old certificate keeps serving.
      const stray = generateSelfSigned();
      writeFileSync(join(s.dir, "stray.pem"), stray.cert);
      renameSync(join(s.dir, "stray.pem"), certPath);
      await until(() => readFileSync(join(s.dir, "gateway.log"), "utf8").includes("TLS renewal skipped"));
      expect(await servedFingerprint(s.gw.port)).toBe(before);

      const next = generateSelfSigned();
      writeFileSync(join(s.dir, "k.tmp"), next.key, { mode: 0o600 });
      renameSync(join(s.dir, "k.tmp"), join(s.dir, "gateway", "tls", "gateway-key.pem"));
      writeFileSync(join(s.dir, "c.tmp"), next.cert);
      renameSync(join(s.dir, "c.tmp"), certPath);
      await until(async () => (await servedFingerprint(s.gw.port)) !== before);
      const after = await servedFingerprint(s.gw.port);
      expect(s.ctx().tls()?.sha256).toBe(after);
      expect(s.renewed.at(-1)?.sha256).toBe(after);
      expect(Object.keys(s.renewed.at(-1)!).sort()).toEqual(["certPath", "generated", "sha256", "validTo"]);
      expect((await curl(["--cacert", certPath, `https://127.0.0.1:${s.gw.port}/healthz`])).code).toBe(0);
      // The connection opened on the old certificate still answers.
      expect(await client.request("health", {}, { deadline: Deadline.after(5000) })).toMatchObject({ ok: true });
    } finally {
      await client.close();
    }
  });
});

describe("TLS off", () => {
  test("plain ws://, no served TLS, no TLS key in the beacon even with a certPath configured", async () => {
    const s = await start({ tls: { enabled: false, certPath: "/nonexistent.pem" } });
    try {
      expect(s.gw.urls[0]).toBe(`ws://127.0.0.1:${s.gw.port}`);
      expect(s.ctx().tls()).toBeUndefined();
      const txt = beaconTxt({ config: {}, port: s.gw.port, env: {}, identity: { instanceName: "x", hostLabel: "x", displayName: "x" }, scope: "mdns", tls: s.ctx().tls() });
      expect(Object.keys(txt).filter((k) => k.startsWith("gatewayTls"))).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${s.gw.port}/healthz`)).status).toBe(200);
    } finally {
      await s.gw.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  });

  test("a partial pair refuses to start instead of falling back to plain HTTP", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openclaw-tls-"));
    try {
      const { cert } = generateSelfSigned();
      writeFileSync(join(dir, "c.pem"), cert);
      writeFileSync(join(dir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: freePort(), auth: { token }, tls: { enabled: true, certPath: join(dir, "c.pem"), keyPath: join(dir, "missing-key.pem") } } }));
      const env = { OPENCLAW_STATE_DIR: dir };
      const logger = createGatewayLogger({ file: join(dir, "gateway.log"), console: { out() {}, err() {} } });
      await expect(startGateway({ paths: resolveProfilePaths(undefined, { env }), env, version: "0", logger })).rejects.toThrow(/missing-key\.pem is missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Polls a condition the gateway reaches on its own (a file watch); no timing is asserted. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("condition not reached");
    await Bun.sleep(50);
  }
}
