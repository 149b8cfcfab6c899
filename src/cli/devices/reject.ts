import { required, rpcCommand } from "./_rpc.ts";

// `openclaw devices reject <requestId>` (`device.pair.reject`).
export default rpcCommand({
  name: "reject",
  description: "Reject a pending device pairing request",
  args: { requestId: { type: "positional", description: "Pending request id", required: false } },
  method: "device.pair.reject",
  params: (a) => ({ requestId: required(a, "requestId", "<requestId>") }),
  text: (p) => [`Rejected ${p.deviceId ?? "ok"}`],
});
