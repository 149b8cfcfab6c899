// The one way the device stores (pairing.json, bootstrap.json) reach disk: they hold token hashes, so the
// folder is 0700 and the file 0600, written through the config's atomic writer (temp, fsync, rename, stale temps swept).
import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../config/write.ts";

/** Writes `value` as JSON to `file` under `<state dir>/devices/`, so a crash leaves the old file or the new one. */
export function saveDeviceState(file: string, value: unknown): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writeFileAtomic(file, JSON.stringify(value, null, 2), { backup: false, mode: 0o600 });
}
