// The issue-20 flags the other compiled-binary files do not cover, on the compiled binary: `secrets reload`
// (a file-ref gateway token rotated, then reloaded with no extra flag; a broken ref exits 1 with its path),
// `secrets audit --check`, `secrets apply --dry-run` / write, and `update --check --channel beta`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiledBinary, runCommand } from "../helpers/binary.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams, handshake } from "../helpers/ws.ts";

const dir = mkdtempSync(join(tmpdir(), "openclaw-secrets-bin-"));
const secretsFile = join(dir, "secrets.json");
const TOKEN_A = "bin-a-" + crypto.randomUUID();
const TOKEN_B = "bin-b-" + crypto.randomUUID();
let bin: string;
let gw: SpawnedGateway;

function writeSecrets(data: unknown): void {
  writeFileSync(`${secretsFile}.tmp`, JSON.stringify(data), { mode: 0o600 });
  chmodSync(`${secretsFile}.tmp`, 0o600);
  renameSync(`${secretsFile}.tmp`, secretsFile);
}

const clean = { OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_GATEWAY_TOKEN: undefined, OPENCLAW_GATEWAY_PORT: undefined, OPENCLAW_PROFILE: undefined, OPENCLAW_GATEWAY_URL: undefined };
const openclaw = (args: string[], env: Record<string, string | undefined> = {}) => runCommand([bin, ...args], { env: { HOME: dir, OPENCLAW_STATE_DIR: gw.stateDir, ...clean, ...env }, timeoutMs: 30_000 });
const accepts = async (token: string) => (await handshake(gw.url, connectParams({ auth: { token } }))).hello.ok;

beforeAll(async () => {
  bin = await compiledBinary();
  writeSecrets({ gateway: { token: TOKEN_A } });
  gw = await spawnGateway({
    binary: bin,
    token: null,
    config: {
      gateway: { auth: { mode: "token", token: { source: "file", provider: "vault", id: "/gateway/token" } } },
      secrets: { providers: { vault: { source: "file", path: secretsFile } } },
    },
  });
}, 180_000);
afterAll(async () => {
  await stopAllGateways();
  rmSync(dir, { recursive: true, force: true });
});

describe("secrets reload (compiled)", () => {
  test("a file-ref token authenticates; rotate the file, `secrets reload` with no flag switches tokens; the connected client stays", async () => {
    expect(await accepts(TOKEN_A)).toBe(true);
    expect((await openclaw(["gateway", "call", "health", "--json"])).code).toBe(0);
    const { socket } = await handshake(gw.url, connectParams({ auth: { token: TOKEN_A }, scopes: ["operator.read"] }));
    writeSecrets({ gateway: { token: TOKEN_B } });
    const reload = await openclaw(["secrets", "reload", "--json"]);
    expect(reload.stderr).toBe("");
    expect(reload.code).toBe(0);
    expect(JSON.parse(reload.stdout)).toMatchObject({ ok: true, changedPaths: ["gateway.auth.token"] });
    expect(await accepts(TOKEN_B)).toBe(true);
    expect(await accepts(TOKEN_A)).toBe(false);
    expect((await socket.request("health", {})).ok).toBe(true);
    socket.close();
  });

  test("a broken ref keeps the old token and exits 1 naming gateway.auth.token", async () => {
    writeSecrets({ gateway: {} });
    const broken = await openclaw(["secrets", "reload"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("gateway.auth.token (file:vault:/gateway/token)");
    expect(await accepts(TOKEN_B)).toBe(true);
    writeSecrets({ gateway: { token: TOKEN_B } });
    for (const text of [broken.stdout, broken.stderr, readFileSync(gw.logFile, "utf8")]) expect(text).not.toContain(TOKEN_B);
  });
});

describe("secrets audit and apply (compiled)", () => {
  test("audit --check finds the plaintext key; apply --dry-run changes nothing; apply moves it into a ref; audit is clean", async () => {
    const state = mkdtempSync(join(dir, "state-"));
    const config = join(state, "openclaw.json");
    writeFileSync(config, JSON.stringify({ gateway: { mode: "local" }, models: { providers: { openai: { baseUrl: "https://api.example.test/v1", apiKey: "sk-bin-plain" } } } }), { mode: 0o600 });
    const env = { OPENCLAW_STATE_DIR: state, OPENAI_API_KEY: "sk-bin-plain", PATH: "/nonexistent" };
    const found = await openclaw(["secrets", "audit", "--check"], env);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain("models.providers.openai.apiKey");
    expect(found.stdout).not.toContain("sk-bin-plain");

    const plan = join(dir, "plan.json");
    writeFileSync(plan, JSON.stringify({ version: 1, protocolVersion: 1, targets: [{ type: "models.providers.apiKey", path: "models.providers.openai.apiKey", providerId: "openai", ref: { source: "env", provider: "default", id: "OPENAI_API_KEY" } }] }));
    const before = readFileSync(config, "utf8");
    const dry = await openclaw(["secrets", "apply", "--from", plan, "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Secrets apply dry run: 1 file(s) would change.");
    expect(readFileSync(config, "utf8")).toBe(before);
    const applied = await openclaw(["secrets", "apply", "--from", plan], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Secrets applied. Updated 1 file(s).");
    expect(readFileSync(config, "utf8")).not.toContain("sk-bin-plain");
    expect((await openclaw(["secrets", "audit", "--check"], env)).code).toBe(0);

    writeFileSync(plan, JSON.stringify({ version: 1, protocolVersion: 1, targets: [{ type: "models.providers.apiKey", path: "models.providers.openai.baseUrl", ref: { source: "env", provider: "default", id: "OPENAI_API_KEY" } }] }));
    const after = readFileSync(config, "utf8");
    const bad = await openclaw(["secrets", "apply", "--from", plan], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Invalid plan target path for models.providers.apiKey: models.providers.openai.baseUrl");
    expect(readFileSync(config, "utf8")).toBe(after);
  });
});

describe("update --check --channel (compiled)", () => {
  test("--channel beta reads the beta manifest and names its version; nothing is downloaded", async () => {
    const release = join(dir, "release");
    mkdirSync(release);
    writeFileSync(join(release, "manifest.json"), JSON.stringify({ version: "0.0.1" }));
    writeFileSync(join(release, "manifest-beta.json"), JSON.stringify({ version: "9.9.9-beta.1" }));
    const seen: string[] = [];
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const name = new URL(request.url).pathname.slice(1);
        seen.push(name);
        return /^manifest(-beta)?\.json$/.test(name) ? new Response(Bun.file(join(release, name))) : new Response("not found", { status: 404 });
      },
    });
    try {
      const result = await openclaw(["update", "--check", "--channel", "beta", "--json"], { OPENCLAW_UPDATE_BASE_URL: `http://127.0.0.1:${server.port}` });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, action: "available", latestVersion: "9.9.9-beta.1", updateAvailable: true });
      expect(seen).toEqual(["manifest-beta.json"]);
    } finally {
      server.stop(true);
    }
  });
});
