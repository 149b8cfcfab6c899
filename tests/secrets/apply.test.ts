// `openclaw secrets apply --from <plan>` (gateway/secrets-plan-contract): a valid plan moves plaintext credentials
// into SecretRefs, writes the config atomically without a `.bak`, and scrubs the migrated value from `.env`;
// `--dry-run` writes nothing; every contract violation, a ref that does not resolve, or an exec plan without
// `--allow-exec` exits 1 and leaves every file byte-identical.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";

const root = mkdtempSync(join(tmpdir(), "openclaw-secrets-apply-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PLAIN_KEY = "sk-plain-" + crypto.randomUUID();
const PLAIN_TG = "3001:plain-" + crypto.randomUUID().slice(0, 8);

/** A state dir with plaintext credentials in the config and in `.env`. */
function stateDir(): { dir: string; env: Record<string, string>; config: string; dotenv: string } {
  const dir = mkdtempSync(join(root, "state-"));
  const config = join(dir, "openclaw.json");
  writeFileSync(
    config,
    JSON.stringify({
      gateway: { mode: "local", auth: { token: "gw-plain-token" } },
      models: { providers: { openai: { baseUrl: "https://api.example.test/v1", apiKey: PLAIN_KEY } } },
      channels: { telegram: { accounts: { work: { botToken: PLAIN_TG } } } },
    }),
    { mode: 0o600 },
  );
  const dotenv = join(dir, ".env");
  writeFileSync(dotenv, `OPENAI_API_KEY=${PLAIN_KEY}\nLOG_LEVEL=debug\nOTHER_TOKEN=keep-me\n`, { mode: 0o600 });
  return { dir, config, dotenv, env: { OPENCLAW_STATE_DIR: dir, HOME: dir, OPENAI_API_KEY: PLAIN_KEY } };
}

function writePlan(dir: string, plan: unknown): string {
  const file = join(dir, `plan-${crypto.randomUUID()}.json`);
  writeFileSync(file, typeof plan === "string" ? plan : JSON.stringify(plan));
  return file;
}

/** Every file of the state dir with its bytes, to prove a refusal touched nothing (no temp, no .bak). */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (!name.startsWith("plan-") && statSync(join(dir, name)).isFile()) out[name] = readFileSync(join(dir, name), "utf8");
  return out;
}

const apiKeyTarget = {
  type: "models.providers.apiKey",
  path: "models.providers.openai.apiKey",
  pathSegments: ["models", "providers", "openai", "apiKey"],
  providerId: "openai",
  ref: { source: "env", provider: "default", id: "OPENAI_API_KEY" },
};

describe("a valid plan", () => {
  test("--dry-run reports the files that would change and writes nothing; the write moves the key into a ref", async () => {
    const s = stateDir();
    const tgFile = join(s.dir, "tg.json");
    writeFileSync(tgFile, JSON.stringify({ work: "3001:from-file" }), { mode: 0o600 });
    const plan = writePlan(s.dir, {
      version: 1,
      protocolVersion: 1,
      providerUpserts: { tgfile: { source: "file", path: tgFile, mode: "json" } },
      targets: [
        apiKeyTarget,
        { type: "channels.telegram.accounts.*.botToken", path: "channels.telegram.accounts.work.botToken", accountId: "work", ref: { source: "file", provider: "tgfile", id: "/work" } },
      ],
    });
    const before = filesOf(s.dir);
    const dry = await cli(["secrets", "apply", "--from", plan, "--dry-run"], s.env);
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Secrets apply dry run: 2 file(s) would change.");
    expect(filesOf(s.dir)).toEqual(before);

    const applied = await cli(["secrets", "apply", "--from", plan, "--json"], s.env);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ mode: "write", changed: true, changedFiles: [s.dotenv, s.config].sort(), refsChecked: 2, skippedExecRefs: 0 });
    const config = JSON.parse(readFileSync(s.config, "utf8"));
    expect(config.models.providers.openai.apiKey).toEqual(apiKeyTarget.ref);
    expect(config.channels.telegram.accounts.work.botToken).toEqual({ source: "file", provider: "tgfile", id: "/work" });
    expect(config.secrets.providers.tgfile).toMatchObject({ source: "file", path: tgFile });
    expect(config.gateway.auth.token).toBe("gw-plain-token");
    // No rollback copy keeps the old plaintext; the config stays private; the migrated .env line is gone.
    const names = readdirSync(s.dir);
    expect(names.filter((n) => n.endsWith(".bak") || n.endsWith(".tmp"))).toEqual([]);
    expect(statSync(s.config).mode & 0o777).toBe(0o600);
    expect(readFileSync(s.config, "utf8")).not.toContain(PLAIN_KEY);
    expect(readFileSync(s.config, "utf8")).not.toContain(PLAIN_TG);
    expect(readFileSync(s.dotenv, "utf8")).toBe("LOG_LEVEL=debug\nOTHER_TOKEN=keep-me\n");
    expect(applied.stdout + applied.stderr).not.toContain(PLAIN_KEY);

    const again = await cli(["secrets", "apply", "--from", plan], s.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Secrets apply: no changes.");
  });
});

