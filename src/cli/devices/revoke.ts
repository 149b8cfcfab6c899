import { pairingCallScopes, required, rpcCommand } from "./_rpc.ts";

// `openclaw devices revoke --device <id> --role <role>` (`device.token.revoke`); prints JSON as the reference does.
export default rpcCommand({
  name: "revoke",
  description: "Revoke a device token for a role",
  args: { device: { type: "string", description: "Device id", valueHint: "id" }, role: { type: "string", description: "Role name", valueHint: "role" } },
  method: "device.token.revoke",
  params: (a) => ({ deviceId: required(a, "device", "--device"), role: required(a, "role", "--role") }),
  // Token management asks for the token's scopes plus pairing; other roles need admin (the reference CLI's rule).
  scopes: async (params, list) => {
    if (params.role !== "operator") return ["operator.admin"];
    const device = (await list()).paired.find((d: any) => d.deviceId === params.deviceId);
    if (!device) return ["operator.admin"];
    return pairingCallScopes(params.scopes ?? device.tokens?.find((t: any) => t.role === "operator")?.scopes ?? device.scopes ?? []);
  },
  text: (p) => [JSON.stringify(p, null, 2)],
});
