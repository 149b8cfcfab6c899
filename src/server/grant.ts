// What a client is granted at hello: its scopes when no device decides them, and its presence entry.
import type { CallerInfo, PresenceEntry } from "../methods/types.ts";
import type { ConnectParams } from "../protocol/connect.ts";
import { isLoopbackAddress } from "../surface/net.ts";
import { isDirectLocal } from "./admission.ts";
import type { UpgradeInfo } from "./listen.ts";

/** Client modes that appear in `system-presence` (cli, probe and backend connections do not). */
const PRESENCE_MODES = new Set(["ui", "webchat", "node"]);

/**
 * Device-less operators keep their requested scopes only as the local CLI or local backend over a shared
 * secret with no Origin; everyone else gets `[]` until pairing grants more (spec §2.3).
 */
export function grantedScopes(params: ConnectParams, authMethod: string, upgrade: UpgradeInfo): string[] {
  const requested = params.scopes ?? [];
  if (authMethod === "trusted-proxy") return requested;
  const { id, mode } = params.client;
  const localClient = (id === "cli" && mode === "cli") || (id === "gateway-client" && mode === "backend");
  const direct = isDirectLocal(upgrade);
  const sharedSecret = authMethod === "token" || authMethod === "password" || authMethod === "none";
  // The Control UI this gateway served, on the same direct-loopback terms as the local CLI: a browser always
  // sends Origin, and the handshake has already refused one that is not this gateway's own (IP/localhost Host)
  // or listed in gateway.controlUi.allowedOrigins; the loopback peer keeps a non-browser client from claiming
  // this id remotely. Remote browsers need device pairing (spec §2.4).
  const controlUi = id === "openclaw-control-ui" && mode === "ui" && Boolean(upgrade.origin);
  if (controlUi && direct && sharedSecret) return [...requested];
  return localClient && direct && !upgrade.origin && sharedSecret ? [...requested] : [];
}

/** The client's `system-presence` entry, or undefined for modes that are not shown there. */
export function presenceEntry(params: ConnectParams, caller: CallerInfo, remoteAddress: string): PresenceEntry | undefined {
  if (!PRESENCE_MODES.has(params.client.mode)) return undefined;
  const now = Date.now();
  return {
    host: params.client.displayName ?? params.client.id,
    version: params.client.version,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
    mode: params.client.mode,
    reason: "connect",
    // A node is known by its device id, so its presence entry is too (the reference's rule).
    instanceId: caller.role === "node" && caller.deviceId ? caller.deviceId : params.client.instanceId,
    clientId: params.client.id,
    ...(caller.deviceId ? { deviceId: caller.deviceId } : {}),
    ...(isLoopbackAddress(remoteAddress) ? {} : { ip: remoteAddress.replace(/^::ffff:/, "") }),
    roles: [caller.role],
    scopes: [...caller.scopes],
    onlineSince: now,
    text: `Node: ${params.client.displayName ?? "unknown"} · mode ${params.client.mode}`,
    ts: now,
  };
}
