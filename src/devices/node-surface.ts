// How a node's pending command surface is shown and who may approve it: shared by the handshake (which files
// the request) and the node.pair.* methods (which list and approve it).
import type { PendingNodeSurface } from "./store.ts";

// system.run and exec approvals, and the admin-only host commands (browser proxy, host file access).
const ADMIN_APPROVAL_COMMANDS = new Set(["system.run", "system.run.prepare", "system.which", "system.execApprovals.get", "system.execApprovals.set", "browser.proxy", "browser.proxy.upload.v1", "fs.listDir", "terminal.upload"]);

/** The scopes an owner needs to approve these commands (the reference's resolveNodePairApprovalScopes). */
export function nodeApprovalScopes(commands: readonly string[] | undefined): string[] {
  if ((commands ?? []).some((c) => ADMIN_APPROVAL_COMMANDS.has(c))) return ["operator.pairing", "operator.admin"];
  return (commands ?? []).length > 0 ? ["operator.pairing", "operator.write"] : ["operator.pairing"];
}

/** A pending node surface as `node.pair.list` and `node.pair.requested` show it. */
export function publicNodeRequest(nodeId: string, p: PendingNodeSurface): Record<string, unknown> {
  const row = {
    requestId: p.requestId, nodeId, clientId: p.clientId, clientMode: p.clientMode, displayName: p.displayName, platform: p.platform, version: p.version,
    deviceFamily: p.deviceFamily, modelIdentifier: p.modelIdentifier, caps: p.caps, commands: p.commands, requiredApproveScopes: nodeApprovalScopes(p.commands),
    permissions: p.permissions, remoteIp: p.remoteIp, ts: p.ts,
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

