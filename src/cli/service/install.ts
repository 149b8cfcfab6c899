import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { commonArgs, lifecycleOptions, runLifecycle, waitArg } from "./_shared.ts";

export default defineCommand({
  meta: { name: "install", description: "Install the gateway as a service (systemd, launchd or Task Scheduler) and start it" },
  args: {
    port: { type: "string", description: "Port the service starts the gateway on (default: OPENCLAW_GATEWAY_PORT, gateway.port, 18789)" },
    runtime: { type: "string", description: "What the service runs: binary (the compiled openclaw) or bun (bun + src/main.ts); default: what runs now" },
    token: { type: "string", description: "Gateway token for the service; stored only in <state dir>/service.env (mode 0600)" },
    force: { type: "boolean", description: "Rewrite an existing installation (and restart it)" },
    unattended: { type: "boolean", description: "Windows: start at boot without a logon (S4U task)" },
    ...waitArg(),
    ...commonArgs(),
  },
  async run(context) {
    const ctx = cliContext(context);
    const args = context.args;
    const options = await lifecycleOptions(ctx, args);
    const { installService } = await import("../../service/lifecycle.ts");
    return runLifecycle(ctx, Boolean(args.json), "install", () =>
      installService({
        ...options,
        port: args.port || undefined,
        runtime: args.runtime || undefined,
        token: args.token || undefined,
        force: Boolean(args.force),
        unattended: Boolean(args.unattended),
        dev: ctx.dev,
      }),
    );
  },
});
