// A real crash during a config write: a child process SIGKILLs itself in the middle of the atomic write
// (injected through the WriteFs seam), so nothing after that step runs, not even the cleanup in `catch`.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { editConfig } from "../../src/config/edit.ts";
import { setAtPath } from "../../src/config/key-path.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { ProfilePaths } from "../../src/config/paths.ts";
import { runCommand } from "../helpers/binary.ts";
import { tempProfile } from "../helpers/cli.ts";
import { crashingWriter as crashingSource } from "./_crash-writer.ts";

const OLD = `{ gateway: { port: 1000 } } // the file before the crash\n`;

let home: string;
let cleanup: () => void;
let paths: ProfilePaths;
beforeEach(() => {
  ({ home, paths, cleanup } = tempProfile());
});
afterEach(() => cleanup());

/** The shared crashing child, writing port 2000 (the value the old file must survive). */
const crashingWriter = (step: string) => crashingSource(step, 2000);

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
