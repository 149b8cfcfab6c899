// Shared by `gateway install|start|stop|restart|uninstall`: flags, options, and one report printer.
import type { ArgsDef } from "citty";
import { CliError, type CliContext } from "../context.ts";
import type { LifecycleOptions, LifecycleReport } from "../../service/lifecycle.ts";

/** Flags every lifecycle command accepts. */
export const commonArgs = () =>
  ({
    json: { type: "boolean", description: "Print the result as JSON" },
    system: { type: "boolean", description: "systemd: act on the system unit in /etc/systemd/system (needs root)" },
  }) as const satisfies ArgsDef;

/** `--wait` for the commands that start the gateway. */
export const waitArg = () =>
  ({
    wait: { type: "string", description: "How long to wait for /readyz: 30s, 2m, 0 = do not wait (default 60s or OPENCLAW_SERVICE_READY_TIMEOUT); exit 2 if still starting then" },
  }) as const satisfies ArgsDef;

/** Converts the shared flags and the CLI context into the service layer's options. */
export async function lifecycleOptions(ctx: CliContext, args: Record<string, unknown>): Promise<LifecycleOptions> {
  const { parseDuration } = await import("../../service/readiness.ts");
  const wait = typeof args.wait === "string" && args.wait !== "" ? args.wait : ctx.env.OPENCLAW_SERVICE_READY_TIMEOUT;
  let readyTimeoutMs: number | undefined;
  if (wait !== undefined && wait !== "") {
    try {
      readyTimeoutMs = parseDuration(wait, args.wait ? "--wait" : "OPENCLAW_SERVICE_READY_TIMEOUT");
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  }
  const json = Boolean(args.json);
  return {
    profile: ctx.profile,
    env: ctx.env,
    system: Boolean(args.system),
    readyTimeoutMs,
    // Keep stdout pure JSON under --json: progress goes to stderr then.
    onProgress: json ? (line) => ctx.err(line) : (line) => ctx.out(line),
  };
}

/** One line per result; `{}` is the service ("systemd unit openclaw-gateway.service"). */
const HEADLINES: Record<string, string> = {
  installed: "Installed {}",
  reinstalled: "Reinstalled {}",
  unchanged: "{} is already installed with the same settings (use --force to rewrite it)",
  "installed-startup-folder": "Installed a Startup-folder launcher for {}",
  uninstalled: "Uninstalled {}",
  "not-installed": "{} is not installed: nothing to do",
  started: "Started {}",
  "already-running": "{} is already running",
  stopped: "Stopped {}",
  "stopped-and-disabled": "Stopped and disabled {}",
  "already-stopped": "{} was not running",
  "already-stopped-and-disabled": "{} was not running; disabled it",
  restarted: "Restarted {}",
};

const KIND_WORDS: Record<string, string> = { systemd: "systemd unit", launchd: "LaunchAgent", schtasks: "scheduled task" };

/** Runs one lifecycle action and prints its report (text or --json); returns the exit code. */
export async function runLifecycle(ctx: CliContext, json: boolean, action: string, act: () => Promise<LifecycleReport>): Promise<number> {
  let report: LifecycleReport;
  try {
    report = await act();
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string; hint?: string };
    if (e?.name !== "ServiceError" && e?.name !== "ConfigError") throw error;
    if (json) {
      ctx.out(JSON.stringify({ ok: false, action, error: { code: e.code, message: e.message, hint: e.hint } }, null, 2));
      return 1;
    }
    throw new CliError(e.message ?? String(error), 1, e.hint);
  }
  const code = exitCode(report);
  if (json) {
    ctx.out(JSON.stringify(report, null, 2));
    return code;
  }
  const what = `${report.scope === "system" ? "system " : ""}${KIND_WORDS[report.manager]} ${report.name}`;
  ctx.out((HEADLINES[report.result] ?? `${report.result}: {}`).replace("{}", what));
  const rows: [string, string | undefined][] = [
    ["Definition", report.definitionPath],
    ["Command", report.execStart],
    ["Env file", report.envFile],
    ["PID", report.pid?.toString()],
  ];
  if (report.action === "install" || report.action === "uninstall") {
    for (const [label, value] of rows) if (value) ctx.out(`  ${`${label}:`.padEnd(12)}${value}`);
  } else if (report.pid) ctx.out(`  PID:        ${report.pid}`);
  const r = report.readiness;
  if (r?.state === "ready") ctx.out(`Gateway ready: ${r.url}`);
  else if (r?.state === "starting") ctx.out(`Gateway is still starting (${r.url} answered ${r.last ?? "nothing yet"}); it is not down.`);
  else if (r?.state === "not running") ctx.err(`Gateway is not running: ${r.url} answered ${r.last ?? "nothing"} and the supervisor reports it stopped.`);
  for (const warning of report.warnings) ctx.err(`Warning: ${warning}`);
  for (const hint of report.hints) ctx.out(`Hint: ${hint}`);
  return code;
}

/** 0 done (or ready), 2 still starting after the wait, 1 failed. */
function exitCode(report: LifecycleReport): number {
  if (!report.ok) return 1;
  return report.readiness?.state === "starting" ? 2 : 0;
}
