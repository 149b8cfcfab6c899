// presence() runs in every handshake (hello-ok's snapshot): it lists the gateway and its UI/node clients in
// connection order without visiting the many clients that have no presence entry (CLI, backend, probe).
import { expect, test } from "bun:test";
import { resolveProfilePaths } from "../config/paths.ts";
import { snapshotFromText } from "../config/load.ts";
import type { PresenceEntry } from "../methods/types.ts";
import type { ServerLogger } from "./logger-port.ts";
import { GatewayCore, type ClientLink } from "./runtime.ts";

const quiet: ServerLogger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function makeCore(): GatewayCore {
  const env = { OPENCLAW_STATE_DIR: "/nonexistent-openclaw-state" };
  const hooks = { restart() {}, applied() {}, vet: () => undefined, logFile: () => "", reloadSecrets: async () => ({ ok: true }) as never };
  return new GatewayCore({ version: "0.0.0-test", snapshot: snapshotFromText(resolveProfilePaths(undefined, { env }), "{}", env), auth: { mode: "none" }, env, hooks, logger: quiet });
}

/** A link that counts how often anything reads its presence. */
function link(connId: string, presence: PresenceEntry | undefined, reads: { count: number }): ClientLink {
  return {
    connId,
    clientId: connId,
    mode: presence ? "ui" : "cli",
    role: "operator",
    scopes: [],
    connect: {} as never,
    get presence() {
      reads.count++;
      return presence;
    },
    sendEvent() {},
    ping() {},
    close() {},
  } as ClientLink;
}

test("presence lists self and UI clients in connection order, and reads no client's entry per call", () => {
  const core = makeCore();
  const reads = { count: 0 };
  const version = core.stateVersion.presence;
  const entry = (host: string) => ({ host, mode: "ui", reason: "connect", ts: 1 }) as PresenceEntry;
  core.addClient(link("ui-1", entry("one"), reads));
  for (let i = 0; i < 200; i++) core.addClient(link(`cli-${i}`, undefined, reads));
  core.addClient(link("ui-2", entry("two"), reads));
  const afterAdd = reads.count;
  for (let i = 0; i < 10; i++) expect(core.presence().map((p) => p.host).slice(1)).toEqual(["one", "two"]);
  expect(core.presence()[0]!.reason).toBe("self");
  expect(reads.count).toBe(afterAdd);

  core.removeClient("ui-1");
  core.removeClient("cli-0");
  expect(core.presence().map((p) => p.host).slice(1)).toEqual(["two"]);
  // Two UI joins and one UI departure change presence; a CLI client's departure does not.
  expect(core.stateVersion.presence).toBe(version + 3);
});
