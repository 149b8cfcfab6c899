// An emptied config file (`: > openclaw.json`) is an invalid config, not `{}`: the gateway refuses to
// start on it, and a running gateway rejects the reload and keeps serving the last good config.
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { spawnGateway, stopAllGateways } from "../helpers/gateway.ts";
import { connectOperator, connectParams, handshake } from "../helpers/ws.ts";

afterAll(() => stopAllGateways());

test.each([
  ["empty", ""],
  ["whitespace-only", " \n\n\t"],
  ["comment-only", "// to be written\n"],
])("a gateway refuses to start on an %s config file, naming the file", async (_, text) => {
  const gw = await spawnGateway({ rawConfig: text, noWait: true });
  const code = await gw.proc.exited;
  expect(code).not.toBe(0);
  expect(gw.output()).toContain(gw.configPath);
  expect(gw.output()).toContain("config file is empty");
  expect(gw.output()).not.toContain("Gateway listening");
});

test("emptying the file of a running gateway is rejected once, with the file named once, and the last good config keeps serving", async () => {
  const gw = await spawnGateway({ config: { gateway: { reload: { debounceMs: 50 } } } });
  const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
  const before = (await admin.request("config.get", {})).payload;

  writeFileSync(gw.configPath, "");
  await gw.waitForOutput(/config reload rejected.*\n/);
  const line = gw.output().split("\n").find((l) => l.includes("config reload rejected"))!;
  expect(line).toContain("config file is empty");
  expect(line.split(gw.configPath).length - 1).toBe(1);

  const after = (await admin.request("config.get", {})).payload;
  expect(after.appliedConfigHash).toBe(before.appliedConfigHash);
  expect(after.valid).toBe(false);
  expect(after.config).toEqual(before.config);
  // The token of the last good config still opens a connection.
  const { socket, hello } = await handshake(gw.url, connectParams({ auth: { token: gw.token } }));
  expect(hello.ok).toBe(true);
  socket.close();
  admin.close();
  await gw.stop();
});
