// The child both config crash tests run: it edits gateway.port through editConfig and SIGKILLs itself on entering
// one step of the atomic write (injected through the WriteFs seam), so nothing after that step runs, not even the
// cleanup in `catch`. "not reached" on its stdout would mean the kill never happened.
import { join } from "node:path";

const CONFIG_DIR = join(import.meta.dir, "..", "..", "src", "config");

/** Source of a child script (run with HOME set to the profile's home) that sets gateway.port to `port`. */
export function crashingWriter(step: string, port: number): string {
  return `
import * as fs from "node:fs";
import { editConfig } from ${JSON.stringify(join(CONFIG_DIR, "edit.ts"))};
import { setAtPath } from ${JSON.stringify(join(CONFIG_DIR, "key-path.ts"))};
import { resolveProfilePaths } from ${JSON.stringify(join(CONFIG_DIR, "paths.ts"))};
const paths = resolveProfilePaths(undefined, { env: { HOME: process.env.HOME } });
const crashing = { ...fs, ${step}: () => { process.kill(process.pid, "SIGKILL"); } };
editConfig(paths, (c) => setAtPath(c, ["gateway", "port"], ${port}), { env: {}, fs: crashing });
console.log("not reached");
`;
}
