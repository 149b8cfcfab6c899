// A real crash during a config write: a child process SIGKILLs itself in the middle of the atomic write
// (injected through the WriteFs seam), so nothing after that step runs, not even the cleanup in `catch`.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { editConfig } from "../../src/config/edit.ts";
import { setAtPath } from "../../src/config/key-path.ts";
import { loadConfig } from "../../src/config/load.ts";
import { resolveProfilePaths, type ProfilePaths } from "../../src/config/paths.ts";
import { runCommand } from "../helpers/binary.ts";
import { tempHome } from "../helpers/cli.ts";

const CONFIG_DIR = join(import.meta.dir, "..", "..", "src", "config");
const OLD = `{ gateway: { port: 1000 } } // the file before the crash\n`;

let home: string;
let cleanup: () => void;
let paths: ProfilePaths;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
  paths = resolveProfilePaths(undefined, { env: { HOME: home } });
  mkdirSync(paths.stateDir, { recursive: true });
});
afterEach(() => cleanup());

/** Source of a child that edits gateway.port and kills itself with SIGKILL on entering `step`. */
function crashingWriter(step: string): string {
  return `
import * as fs from "node:fs";
import { editConfig } from ${JSON.stringify(join(CONFIG_DIR, "edit.ts"))};
import { setAtPath } from ${JSON.stringify(join(CONFIG_DIR, "key-path.ts"))};
import { resolveProfilePaths } from ${JSON.stringify(join(CONFIG_DIR, "paths.ts"))};
const paths = resolveProfilePaths(undefined, { env: { HOME: process.env.HOME } });
const crashing = { ...fs, ${step}: () => { process.kill(process.pid, "SIGKILL"); } };
editConfig(paths, (c) => setAtPath(c, ["gateway", "port"], 2000), { env: {}, fs: crashing });
console.log("not reached");
`;
}

test.each(["writeSync", "fsyncSync", "renameSync"])(
  "a process killed at %s leaves the old file intact and loadable, and the next write works",
  async (step) => {
    writeFileSync(paths.configPath, OLD, { mode: 0o600 });
    const script = join(home, "crash.ts");
    writeFileSync(script, crashingWriter(step));

    const child = await runCommand([process.execPath, script], { env: { HOME: home } });
    expect(child).toMatchObject({ signal: "SIGKILL", stdout: "", timedOut: false });

    expect(readFileSync(paths.configPath, "utf8")).toBe(OLD);
    expect(loadConfig(paths, {}).config.gateway?.port).toBe(1000);
    // A killed writer cannot clean up: its temp file stays, under a name that nothing reads.
    const leftovers = readdirSync(paths.stateDir).filter((f) => f.endsWith(".tmp"));
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatch(/^\.openclaw\.json\.\d+\.[0-9a-z]+\.tmp$/);

    editConfig(paths, (c) => setAtPath(c, ["gateway", "port"], 3000), { env: {} });
    expect(loadConfig(paths, {}).config.gateway?.port).toBe(3000);
    expect(readFileSync(`${paths.configPath}.bak`, "utf8")).toBe(OLD);
  },
);
