// Temp files of killed config writers hold the whole config, secrets included: they are created 0600 and
// the next write (or gateway start, through sweepStaleTempFiles) removes every one whose writer is gone.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { editConfig } from "../../src/config/edit.ts";
import { setAtPath } from "../../src/config/key-path.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { ProfilePaths } from "../../src/config/paths.ts";
import { STALE_TEMP_AGE_MS, sweepStaleTempFiles } from "../../src/config/write.ts";
import { runCommand } from "../helpers/binary.ts";
import { tempProfile } from "../helpers/cli.ts";
import { crashingWriter } from "./_crash-writer.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const SECRET = "sweep-secret-" + crypto.randomUUID();

let home: string;
let cleanup: () => void;
let paths: ProfilePaths;
beforeEach(() => {
  ({ home, paths, cleanup } = tempProfile());
  writeFileSync(paths.configPath, JSON.stringify({ gateway: { mode: "local", auth: { token: SECRET } } }), { mode: 0o600 });
});
afterEach(() => cleanup());

const temps = () => readdirSync(paths.stateDir).filter((f) => f.endsWith(".tmp"));

/** A child that edits the config and SIGKILLs itself on entering `step` of the atomic write. */
async function crashWriter(step: string, port: number): Promise<void> {
  const script = join(home, `crash-${step}.ts`);
  writeFileSync(script, crashingWriter(step, port));
  const child = await runCommand([process.execPath, script], { env: { HOME: home } });
  expect(child).toMatchObject({ signal: "SIGKILL", stdout: "" });
}

/** A pid that certainly names no process any more: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = Bun.spawn(["true"]);
  await child.exited;
  return child.pid;
}

describe("stale temp files of the config", () => {
  test("each write sweeps what killed writers left, so at most the last one's 0600 temp exists; `openclaw config set` removes it", async () => {
    let port = 2000;
    for (const step of ["writeSync", "fsyncSync", "renameSync", "writeSync", "fsyncSync", "renameSync"]) await crashWriter(step, port++);
    const left = temps();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.openclaw\.json\.\d+\.[0-9a-z]+\.tmp$/);
    expect(statSync(join(paths.stateDir, left[0]!)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(paths.stateDir, left[0]!), "utf8")).toContain(SECRET);

    // The real CLI, in its own process: it writes the file directly (no gateway is running here).
    const set = await runCommand([process.execPath, MAIN, "config", "set", "gateway.port", "3000"], { env: { HOME: home, NO_COLOR: "1" } });
    expect(set.code).toBe(0);
    expect(temps()).toEqual([]);
    expect(loadConfig(paths, {}).config.gateway?.port).toBe(3000);
  });

  test("an edit that changes nothing still sweeps", async () => {
    writeFileSync(join(paths.stateDir, `.openclaw.json.${await deadPid()}.abc123.tmp`), SECRET, { mode: 0o600 });
    const result = editConfig(paths, (c) => c, { env: {} });
    expect(result.changed).toBe(false);
    expect(temps()).toEqual([]);
  });

  test("sweepStaleTempFiles (what the gateway calls at start): dead, own and ancient temps go; a live writer's stays; other files stay", async () => {
    const dead = await deadPid();
    const names = {
      dead: `.openclaw.json.${dead}.kz1.tmp`,
      own: `.openclaw.json.${process.pid}.kz2.tmp`,
      live: `.openclaw.json.4242.kz3.tmp`,
      ancient: `.openclaw.json.4343.kz4.tmp`,
      otherFile: `.other.json.${dead}.kz5.tmp`,
      notOurs: `.openclaw.json.notes.tmp`,
    };
    for (const name of Object.values(names)) writeFileSync(join(paths.stateDir, name), SECRET);
    const now = Date.now();
    const ancient = (now - STALE_TEMP_AGE_MS - 60_000) / 1000;
    utimesSync(join(paths.stateDir, names.ancient), ancient, ancient);
    const alive = new Set([4242, 4343]);

    const removed = sweepStaleTempFiles(paths.configPath, { isAlive: (pid) => alive.has(pid), now });
    expect(removed.map((p) => p.slice(paths.stateDir.length + 1)).sort()).toEqual([names.ancient, names.dead, names.own].sort());
    expect(temps().sort()).toEqual([names.live, names.notOurs, names.otherFile].sort());
    expect(readFileSync(paths.configPath, "utf8")).toContain(SECRET);
  });

  test("a missing state dir is no error", () => {
    expect(sweepStaleTempFiles(join(home, "nowhere", "openclaw.json"))).toEqual([]);
  });
});
