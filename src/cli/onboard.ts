import { defineCommand } from "citty";
import { cliContext, CliError } from "./context.ts";

/**
 * `openclaw onboard [--install-daemon]`: the non-interactive setup of seed 004: `gateway.mode=local`, a generated
 * gateway token (kept when one exists), optionally the service installed and started. The token is never printed.
 */
export default defineCommand({
  meta: { name: "onboard", description: "Set up a local gateway (mode local, a generated token); --install-daemon also installs and starts the service" },
  args: {
    "install-daemon": { type: "boolean", description: "Install the gateway service and start it (same as `openclaw gateway install`)" },
    "non-interactive": { type: "boolean", description: "Accepted for scripts; this setup never prompts" },
    "accept-risk": { type: "boolean", description: "Accepted for scripts written for the reference's onboarding" },
    "gateway-port": { type: "string", description: "Port to write to gateway.port", valueHint: "port" },
    wait: { type: "string", description: "With --install-daemon: how long to wait for /readyz (default 60s)" },
    json: { type: "boolean", description: "Print the result as JSON" },
  },
  async run(context) {
    const ctx = cliContext(context);
    const args = context.args;
    const { resolveProfilePaths } = await import("../config/paths.ts");
    const { editConfig } = await import("../config/edit.ts");
    const { parsePort } = await import("../config/resolve.ts");
    const { randomBytes } = await import("node:crypto");
    const paths = resolveProfilePaths(ctx.profile, { env: ctx.env });
    const port = typeof args["gateway-port"] === "string" && args["gateway-port"] !== "" ? parsePort(args["gateway-port"], "--gateway-port") : undefined;
    let generated = false;
    let result;
    try {
      result = editConfig(
        paths,
        (authored) => {
          const gateway = { ...((authored.gateway as Record<string, unknown> | undefined) ?? {}) };
          gateway.mode = "local";
          if (port !== undefined) gateway.port = port;
          const auth = { ...((gateway.auth as Record<string, unknown> | undefined) ?? {}) };
          const hasSecret = (auth.mode === "password" && auth.password) || (auth.mode !== "password" && auth.token) || auth.mode === "none" || auth.mode === "trusted-proxy";
          if (!hasSecret) {
            auth.token = randomBytes(32).toString("hex");
            auth.mode ??= "token";
            generated = true;
          }
          gateway.auth = auth;
          return { ...authored, gateway };
        },
        { env: ctx.env },
      );
    } catch (error) {
      const e = error as { name?: string; message?: string };
      if (e?.name === "ConfigError") throw new CliError(e.message ?? String(error), 1, "Fix it (`openclaw config validate`), then run onboard again.");
      throw error;
    }
    const summary = {
      ok: true,
      configPath: paths.configPath,
      changed: result.changed,
      gatewayMode: "local",
      token: generated ? "generated" : "kept",
      daemon: undefined as unknown,
    };
    const say = args.json ? (line: string) => ctx.err(line) : (line: string) => ctx.out(line);
    say(`${result.changed ? "Wrote" : "Kept"} ${paths.configPath}: gateway.mode=local, ${generated ? "a generated gateway token (gateway.auth.token)" : "the existing gateway secret"}`);
    if (!args["install-daemon"]) {
      say("Next: `openclaw gateway install` (or `openclaw onboard --install-daemon`) to run it as a service; `openclaw dashboard` for the Control UI.");
      if (args.json) ctx.out(JSON.stringify(summary, null, 2));
      return 0;
    }
    const { lifecycleOptions, runLifecycle } = await import("./service/_shared.ts");
    const options = await lifecycleOptions(ctx, { wait: args.wait, json: args.json });
    const { installService } = await import("../service/lifecycle.ts");
    if (args.json) {
      let report: unknown;
      const code = await runLifecycle({ ...ctx, out: (text) => (report = JSON.parse(text)) }, true, "install", () => installService({ ...options, dev: ctx.dev }));
      ctx.out(JSON.stringify({ ...summary, ok: code === 0, daemon: report }, null, 2));
      return code;
    }
    const code = await runLifecycle(ctx, false, "install", () => installService({ ...options, dev: ctx.dev }));
    if (code === 0) ctx.out("Next: `openclaw dashboard` prints the Control UI URL with the token.");
    return code;
  },
});
