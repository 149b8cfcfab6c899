import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { devResetTargets, ensureDevProfile, removeDevTargets } from "../../src/config/dev-profile.ts";
import { loadConfig } from "../../src/config/load.ts";
import { resolveProfilePaths } from "../../src/config/paths.ts";
import { tempHome } from "../helpers/cli.ts";

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => cleanup());

test("--dev creates a local-mode config on 19001 with a token, and a workspace, once", () => {
  const paths = resolveProfilePaths("dev", { env: { HOME: home } });
  const first = ensureDevProfile(paths);
  expect(first.createdConfig).toBe(true);
  expect(first.createdWorkspace).toBe(true);
  expect(first.token?.length).toBeGreaterThanOrEqual(32);
  const config = loadConfig(paths, {}).config;
  expect(config.gateway?.mode).toBe("local");
  expect(config.gateway?.port).toBe(19001);
  expect(config.gateway?.auth?.token).toBe(first.token!);
  expect(statSync(paths.configPath).mode & 0o777).toBe(0o600);
  expect(existsSync(join(paths.stateDir, "workspace"))).toBe(true);
  const second = ensureDevProfile(paths);
  expect(second.createdConfig).toBe(false);
  expect(second.token).toBeUndefined();
});

test("--reset lists exactly what exists in the dev profile and removes it", () => {
  const paths = resolveProfilePaths("dev", { env: { HOME: home } });
  ensureDevProfile(paths);
  mkdirSync(join(paths.stateDir, "sessions"));
  writeFileSync(join(paths.stateDir, "keep-me.txt"), "not part of the reset");
  const targets = devResetTargets(paths);
  expect(targets).toEqual([paths.configPath, join(paths.stateDir, "sessions"), join(paths.stateDir, "workspace")]);
  removeDevTargets(targets);
  for (const target of targets) expect(existsSync(target)).toBe(false);
  expect(existsSync(join(paths.stateDir, "keep-me.txt"))).toBe(true);
});

test("dev helpers refuse to act on any other profile", () => {
  const paths = resolveProfilePaths(undefined, { env: { HOME: home } });
  expect(() => ensureDevProfile(paths)).toThrow("--dev");
  expect(() => devResetTargets(paths)).toThrow("--dev");
});