describe("a plan that breaks the contract changes nothing", () => {
  const cases: Array<[string, unknown, string]> = [
    ["path not matching the type", { version: 1, protocolVersion: 1, targets: [{ ...apiKeyTarget, path: "models.providers.openai.baseUrl", pathSegments: undefined, providerId: undefined }] }, "Invalid plan target path for models.providers.apiKey: models.providers.openai.baseUrl"],
    ["unknown type", { version: 1, protocolVersion: 1, targets: [{ ...apiKeyTarget, type: "models.providers.baseUrl" }] }, "Unknown plan target type: models.providers.baseUrl"],
    ["a forbidden segment", { version: 1, protocolVersion: 1, targets: [{ ...apiKeyTarget, path: "models.providers.__proto__.apiKey", pathSegments: undefined, providerId: undefined }] }, "forbidden segment"],
    ["pathSegments disagreeing with path", { version: 1, protocolVersion: 1, targets: [{ ...apiKeyTarget, pathSegments: ["models", "providers", "other", "apiKey"] }] }, "pathSegments do not match"],
    ["providerId disagreeing with the path", { version: 1, protocolVersion: 1, targets: [{ ...apiKeyTarget, providerId: "anthropic" }] }, 'providerId "anthropic" does not match the path'],
    ["a ref without provider", { version: 1, protocolVersion: 1, targets: [{ ...apiKeyTarget, ref: { source: "env", id: "OPENAI_API_KEY" } }] }, "ref must be {source: env|file|exec, provider, id}"],
    ["the wrong version", { version: 2, protocolVersion: 1, targets: [apiKeyTarget] }, "version and protocolVersion must both be 1"],
    ["an auth-profile target", { version: 1, protocolVersion: 1, targets: [{ type: "auth-profiles.api_key.key", path: "profiles.openai:default.key", agentId: "main", ref: apiKeyTarget.ref }] }, "no auth-profile store"],
    ["a ref that does not resolve", { version: 1, protocolVersion: 1, targets: [{ ...apiKeyTarget, ref: { source: "env", provider: "default", id: "NOT_SET_ANYWHERE" } }] }, "preflight failed: secret models.providers.openai.apiKey (env:default:NOT_SET_ANYWHERE)"],
    ["a provider that is not configured", { version: 1, protocolVersion: 1, targets: [{ ...apiKeyTarget, ref: { source: "file", provider: "vault", id: "/k" } }] }, 'provider "vault" is not configured for models.providers.openai.apiKey'],
    ["malformed JSON", "{ not json", "Malformed JSON in secrets plan file"],
  ];
  for (const [name, plan, message] of cases) {
    test(name, async () => {
      const s = stateDir();
      const before = filesOf(s.dir);
      const result = await cli(["secrets", "apply", "--from", writePlan(s.dir, plan)], s.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain(PLAIN_KEY);
      expect(filesOf(s.dir)).toEqual(before);
    });
  }

  test("a directory, a missing file and a file over 16 MiB are refused before parsing", async () => {
    const s = stateDir();
    const before = filesOf(s.dir);
    const folder = join(s.dir, "plan-dir");
    mkdirSync(folder);
    const big = writePlan(s.dir, "{}");
    truncateSync(big, 16 * 1024 * 1024 + 1);
    for (const [path, message] of [
      [folder, "not a regular file"],
      [join(s.dir, "plan-missing.json"), "Secrets plan file not found"],
      [big, "exceeds 16777216 bytes"],
    ] as const) {
      const result = await cli(["secrets", "apply", "--from", path], s.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
    }
    expect(filesOf(s.dir)).toEqual(before);
  });

  test("an exec plan needs --allow-exec to write; --dry-run skips its exec checks", async () => {
    const s = stateDir();
    const resolver = join(s.dir, "resolver.sh");
    writeFileSync(resolver, `#!/bin/sh\necho '{"protocolVersion":1,"values":{"openai":"sk-from-exec"}}'\n`, { mode: 0o700 });
    chmodSync(resolver, 0o700);
    const plan = writePlan(s.dir, { version: 1, protocolVersion: 1, providerUpserts: { vault: { source: "exec", command: resolver } }, targets: [{ ...apiKeyTarget, ref: { source: "exec", provider: "vault", id: "openai" } }] });
    const before = filesOf(s.dir);
    const refused = await cli(["secrets", "apply", "--from", plan], s.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Plan contains exec SecretRefs/providers. Re-run with --allow-exec.");
    expect(filesOf(s.dir)).toEqual(before);
    const dry = await cli(["secrets", "apply", "--from", plan, "--dry-run"], s.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("skipped 1 exec SecretRef resolvability check(s)");
    expect(filesOf(s.dir)).toEqual(before);
    const written = await cli(["secrets", "apply", "--from", plan, "--allow-exec"], s.env);
    expect(written.code).toBe(0);
    expect(JSON.parse(readFileSync(s.config, "utf8")).models.providers.openai.apiKey).toEqual({ source: "exec", provider: "vault", id: "openai" });
    expect(existsSync(`${s.config}.bak`)).toBe(false);
  });
});
