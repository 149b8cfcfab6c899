import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { commonArgs, lifecycleOptions, runLifecycle } from "./_shared.ts";

export default defineCommand({
  meta: { name: "stop", description: "Stop the gateway service; returns once the process has exited" },
  args: {
    disable: { type: "boolean", description: "Also keep it from starting again (at boot/login, or by KeepAlive) until `gateway start`" },
    ...commonArgs(),
  },
  async run(context) {
    const ctx = cliContext(context);
    const options = await lifecycleOptions(ctx, context.args);
    const { stopService } = await import("../../service/lifecycle.ts");
    return runLifecycle(ctx, Boolean(context.args.json), "stop", () => stopService({ ...options, disable: Boolean(context.args.disable) }));
  },
});
