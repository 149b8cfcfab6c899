import { required, rpcCommand, tokenCallScopes } from "./_rpc.ts";

// `openclaw devices revoke --device <id> --role <role>` (`device.token.revoke`); prints JSON as the reference does.
export default rpcCommand({
  name: "revoke",
  description: "Revoke a device token for a role",
  args: { device: { type: "string", description: "Device id", valueHint: "id" }, role: { type: "string", description: "Role name", valueHint: "role" } },
  method: "device.token.revoke",
  params: (a) => ({ deviceId: required(a, "device", "--device"), role: required(a, "role", "--role") }),
  scopes: tokenCallScopes,
  text: (p) => [JSON.stringify(p, null, 2)],
});
