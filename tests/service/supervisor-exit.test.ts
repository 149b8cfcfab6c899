// The marker our unit and plist set makes a refused start exit with the code their restart rule stops on:
// 78 under systemd (RestartPreventExitStatus=78), 0 under launchd (KeepAlive.SuccessfulExit=false).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { parseLaunchdPlist, renderLaunchdPlist } from "../../src/service/launchd.ts";
import { parseSystemdUnit, renderSystemdUnit } from "../../src/service/systemd-unit.ts";
import type { ServiceSpec } from "../../src/service/types.ts";
import { compiledBinary } from "../helpers/binary.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";

let first: SpawnedGateway;
let bin: string;
beforeAll(async () => {
  bin = await compiledBinary();
  first = await spawnGateway({ binary: bin });
}, 120_000);
afterAll(stopAllGateways);

const spec: ServiceSpec = {
  profile: undefined,
  version: "0",
  program: ["/x/openclaw", "gateway", "--port", "1"],
  port: 1,
  stateDir: "/s",
  envFile: "/s/service.env",
  logsDir: "/s/logs",
  workingDirectory: "/s",
  env: {},
  secrets: {},
};

const cases = [
  ["systemd", parseSystemdUnit("u", renderSystemdUnit(spec, { system: false })).env, 78],
  ["launchd", parseLaunchdPlist("p", renderLaunchdPlist("ai.openclaw.gateway", spec)).env, 0],
] as const;

test.each(cases)("a second gateway on a served port under %s exits with the code its definition does not retry", async (_name, definitionEnv, code) => {
  const second = await spawnGateway({ binary: bin, port: first.port, env: { OPENCLAW_SUPERVISOR: definitionEnv.OPENCLAW_SUPERVISOR }, noWait: true });
  expect(await second.proc.exited).toBe(code);
  expect(second.output()).toMatch(/already|in use|listening/i);
});
