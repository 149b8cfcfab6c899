import { required, rpcCommand } from "./_rpc.ts";

// `openclaw devices remove <deviceId>` (`device.pair.remove`).
export default rpcCommand({
  name: "remove",
  description: "Remove a paired device entry",
  args: { deviceId: { type: "positional", description: "Paired device id", required: false } },
  method: "device.pair.remove",
  params: (a) => ({ deviceId: required(a, "deviceId", "<deviceId>") }),
  text: (p) => [`Removed ${p.deviceId}`],
});
