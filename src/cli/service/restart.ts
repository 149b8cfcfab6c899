import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { commonArgs, lifecycleOptions, runLifecycle, waitArg } from "./_shared.ts";

export default defineCommand({
  meta: { name: "restart", description: "Restart the gateway service with the supervisor's own restart, then wait until it is ready" },
  args: { ...waitArg(), ...commonArgs() },
  async run(context) {
    const ctx = cliContext(context);
    const options = await lifecycleOptions(ctx, context.args);
    const { restartService } = await import("../../service/lifecycle.ts");
    return runLifecycle(ctx, Boolean(context.args.json), "restart", () => restartService(options));
  },
});
