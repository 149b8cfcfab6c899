import { pairingCallScopes, required, rpcCommand } from "./_rpc.ts";

// `openclaw devices approve <requestId>` (`device.pair.approve`).
export default rpcCommand({
  name: "approve",
  description: "Approve a pending device pairing request",
  args: { requestId: { type: "positional", description: "Pending request id", required: false } },
  method: "device.pair.approve",
  params: (a) => ({ requestId: required(a, "requestId", "<requestId>") }),
  // Asks for pairing plus what the request asks for (a non-operator role needs admin), as the reference CLI does.
  scopes: async (params, list) => {
    const { pending } = await list();
    const request = pending.find((p: any) => p.requestId === params.requestId);
    if (!request) return undefined;
    if ((request.roles ?? [request.role]).some((r: string | undefined) => r && r !== "operator")) return ["operator.admin"];
    return pairingCallScopes(request.scopes ?? []);
  },
  text: (p) => [`Approved ${p.device?.deviceId ?? "ok"} (${p.requestId})`],
});
