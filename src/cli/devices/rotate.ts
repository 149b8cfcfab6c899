import { pairingCallScopes, required, rpcCommand } from "./_rpc.ts";

// `openclaw devices rotate --device <id> --role <role> [--scope s…]` (`device.token.rotate`); prints JSON as the reference does.
export default rpcCommand({
  name: "rotate",
  description: "Rotate a device token for a role",
  args: {
    device: { type: "string", description: "Device id", valueHint: "id" },
    role: { type: "string", description: "Role name", valueHint: "role" },
    scope: { type: "string", description: "Scopes to attach to the token (comma-separated or repeated)", valueHint: "scope" },
  },
  method: "device.token.rotate",
  params: (a) => {
    const raw = a.scope;
    const scopes = (Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : []).flatMap((s: string) => s.split(",")).map((s) => s.trim()).filter(Boolean);
    return { deviceId: required(a, "device", "--device"), role: required(a, "role", "--role"), ...(scopes.length > 0 ? { scopes } : {}) };
  },
  // Token management asks for the token's scopes plus pairing; other roles need admin (the reference CLI's rule).
  scopes: async (params, list) => {
    if (params.role !== "operator") return ["operator.admin"];
    const device = (await list()).paired.find((d: any) => d.deviceId === params.deviceId);
    if (!device) return ["operator.admin"];
    return pairingCallScopes(params.scopes ?? device.tokens?.find((t: any) => t.role === "operator")?.scopes ?? device.scopes ?? []);
  },
  text: (p) => [JSON.stringify(p, null, 2)],
});
