// Method families load on their first call, so their names are written down beside the surface that advertises
// them (hello-ok lists them before any module loads). Each list must equal the keys its module really returns.
import { describe, expect, test } from "bun:test";
import { AGENTS_METHOD_NAMES } from "../../src/agents/method-names.ts";
import { AUTOMATION_METHODS } from "../../src/automations/surface.ts";
import { CONFIG_METHODS, GATEWAY_METHODS, LOGS_METHODS, SECRETS_METHODS } from "../../src/methods/index.ts";

const keys = (family: object) => Object.keys(family);
const list = (names: readonly string[]): string[] => [...names];
// The factories only close over the service; building a family calls nothing on it.
const service = {} as never;

describe("lazily loaded method families advertise exactly their module's methods", () => {
  test("core families", async () => {
    expect(list(CONFIG_METHODS)).toEqual(keys((await import("../../src/methods/config.ts")).configMethods));
    expect(list(LOGS_METHODS)).toEqual(keys((await import("../../src/methods/logs.ts")).logsMethods));
    expect(list(GATEWAY_METHODS)).toEqual(keys((await import("../../src/methods/gateway.ts")).gatewayMethods));
    expect(list(SECRETS_METHODS)).toEqual(keys((await import("../../src/methods/secrets.ts")).secretsMethods));
  });

  test("agents families", async () => {
    expect(list(AGENTS_METHOD_NAMES.agents)).toEqual(keys((await import("../../src/agents/methods.ts")).agentsMethods(service)));
    expect(list(AGENTS_METHOD_NAMES.sessions)).toEqual(keys((await import("../../src/agents/session-methods.ts")).sessionMethods(service)));
    expect(list(AGENTS_METHOD_NAMES.approvals)).toEqual(keys((await import("../../src/agents/approval-methods.ts")).approvalMethods(service)));
    expect(list(AGENTS_METHOD_NAMES.agentAdmin)).toEqual(keys((await import("../../src/agents/agent-admin.ts")).agentAdminMethods(service)));
    expect(list(AGENTS_METHOD_NAMES.sessionAdmin)).toEqual(keys((await import("../../src/agents/session-admin.ts")).sessionAdminMethods(service)));
  });

  test("automations family", async () => {
    const { automationMethods } = await import("../../src/automations/methods.ts");
    expect(list(AUTOMATION_METHODS)).toEqual(keys(automationMethods(service, () => 0)));
  });
});
