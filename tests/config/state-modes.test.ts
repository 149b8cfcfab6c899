// Files under the state dir that may hold a secret or a transcript are 0600, whatever the umask; an older
// store created 0644 is narrowed on the next open.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SessionStore } from "../../src/agents/store.ts";
import { spawnGateway, stopAllGateways } from "../helpers/gateway.ts";
import { cli } from "../helpers/cli.ts";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";

const dir = mkdtempSync(join(tmpdir(), "openclaw-modes-"));
const mode = (path: string) => statSync(path).mode & 0o777;
let standIn: StandIn;
beforeAll(() => {
  standIn = startStandIn();
});
afterAll(async () => {
  await stopAllGateways();
  standIn.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => process.umask(0o022));

test("sessions.sqlite and its -wal/-shm are created 0600 even under umask 022", () => {
  process.umask(0o022);
  const path = join(dir, "fresh", "sessions.sqlite");
  const store = SessionStore.open(path);
  store.ensure("agent:main:main", "main");
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    expect(existsSync(file)).toBe(true);
    expect(mode(file)).toBe(0o600);
  }
  store.close();
});

test("an existing 0644 store is narrowed to 0600 when opened", () => {
  const path = join(dir, "old", "sessions.sqlite");
  SessionStore.open(path).close();
  chmodSync(path, 0o644);
  const store = SessionStore.open(path);
  expect(mode(path)).toBe(0o600);
  store.close();
});

test("--raw-stream JSONL (model transcripts) under the state dir is 0600", async () => {
  const gw = await spawnGateway({ config: agentsConfig(standIn, false), env: STANDIN_ENV, args: ["--raw-stream"] });
  const env = { HOME: gw.stateDir, OPENCLAW_STATE_DIR: gw.stateDir, NO_COLOR: "1", ...STANDIN_ENV };
  expect((await cli(["agent", "--message", "private words", "--session", "modes"], env)).code).toBe(0);
  const raw = join(gw.stateDir, "logs", "raw-stream.jsonl");
  expect(mode(raw)).toBe(0o600);
  expect(mode(join(gw.stateDir, "sessions", "sessions.sqlite"))).toBe(0o600);
  await gw.stop();
});

test("the config and the gateway lock are 0600 (already so; kept as a guard)", async () => {
  mkdirSync(join(dir, "cfg"), { recursive: true });
  const gw = await spawnGateway({ stateDir: join(dir, "cfg") });
  expect(mode(gw.configPath)).toBe(0o600);
  expect(mode(join(gw.stateDir, "gateway.lock"))).toBe(0o600);
  await gw.stop();
});
