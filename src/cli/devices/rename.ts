import { CliError } from "../context.ts";
import { required, rpcCommand } from "./_rpc.ts";

// `openclaw devices rename --device <id> --name <label>` (`device.pair.rename`).
export default rpcCommand({
  name: "rename",
  description: "Assign an operator label to a paired device",
  args: { device: { type: "string", description: "Device id", valueHint: "id" }, name: { type: "string", description: "Operator-assigned label (max 64 characters)", valueHint: "label" } },
  method: "device.pair.rename",
  params: (a) => {
    const label = required(a, "name", "--name");
    if (label.length > 64) throw new CliError("--name must be at most 64 characters");
    return { deviceId: required(a, "device", "--device"), label };
  },
  text: (p) => [`Renamed ${p.deviceId} → ${p.label}`],
});
