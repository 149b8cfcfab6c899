import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { commonArgs, lifecycleOptions, runLifecycle, waitArg } from "./_shared.ts";

export default defineCommand({
  meta: { name: "start", description: "Start the installed gateway service (no-op when running) and wait until it is ready" },
  args: { ...waitArg(), ...commonArgs() },
  async run(context) {
    const ctx = cliContext(context);
    const options = await lifecycleOptions(ctx, context.args);
    const { startService } = await import("../../service/lifecycle.ts");
    return runLifecycle(ctx, Boolean(context.args.json), "start", () => startService(options));
  },
});
