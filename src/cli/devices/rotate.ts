import { required, rpcCommand, tokenCallScopes } from "./_rpc.ts";

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
  scopes: tokenCallScopes,
  text: (p) => [JSON.stringify(p, null, 2)],
});
