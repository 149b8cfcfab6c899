import { table } from "../_table.ts";
import { rpcCommand } from "./_rpc.ts";

const name = (d: any) => d.operatorLabel ?? d.displayName ?? d.clientId ?? d.deviceId;

// `openclaw devices list`: pending requests and paired devices (`device.pair.list`).
export default rpcCommand({
  name: "list",
  description: "List pending and paired devices",
  args: {},
  method: "device.pair.list",
  params: () => ({}),
  text: (p) => {
    const lines: string[] = [];
    if (p.pending?.length) {
      lines.push(`Pending (${p.pending.length})`);
      lines.push(...table(["Request", "Device", "Role", "Scopes", "IP"], p.pending.map((r: any) => [r.requestId, name(r), r.role ?? "", (r.scopes ?? []).join(", "), r.remoteIp ?? ""])));
    } else lines.push("No pending pairing requests.");
    if (p.paired?.length) {
      lines.push(`Paired (${p.paired.length})`);
      lines.push(...table(["Device", "Device ID", "Roles", "Scopes", "Tokens", "IP"], p.paired.map((d: any) => [name(d), d.deviceId, (d.roles ?? []).join(", "), (d.scopes ?? []).join(", "), (d.tokens ?? []).filter((t: any) => !t.revokedAtMs).map((t: any) => t.role).join(", "), d.remoteIp ?? ""])));
    } else lines.push("No paired devices.");
    return lines;
  },
});
