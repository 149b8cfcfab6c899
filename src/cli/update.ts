import { defineCommand } from "citty";
import { cliContext, CliError, type CliContext } from "./context.ts";

/** `openclaw update [--check] [--yes] [--channel]`: replace this single binary with the channel's latest release. */
export default defineCommand({
  meta: { name: "update", description: "Update this openclaw binary from the release folder (verified against SHA256SUMS)" },
  args: {
    check: { type: "boolean", description: "Only say whether an update is available (exit 0 either way)" },
    yes: { type: "boolean", alias: "y", description: "Do not ask before replacing the binary" },
    channel: { type: "string", description: "stable (default), beta or dev; else update.channel from config", valueHint: "channel" },
    restart: { type: "boolean", default: true, negativeDescription: "Do not restart the gateway service after the update" },
    json: { type: "boolean", description: "Print the result as JSON" },
  },
  async run(context) {
    const ctx = cliContext(context);
    const args = context.args;
    const { checkForUpdate } = await import("../update/check.ts");
    const { UpdateError } = await import("../update/release.ts");
    const json = Boolean(args.json);
    const say = json ? (line: string) => ctx.err(line) : (line: string) => ctx.out(line);
    let check;
    try {
      check = await checkForUpdate({ env: ctx.env, ...(await channelChoice(ctx, args.channel)) });
    } catch (error) {
      if (error instanceof UpdateError) throw new CliError(error.message);
      throw error;
    }
    const { manifest, ...status } = check;
    if (status.error) {
      if (json) ctx.out(JSON.stringify({ ok: false, ...status }, null, 2));
      throw new CliError(`update check failed: ${status.error.message}`, 1, `Release folder: ${status.baseUrl} (${status.baseUrlSource}).`);
    }
    if (!status.updateAvailable || !manifest) {
      if (json) ctx.out(JSON.stringify({ ok: true, action: "none", ...status }, null, 2));
      else ctx.out(`openclaw ${status.currentVersion} is up to date (${status.channel}: ${status.latestVersion})`);
      return 0;
    }
    if (args.check) {
      if (json) ctx.out(JSON.stringify({ ok: true, action: "available", ...status }, null, 2));
      else ctx.out(`Update available: ${status.currentVersion} → ${status.latestVersion} (${status.channel}); run \`openclaw update\``);
      return 0;
    }
    const { isCompiledBinary } = await import("../service/program.ts");
    if (!isCompiledBinary()) {
      throw new CliError("openclaw update replaces the compiled binary, but this is running from source", 1, "Pull and rebuild the checkout instead.");
    }
    const target = process.execPath;
    if (!args.yes && !(await confirm(`Replace ${target} (${status.currentVersion}) with ${status.latestVersion}? [y/N] `))) {
      throw new CliError("update not confirmed; nothing was changed", 1, "Pass --yes to update without asking.");
    }
    const { applyUpdate } = await import("../update/apply.ts");
    let applied;
    try {
      applied = await applyUpdate({ manifest, target, probeVersion, onProgress: say });
    } catch (error) {
      if (error instanceof UpdateError) throw new CliError(error.message);
      throw error;
    }
    say(`updated ${target} to ${status.latestVersion} (sha256 ${applied.sha256})`);
    const restarted = args.restart === false ? "skipped" : await restartIfSupervised(ctx, say);
    if (json) ctx.out(JSON.stringify({ ok: true, action: "updated", ...status, target, sha256: applied.sha256, restart: restarted }, null, 2));
    return 0;
  },
});

async function channelChoice(ctx: CliContext, flag: unknown): Promise<{ channel?: unknown; channelSource: string }> {
  if (typeof flag === "string") return { channel: flag, channelSource: "--channel" };
  const { loadConfig } = await import("../config/load.ts");
  const { resolveProfilePaths } = await import("../config/paths.ts");
  try {
    const config = loadConfig(resolveProfilePaths(ctx.profile, { env: ctx.env }), ctx.env).config as { update?: { channel?: unknown } };
    return { channel: config.update?.channel, channelSource: "update.channel" };
  } catch {
    // A broken config must not block the update that may fix it.
    return { channelSource: "update.channel" };
  }
}

/** Restarts the gateway service when one is installed and running; a foreground gateway is left to its operator. */
async function restartIfSupervised(ctx: CliContext, say: (line: string) => void): Promise<string> {
  const { readServiceStatus } = await import("../service/status.ts");
  let installed = false;
  let running = false;
  try {
    const status = await readServiceStatus({ profile: ctx.profile, env: ctx.env });
    installed = status.installed;
    running = status.runtime === "running";
  } catch (error) {
    say(`service status unavailable (${(error as Error).message}); restart the gateway yourself to run the new version`);
    return "unknown";
  }
  if (!installed || !running) {
    say(installed ? "the gateway service is not running; it starts the new version next time" : "no gateway service installed; restart any running gateway to use the new version");
    return installed ? "not-running" : "not-installed";
  }
  const { restartService } = await import("../service/lifecycle.ts");
  const report = await restartService({ profile: ctx.profile, env: ctx.env, onProgress: say });
  say(report.ok ? "restarted the gateway service on the new version" : `service restart failed: ${report.result}`);
  return report.ok ? "restarted" : "failed";
}

async function probeVersion(path: string): Promise<string> {
  const child = Bun.spawn([path, "--version"], { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    if (code !== 0) throw new Error(`exit ${code}: ${(stderr || stdout).trim().slice(0, 200)}`);
    return stdout;
  } finally {
    clearTimeout(timer);
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
