// `openclaw update` from the compiled binary against release folders served on 127.0.0.1 (the layout install.sh
// reads, plus build.ts's manifest.json): same-version no-op, --check, a bad checksum refused with the binary
// byte-identical, and an upgrade while a gateway started from that binary keeps serving until the (shim)
// supervisor restarts it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildTargets } from "../../build.ts";
import { compiledBinary, runCommand } from "../helpers/binary.ts";
import { serveReleases } from "../helpers/release-server.ts";
import { spawnGateway, stopAllGateways } from "../helpers/gateway.ts";
import { connectParams, handshake } from "../helpers/ws.ts";
import { killSleepers, sandbox, type Sandbox } from "../service/_helpers.ts";

const ROOT = join(import.meta.dir, "..", "..");
const ASSET = `openclaw-${process.platform}-${process.arch}`;
let sb: Sandbox;
let installed: string;
let server: ReturnType<typeof Bun.serve>;
let current: string;

const sha256 = (path: string) => new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");

beforeAll(async () => {
  const dist = await compiledBinary();
  current = (await Bun.file(join(ROOT, "package.json")).json()).version;
  sb = sandbox();
  installed = join(sb.root, "prefix", "openclaw");
  mkdirSync(join(sb.root, "prefix"));
  copyFileSync(dist, installed);
  const upgrade = join(sb.root, "v2");
  await buildTargets({ rootDir: ROOT, outDir: upgrade, version: "9.9.9-upgrade", commit: "upgrade" });
  const roots: Record<string, string> = { same: join(ROOT, "dist"), v2: upgrade, bad: upgrade };
  server = serveReleases(roots, ASSET);
}, 180_000);

afterAll(async () => {
  server?.stop(true);
  await stopAllGateways();
  await killSleepers();
  sb?.cleanup();
});

const update = (release: string, ...args: string[]) =>
  runCommand([installed, "update", ...args], {
    env: { ...sb.env, OPENCLAW_UPDATE_BASE_URL: `http://127.0.0.1:${server.port}/${release}`, OPENCLAW_STATE_DIR: join(sb.home, ".openclaw"), OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_GATEWAY_TOKEN: undefined, OPENCLAW_GATEWAY_PORT: undefined },
    timeoutMs: 60_000,
  });

describe.skipIf(process.platform !== "linux")("openclaw update (compiled, local release folders)", () => {
  test("same version: nothing to do, exit 0, binary untouched", async () => {
    const before = sha256(installed);
    const result = await update("same", "--yes");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`openclaw ${current} is up to date (stable: ${current})\n`);
    expect(sha256(installed)).toBe(before);
  });

  test("--check names the newer version and changes nothing; --json has the same facts", async () => {
    const before = sha256(installed);
    const text = await update("v2", "--check");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Update available: ${current} → 9.9.9-upgrade (stable)`);
    const json = await update("v2", "--check", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, action: "available", currentVersion: current, latestVersion: "9.9.9-upgrade", updateAvailable: true, baseUrlSource: "OPENCLAW_UPDATE_BASE_URL" });
    expect(sha256(installed)).toBe(before);
  });

  test("a bad channel and a non-interactive run without --yes are refused before any download", async () => {
    const channel = await update("v2", "--channel", "nightly");
    expect(channel.code).toBe(1);
    expect(channel.stderr).toContain('Expected --channel to be one of stable, beta, dev, got "nightly"');
    const unconfirmed = await update("v2");
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain("update not confirmed; nothing was changed");
  });

  test("checksum mismatch: refused, exit 1, the old binary byte-identical, no staged file left", async () => {
    const before = sha256(installed);
    const result = await update("bad", "--yes");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`checksum mismatch for ${ASSET}`);
    expect(sha256(installed)).toBe(before);
    expect(readdirSync(join(sb.root, "prefix"))).toEqual(["openclaw"]);
  });

  test("upgrade: rename in place, the running gateway serves on (old version) until the supervisor restarts it", async () => {
    mkdirSync(join(sb.home, ".openclaw"), { recursive: true, mode: 0o700 });
    const gateway = await spawnGateway({ binary: installed, stateDir: join(sb.home, ".openclaw"), env: { HOME: sb.home } });
    // The installed service: unit written by our own install, supervisor state from the shim.
    const install = await runCommand([installed, "gateway", "install", "--port", String(gateway.port), "--token", gateway.token, "--json"], {
      env: { ...sb.env, OPENCLAW_STATE_DIR: undefined, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_GATEWAY_TOKEN: undefined },
    });
    expect(install.code).toBe(0);
    sb.setState("pid", String(gateway.pid));
    sb.clearCalls();

    const result = await update("v2", "--yes", "--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, action: "updated", currentVersion: current, latestVersion: "9.9.9-upgrade", target: installed, restart: "restarted" });
    expect(report.sha256).toBe(sha256(installed));
    expect((await runCommand([installed, "--version"])).stdout).toBe("OpenClaw 9.9.9-upgrade (upgrade)\n");
    expect(readdirSync(join(sb.root, "prefix"))).toEqual(["openclaw"]);
    expect(sb.readCalls()).toContain("systemctl --user restart openclaw-gateway.service");
    // The old process kept its inode: it still answers, as the old version, until a real supervisor replaces it.
    const { socket, hello } = await handshake(gateway.url, connectParams({ auth: { token: gateway.token } }));
    expect(hello.payload.server.version).toBe(current);
    socket.close();

    const again = await update("v2", "--yes");
    expect(again.stdout).toBe("openclaw 9.9.9-upgrade is up to date (stable: 9.9.9-upgrade)\n");
    await gateway.stop();
  });
});
