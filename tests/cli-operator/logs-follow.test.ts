// `openclaw logs --follow` as a real subprocess against a spawned gateway: lines appended after it started
// appear, a rotation (rename, then truncate in place) is announced and survived, and a gateway restart
// is a reconnect on the same follower.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { appendFileSync, renameSync, truncateSync } from "node:fs";
import type { Subprocess } from "bun";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { cleanupScratch, collect, envFor, spawnCli } from "./_helpers.ts";

let gw: SpawnedGateway;
const followers: Subprocess[] = [];

beforeAll(async () => {
  gw = await spawnGateway();
});
afterAll(async () => {
  for (const follower of followers) follower.kill("SIGKILL");
  await Promise.all(followers.map((f) => f.exited));
  await stopAllGateways();
  cleanupScratch();
});

function record(message: string): string {
  // As the gateway writes them: logs shows the serving gateway's records only, known by their pid.
  return `${JSON.stringify({ time: new Date().toISOString(), level: "info", subsystem: "test", message, pid: gw.pid })}\n`;
}

test("follows appended lines, survives rotation and a gateway restart", async () => {
  const env = envFor(gw.stateDir);
  const human = spawnCli(["logs", "--follow", "--interval", "100"], env);
  const json = spawnCli(["logs", "--follow", "--interval", "100", "--json"], env);
  followers.push(human, json);
  const out = collect(human.stdout);
  const err = collect(human.stderr);
  const jsonOut = collect(json.stdout);
  await out.waitFor(`Log file: ${gw.logFile}`);
  await jsonOut.waitFor('"type":"meta"');

  // 1. A line appended after the follower started.
  const first = `appended-${crypto.randomUUID()}`;
  appendFileSync(gw.logFile, record(first));
  await out.waitFor(new RegExp(`INFO  \\[test\\] ${first}`));
  await jsonOut.waitFor(first);

  // 2. Rotation by rename: the path now holds a new, smaller file.
  renameSync(gw.logFile, `${gw.logFile}.1`);
  const second = `after-rename-${crypto.randomUUID()}`;
  appendFileSync(gw.logFile, record(second));
  await out.waitFor(second);
  expect(out.text()).toContain(`[logs] log file ${gw.logFile} was rotated or truncated; reading it from the start`);
  await jsonOut.waitFor(second);
  expect(jsonOut.text()).toContain('"type":"notice","kind":"reset"');

  // 3. Rotation by truncating in place (copytruncate).
  appendFileSync(gw.logFile, record("filler ".repeat(40)));
  await out.waitFor("filler");
  truncateSync(gw.logFile, 0);
  const third = `after-truncate-${crypto.randomUUID()}`;
  appendFileSync(gw.logFile, record(third));
  await out.waitFor(third);

  // 4. The gateway goes away and comes back on the same port: the follower reconnects.
  const { port, stateDir, token } = gw;
  await gw.stop();
  await err.waitFor("[logs] gateway connection lost");
  gw = await spawnGateway({ port, stateDir, token });
  await err.waitFor("[logs] gateway reconnected", 20_000);
  const fourth = `after-restart-${crypto.randomUUID()}`;
  appendFileSync(gw.logFile, record(fourth));
  await out.waitFor(fourth);
  expect(human.exitCode).toBeNull();
}, 40_000);
