import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { commonArgs, lifecycleOptions, runLifecycle } from "./_shared.ts";

export default defineCommand({
  meta: { name: "uninstall", description: "Stop and remove the gateway service and its env file (config and state stay)" },
  args: { ...commonArgs() },
  async run(context) {
    const ctx = cliContext(context);
    const options = await lifecycleOptions(ctx, context.args);
    const { uninstallService } = await import("../../service/lifecycle.ts");
    return runLifecycle(ctx, Boolean(context.args.json), "uninstall", () => uninstallService(options));
  },
});
