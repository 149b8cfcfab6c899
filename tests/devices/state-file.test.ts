// Both device stores reach disk through the shared atomic writer: the file is 0600 in a 0700 folder, no temp is
// left beside it, and a temp a killed writer left (it holds token hashes) is swept on the next write.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BootstrapTokens } from "../../src/devices/bootstrap.ts";
import { PairingStore } from "../../src/devices/store.ts";

let stateDir: string;
let devices: string;
// A pid far above pid_max: no live process owns it, so its temp is stale.
const DEAD_PID = 2 ** 30;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "oc-devstate-"));
  devices = join(stateDir, "devices");
  mkdirSync(devices, { mode: 0o755 });
  chmodSync(devices, 0o755);
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

function expectClean(file: string): void {
  expect(statSync(devices).mode & 0o777).toBe(0o700);
  expect(statSync(join(devices, file)).mode & 0o777).toBe(0o600);
  expect(readdirSync(devices).filter((n) => n.includes(file)).sort()).toEqual([file]);
}

test("pairing.json: 0600 in a 0700 folder, a killed writer's temp swept", () => {
  writeFileSync(join(devices, `.pairing.json.${DEAD_PID}.abc.tmp`), "{}");
  new PairingStore(stateDir).request({ deviceId: "d1", publicKey: "k1", role: "node", scopes: [] });
  expectClean("pairing.json");
});

test("bootstrap.json: 0600 in a 0700 folder, a killed writer's temp swept", () => {
  writeFileSync(join(devices, `.bootstrap.json.${DEAD_PID}.abc.tmp`), "{}");
  new BootstrapTokens(stateDir).issue("node");
  expectClean("bootstrap.json");
});
