import { isIP } from "../../platform/ip.ts";
import { defineCommand } from "citty";
import { CliError, cliContext, type CliContext } from "../context.ts";
import type { GatewayRunOptions } from "../../server/options.ts";

const WS_LOG_STYLES = ["auto", "full", "compact"] as const;
const BIND_MODES = ["loopback", "lan", "tailnet", "auto", "custom"];

export default defineCommand({
  meta: { name: "run", description: "Run the gateway in the foreground" },
  args: {
    port: { type: "string", description: "Port for WebSocket + HTTP (default: OPENCLAW_GATEWAY_PORT, gateway.port, 18789)" },
    bind: { type: "string", description: "Listener bind: loopback (default), lan, tailnet, auto, custom, or an IP address", valueHint: "mode|ip" },
    auth: { type: "enum", options: ["token", "password", "none", "trusted-proxy"], description: "Auth mode override" },
    token: { type: "string", description: "Shared token (also sets OPENCLAW_GATEWAY_TOKEN for the process)" },
    password: { type: "string", description: "Shared password (also sets OPENCLAW_GATEWAY_PASSWORD for the process)" },
    "password-file": { type: "string", description: "Read the password from a file" },
    tailscale: { type: "enum", options: ["off", "serve", "funnel"], description: "Expose via Tailscale serve (tailnet) or funnel (public, needs password auth)" },
    "tailscale-reset-on-exit": { type: "boolean", description: "Undo our Tailscale serve/funnel mapping on shutdown" },
    "allow-unconfigured": { type: "boolean", description: "Start without gateway.mode=local in the config" },
    reset: { type: "boolean", description: "With --dev: delete dev config, credentials, sessions and workspace first" },
    force: { type: "boolean", description: "Stop whatever listens on the port, then start" },
    verbose: { type: "boolean", description: "Debug-level console logs" },
    "claude-cli-logs": { type: "boolean", description: "Console shows only CLI-backend logs (deprecated alias of --cli-backend-logs)" },
    "cli-backend-logs": { type: "boolean", description: "Console shows only CLI-backend logs" },
    "ws-log": { type: "enum", options: [...WS_LOG_STYLES], description: "WebSocket log style: auto, full, compact (default auto)" },
    compact: { type: "boolean", description: "Alias for --ws-log compact" },
    "raw-stream": { type: "boolean", description: "Log raw model stream events to JSONL" },
    "raw-stream-path": { type: "string", description: "Path of the raw stream JSONL file" },
  },
  async run(context) {
    const ctx = cliContext(context);
    const options = await argsToOptions(context.args, ctx);
    const [{ runGatewayUntilStopped }, { mountFeatures }] = await Promise.all([import("../../server/run.ts"), import("../../features.ts")]);
    const { stopWhenOrphaned } = await import("./_parent-watch.ts");
    const unwatch = stopWhenOrphaned(ctx.env);
    try {
      return await runGatewayUntilStopped({ ...options, features: mountFeatures });
    } finally {
      unwatch();
    }
  },
});

type RunArgs = Record<string, unknown>;

/** Converts flags into gateway options: the command converts, the library acts (style habit 4). */
export async function argsToOptions(args: RunArgs, ctx: CliContext): Promise<GatewayRunOptions> {
  if (args.reset && !ctx.dev) throw new CliError("--reset requires --dev (it only resets the dev profile)");
  const bind = str(args.bind);
  if (bind !== undefined && !BIND_MODES.includes(bind) && isIP(bind) === 0) {
    throw new CliError(`Invalid value for argument: --bind (${bind}); expected ${BIND_MODES.join(", ")} or an IP address`);
  }
  const { resolveProfilePaths } = await import("../../config/paths.ts");
  const paths = resolveProfilePaths(ctx.profile, { env: ctx.env });
  if (ctx.dev) await prepareDevProfile(paths, Boolean(args.reset), ctx);
  // launchd and Task Scheduler cannot read an env file, so a supervised gateway loads its secrets itself.
  const { applyServiceEnvFile } = await import("../../service/env-file.ts");
  applyServiceEnvFile(ctx.env, paths.stateDir);

  let password = str(args.password);
  if (args["password-file"]) {
    const file = Bun.file(String(args["password-file"]));
    if (!(await file.exists())) throw new CliError(`--password-file ${args["password-file"]} does not exist`);
    password = (await file.text()).trim();
  }
  // The reference documents that --token/--password also set the env var for the process (child tools read it).
  if (str(args.token)) ctx.env.OPENCLAW_GATEWAY_TOKEN = String(args.token);
  if (password) ctx.env.OPENCLAW_GATEWAY_PASSWORD = password;

  const { join } = await import("node:path");
  const { VERSION, COMMIT } = await import("../../version.ts");
  const rawStream = Boolean(args["raw-stream"] || args["raw-stream-path"]);
  return {
    paths,
    env: ctx.env,
    overrides: { port: str(args.port), bind: str(args.bind), auth: str(args.auth), token: str(args.token), password },
    allowUnconfigured: Boolean(args["allow-unconfigured"]),
    force: Boolean(args.force),
    verbose: Boolean(args.verbose),
    wsLog: args.compact ? "compact" : ((str(args["ws-log"]) as GatewayRunOptions["wsLog"]) ?? "auto"),
    rawStreamPath: rawStream ? (str(args["raw-stream-path"]) ?? join(paths.stateDir, "logs", "raw-stream.jsonl")) : undefined,
    version: VERSION,
    buildId: `${VERSION}-${COMMIT}`,
    consoleSubsystemFilter: args["cli-backend-logs"] || args["claude-cli-logs"] ? "cli-backend" : undefined,
    tailscale: str(args.tailscale) as GatewayRunOptions["tailscale"],
    tailscaleResetOnExit: args["tailscale-reset-on-exit"] === true ? true : undefined,
    dev: ctx.dev,
    color: ctx.color,
    out: ctx.out,
    err: ctx.err,
  };
}

async function prepareDevProfile(paths: import("../../config/paths.ts").ProfilePaths, reset: boolean, ctx: CliContext) {
  const dev = await import("../../config/dev-profile.ts");
  if (reset) {
    const targets = dev.devResetTargets(paths);
    if (targets.length === 0) ctx.out("Dev reset: nothing to remove.");
    for (const target of targets) ctx.out(`Dev reset: removing ${target}`);
    dev.removeDevTargets(targets);
  }
  const created = dev.ensureDevProfile(paths);
  if (created.createdConfig) ctx.out(`Dev profile: created ${created.configPath} (gateway.mode=local, port ${paths.basePort})`);
  if (created.createdWorkspace) ctx.out(`Dev profile: created workspace ${created.workspaceDir}`);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
