// SecretRefs end to end: a gateway token given as {source:"file"} authenticates; rotating the file then
// `openclaw secrets reload` switches tokens without dropping connected clients; a broken ref keeps the old secret
// and exits non-zero naming the ref's path; env and exec providers; the file checks; `secrets audit`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveSecrets } from "../../src/config/secrets-resolve.ts";
import { cli } from "../helpers/cli.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams, handshake } from "../helpers/ws.ts";

const dir = mkdtempSync(join(tmpdir(), "openclaw-secrets-"));
const secretsFile = join(dir, "secrets.json");
const tokenA = "token-a-" + crypto.randomUUID();
const tokenB = "token-b-" + crypto.randomUUID();

/** Replaces the secrets file the way an operator should: a new private file renamed over the old one. */
function writeSecrets(data: unknown, mode = 0o600): void {
  const next = `${secretsFile}.tmp`;
  writeFileSync(next, JSON.stringify(data), { mode });
  chmodSync(next, mode);
  renameSync(next, secretsFile);
}

afterAll(async () => {
  await stopAllGateways();
  rmSync(dir, { recursive: true, force: true });
});

describe("gateway token from a file SecretRef", () => {
  let gw: SpawnedGateway;
  const env = () => ({ OPENCLAW_STATE_DIR: gw.stateDir, HOME: dir });
  beforeAll(async () => {
    writeSecrets({ gateway: { token: tokenA } });
    gw = await spawnGateway({
      token: null,
      config: {
        gateway: { auth: { mode: "token", token: { source: "file", provider: "filemain", id: "/gateway/token" } } },
        secrets: { providers: { filemain: { source: "file", path: secretsFile, mode: "json" } } },
      },
    });
  });

  test("the file's token authenticates; another is refused; the config and the log never hold the value", async () => {
    const { socket, hello } = await handshake(gw.url, connectParams({ auth: { token: tokenA } }));
    expect(hello.ok).toBe(true);
    socket.close();
    const wrong = await handshake(gw.url, connectParams({ auth: { token: "nope" } }));
    expect(wrong.hello.ok).toBe(false);
    expect(readFileSync(gw.configPath, "utf8")).not.toContain(tokenA);
    // Our CLI resolves the same file ref locally and connects with it.
    const health = await cli(["gateway", "call", "health", "--json"], env());
    expect(health.code).toBe(0);
  });

  test("rotate the file, `secrets reload`: new token in, old token out, the connected client stays", async () => {
    const { socket: before } = await handshake(gw.url, connectParams({ auth: { token: tokenA }, scopes: ["operator.read"] }));
    writeSecrets({ gateway: { token: tokenB } });
    // The CLI now reads tokenB, which the gateway does not know yet: refused for a token mismatch, it retries
    // with the device token this state dir was issued by the earlier call, and no flag is needed.
    const reload = await cli(["secrets", "reload", "--json"], env());
    expect(reload.stderr).toBe("");
    expect(reload.code).toBe(0);
    expect(JSON.parse(reload.stdout)).toMatchObject({ ok: true, refs: 1, changedPaths: ["gateway.auth.token"] });
    expect(reload.stdout).not.toContain(tokenB);
    expect((await handshake(gw.url, connectParams({ auth: { token: tokenB } }))).hello.ok).toBe(true);
    expect((await handshake(gw.url, connectParams({ auth: { token: tokenA } }))).hello.ok).toBe(false);
    const still = await before.request("health", {});
    expect(still.ok).toBe(true);
    before.close();
    expect(readFileSync(gw.logFile, "utf8")).not.toContain(tokenB);
  });

  test("a broken ref on reload keeps the old secret and exits 1 naming the ref's path", async () => {
    writeSecrets({ gateway: { other: "x" } });
    const broken = await cli(["secrets", "reload"], env());
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("gateway.auth.token");
    expect(broken.stderr).toContain("has nothing at /gateway/token");
    expect((await handshake(gw.url, connectParams({ auth: { token: tokenB } }))).hello.ok).toBe(true);
    // A group-readable file is refused too, with the same guarantee.
    writeSecrets({ gateway: { token: "token-c" } }, 0o644);
    const loose = await cli(["secrets", "reload", "--json"], env());
    expect(loose.code).toBe(1);
    expect(JSON.parse(loose.stdout).errors[0]).toMatchObject({ path: "gateway.auth.token", ref: "file:filemain:/gateway/token" });
    expect(loose.stdout).toContain("readable by group or others");
    expect((await handshake(gw.url, connectParams({ auth: { token: tokenB } }))).hello.ok).toBe(true);
  });

  test("a CLI that never held a device token for the gateway is told to pass the previous secret once", async () => {
    writeSecrets({ gateway: { token: "token-never-loaded" } });
    const fresh = mkdtempSync(join(dir, "fresh-cli-"));
    const result = await cli(["secrets", "reload"], { OPENCLAW_STATE_DIR: fresh, OPENCLAW_CONFIG_PATH: gw.configPath, HOME: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("run `openclaw secrets reload --token <previous>` (or --password) once");
    expect(result.stderr).not.toContain("token-never-loaded");
    writeSecrets({ gateway: { token: tokenB } });
  });

  test("secrets.reload needs operator.admin", async () => {
    const { socket } = await handshake(gw.url, connectParams({ auth: { token: tokenB }, scopes: ["operator.read"] }));
    const res = await socket.request("secrets.reload", {});
    expect(res.ok).toBe(false);
    socket.close();
  });
});

test("a password given as a file ref: rotate the file, `secrets reload` with no flag switches passwords", async () => {
  const passFile = join(dir, "pass.txt");
  const writePass = (value: string) => {
    writeFileSync(`${passFile}.tmp`, `${value}\n`, { mode: 0o600 });
    renameSync(`${passFile}.tmp`, passFile);
  };
  writePass("pass-one-" + tokenA);
  const gw = await spawnGateway({
    token: null,
    config: {
      gateway: { auth: { mode: "password", password: { source: "file", provider: "pw", id: "value" } } },
      secrets: { providers: { pw: { source: "file", path: passFile, mode: "singleValue" } } },
    },
  });
  const env = { OPENCLAW_STATE_DIR: gw.stateDir, HOME: dir };
  expect((await cli(["gateway", "call", "health", "--json"], env)).code).toBe(0);
  writePass("pass-two-" + tokenB);
  const reload = await cli(["secrets", "reload", "--json"], env);
  expect(reload.stderr).toBe("");
  expect(reload.code).toBe(0);
  expect(JSON.parse(reload.stdout).changedPaths).toEqual(["gateway.auth.password"]);
  expect((await handshake(gw.url, connectParams({ auth: { password: "pass-two-" + tokenB } }))).hello.ok).toBe(true);
  expect((await handshake(gw.url, connectParams({ auth: { password: "pass-one-" + tokenA } }))).hello.ok).toBe(false);
  await gw.stop();
});

test("a start with an unresolvable ref is refused naming the path", async () => {
  const gw = await spawnGateway({
    token: null,
    noWait: true,
    config: { gateway: { auth: { mode: "token", token: { source: "env", id: "OPENCLAW_TEST_MISSING_TOKEN" } } } },
    env: { OPENCLAW_TEST_MISSING_TOKEN: undefined },
  });
  expect(await gw.proc.exited).not.toBe(0);
  expect(gw.output()).toContain("gateway.auth.token (env:default:OPENCLAW_TEST_MISSING_TOKEN): environment variable OPENCLAW_TEST_MISSING_TOKEN is missing or empty");
});

describe("providers", () => {
  test("env (with allowlist), file singleValue, exec (JSON protocol on stdin/stdout, batched per provider)", async () => {
    const single = join(dir, "single.txt");
    writeFileSync(single, "single-secret\n", { mode: 0o600 });
    const resolver = join(dir, "resolver.sh");
    writeFileSync(resolver, `#!/bin/sh\nread -r line\ncase "$line" in *'"a/one"'*'"b#two"'*) echo '{"protocolVersion":1,"values":{"a/one":"exec-1","b#two":"exec-2"}}' ;; *) exit 3 ;; esac\n`, { mode: 0o700 });
    chmodSync(resolver, 0o700);
    const config = {
      gateway: { auth: { token: { source: "env", id: "MY_TOKEN" }, password: { source: "file", provider: "one", id: "value" } } },
      models: { a: { apiKey: { source: "exec", provider: "vault", id: "a/one" } }, b: { apiKey: { source: "exec", provider: "vault", id: "b#two" } } },
      secrets: { providers: { one: { source: "file", path: single, mode: "singleValue" }, vault: { source: "exec", command: resolver } } },
    };
    const result = await resolveSecrets(config, { env: { MY_TOKEN: "env-secret" } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.fromEntries(result.values)).toEqual({ "gateway.auth.token": "env-secret", "gateway.auth.password": "single-secret", "models.a.apiKey": "exec-1", "models.b.apiKey": "exec-2" });

    const denied = await resolveSecrets({ x: { token: { source: "env", id: "MY_TOKEN" } }, secrets: { providers: { default: { source: "env", allowlist: [] } } } }, { env: { MY_TOKEN: "v" } });
    expect(denied.ok ? [] : denied.errors.map((e) => e.message)).toEqual(["secret x.token (env:default:MY_TOKEN): MY_TOKEN is not in the provider's allowlist"]);
  });

  test("file refs refuse symlinks; exec refs refuse relative and writable commands; nothing partial is returned", async () => {
    const real = join(dir, "real.txt");
    writeFileSync(real, "v", { mode: 0o600 });
    const link = join(dir, "link.txt");
    symlinkSync(real, link);
    const loose = join(dir, "loose.sh");
    writeFileSync(loose, "#!/bin/sh\n", { mode: 0o777 });
    chmodSync(loose, 0o777);
    const result = await resolveSecrets(
      {
        a: { token: { source: "file", provider: "l", id: "value" } },
        b: { token: { source: "exec", provider: "rel", id: "x" } },
        c: { token: { source: "exec", provider: "loose", id: "x" } },
        d: { token: { source: "env", id: "FINE" } },
        secrets: { providers: { l: { source: "file", path: link, mode: "singleValue" }, rel: { source: "exec", command: "resolver" }, loose: { source: "exec", command: loose } } },
      },
      { env: { FINE: "ok" } },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.path, e.message.split(": ").slice(1).join(": ")])).toEqual([
      ["a.token", `${link} must not be a symlink`],
      ["b.token", "the exec provider's command must be an absolute path"],
      ["c.token", `${loose} is group- or world-writable`],
    ]);
  });
});

describe("secrets audit", () => {
  test("plaintext at secret keys is a finding (--check exits 1) and the value is never printed; an unresolved ref exits 2", async () => {
    const state = mkdtempSync(join(dir, "audit-"));
    writeFileSync(join(state, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", auth: { token: "plain-token-value" } }, models: { providers: { x: { apiKey: "${X_KEY}" } } } }));
    const env = { OPENCLAW_STATE_DIR: state, HOME: state, PATH: "/nonexistent" };
    const found = await cli(["secrets", "audit", "--check"], env);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`PLAINTEXT_FOUND  ${join(state, "openclaw.json")}  gateway.auth.token`);
    expect(found.stdout).not.toContain("plain-token-value");
    expect(found.stdout).not.toContain("models.providers.x.apiKey");
    expect((await cli(["secrets", "audit"], env)).code).toBe(0);

    writeFileSync(join(state, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", auth: { token: { source: "env", id: "NOT_SET_ANYWHERE" } } } }));
    const unresolved = await cli(["secrets", "audit", "--json"], env);
    expect(unresolved.code).toBe(2);
    expect(JSON.parse(unresolved.stdout)).toMatchObject({ status: "unresolved", summary: { plaintextCount: 0, unresolvedRefCount: 1 }, findings: [{ code: "REF_UNRESOLVED", path: "gateway.auth.token" }] });

    writeFileSync(join(state, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", auth: { token: { source: "env", id: "SET_HERE" } } } }));
    const clean = await cli(["secrets", "audit", "--check", "--json"], { ...env, SET_HERE: "x" });
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ status: "clean", resolution: { refsChecked: 1, skippedExecRefs: 0 } });
  });
});

describe("hooks.token as a SecretRef", () => {
  test("the file's hook token is accepted, another is 401; `secrets reload` rotates it", async () => {
    const hookFile = join(dir, "hook.json");
    const write = (token: string) => {
      writeFileSync(`${hookFile}.tmp`, JSON.stringify({ hook: token }), { mode: 0o600 });
      renameSync(`${hookFile}.tmp`, hookFile);
    };
    write("hook-one");
    const gw = await spawnGateway({
      config: { hooks: { enabled: true, token: { source: "file", provider: "hooks", id: "/hook" } }, secrets: { providers: { hooks: { source: "file", path: hookFile } } } },
    });
    const wake = (token: string) => fetch(`${gw.httpUrl}/hooks/wake`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ text: "ping" }) }).then((r) => r.status);
    expect(await wake("hook-one")).not.toBe(401);
    expect(await wake("hook-two")).toBe(401);
    write("hook-two");
    expect((await cli(["secrets", "reload"], { OPENCLAW_STATE_DIR: gw.stateDir, HOME: dir })).code).toBe(0);
    expect(await wake("hook-two")).not.toBe(401);
    expect(await wake("hook-one")).toBe(401);
    await gw.stop();
  });
});
