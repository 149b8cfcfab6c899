import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { createServiceContext, managerKind, type ServiceOptions } from "./context.ts";
import { readText } from "./files.ts";
import { serviceIdentity } from "./identity.ts";
import { parseLaunchdPlist } from "./launchd.ts";
import { parseSystemdUnit } from "./systemd-unit.ts";
import type { ManagerKind, ServiceContext } from "./types.ts";

/** A gateway-like service other than the current profile's own (best effort, for `status --deep`). */
export interface OtherService {
  manager: ManagerKind;
  scope: "user" | "system";
  name: string;
  path?: string;
  execStart?: string;
  port?: number;
  /** Why it was listed: another profile, a system-level service, a legacy label, … */
  reason: string;
  /** A command that removes it. */
  cleanup: string;
}

/** The heading `gateway status --deep` prints above the list. */
export const OTHER_SERVICES_HEADING = "Other gateway-like services detected (best effort)";

const LEGACY_LABEL = /^(ai\.openclaw\.|bot\.molt\.|com\.openclaw\.)/;

/** Scans user and system service folders (and Task Scheduler) for other gateway services. */
export async function scanOtherServices(opts: ServiceOptions): Promise<OtherService[]> {
  const ctx = createServiceContext(opts);
  const kind = managerKind({ ...opts, platform: ctx.platform });
  if (kind === "systemd") return scanSystemd(ctx);
  if (kind === "launchd") return scanLaunchd(ctx);
  return scanSchtasks(ctx);
}

function list(dir: string, suffix: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith(suffix)).sort();
  } catch {
    return [];
  }
}

function scanSystemd(ctx: ServiceContext): OtherService[] {
  const own = serviceIdentity(ctx.paths.profile).systemdUnit;
  const found: OtherService[] = [];
  for (const [dir, scope] of [[ctx.roots.systemdUserDir, "user"], [ctx.roots.systemdSystemDir, "system"]] as const) {
    for (const name of list(dir, ".service")) {
      const path = join(dir, name);
      const text = readText(path);
      if (text === undefined || !/openclaw|clawdbot|moltbot/i.test(name + text)) continue;
      const def = parseSystemdUnit(path, text);
      if (!def.program.includes("gateway") && !name.startsWith("openclaw")) continue;
      if (name === own && scope === (ctx.system ? "system" : "user")) continue;
      const profile = /^openclaw-gateway-(.+)\.service$/.exec(name)?.[1];
      const reason = scope === "system" ? "system-level unit" : profile ? `profile "${profile}"` : "gateway-like user unit";
      const cleanup =
        scope === "system"
          ? `sudo systemctl disable --now ${name} && sudo rm ${path} && sudo systemctl daemon-reload`
          : profile
            ? `openclaw --profile ${profile} gateway uninstall`
            : `systemctl --user disable --now ${name} && rm ${path} && systemctl --user daemon-reload`;
      found.push({ manager: "systemd", scope, name, path, execStart: def.execStart, port: def.port, reason, cleanup });
    }
  }
  return found;
}

function scanLaunchd(ctx: ServiceContext): OtherService[] {
  const own = serviceIdentity(ctx.paths.profile).launchdLabel;
  const found: OtherService[] = [];
  const dirs = [
    [ctx.roots.launchAgentsDir, "user", `gui/${ctx.uid}`],
    [ctx.roots.globalLaunchAgentsDir, "system", `gui/${ctx.uid}`],
    [ctx.roots.launchDaemonsDir, "system", "system"],
  ] as const;
  for (const [dir, scope, domain] of dirs) {
    for (const file of list(dir, ".plist")) {
      const label = basename(file, ".plist");
      const path = join(dir, file);
      const text = readText(path);
      if (text === undefined || !(LEGACY_LABEL.test(label) || /openclaw/i.test(text))) continue;
      if (label === own && dir === ctx.roots.launchAgentsDir) continue;
      const def = parseLaunchdPlist(path, text);
      const profile = /^ai\.openclaw\.(.+)$/.exec(label)?.[1];
      const reason = !LEGACY_LABEL.test(label) ? "gateway-like job" : !label.startsWith("ai.openclaw.") ? "legacy label" : scope === "system" ? "system-level job" : `profile "${profile}"`;
      const sudo = domain === "system" || scope === "system" ? "sudo " : "";
      const cleanup =
        scope === "user" && profile && reason.startsWith("profile")
          ? `openclaw --profile ${profile} gateway uninstall`
          : `${sudo}launchctl bootout ${domain}/${label}; ${sudo}rm ${path}`;
      found.push({ manager: "launchd", scope, name: label, path, execStart: def.execStart, port: def.port, reason, cleanup });
    }
  }
  return found;
}

async function scanSchtasks(ctx: ServiceContext): Promise<OtherService[]> {
  const own = serviceIdentity(ctx.paths.profile).taskName;
  const found: OtherService[] = [];
  const result = await ctx.run(["schtasks", "/Query", "/FO", "CSV", "/NH"]);
  if (result.code === 0) {
    for (const line of result.stdout.split(/\r?\n/)) {
      const name = /^"\\?([^"]+)"/.exec(line.trim())?.[1];
      if (!name || !/openclaw/i.test(name) || name === own || found.some((f) => f.name === name)) continue;
      const profile = /^OpenClaw Gateway \((.+)\)$/.exec(name)?.[1];
      found.push({
        manager: "schtasks",
        scope: "user",
        name,
        reason: profile ? `profile "${profile}"` : "gateway-like task",
        cleanup: profile ? `openclaw --profile ${profile} gateway uninstall` : `schtasks /Delete /TN "${name}" /F`,
      });
    }
  }
  for (const file of list(ctx.roots.startupDir, ".cmd")) {
    if (!/openclaw/i.test(file) || file === `${own}.cmd`) continue;
    const path = join(ctx.roots.startupDir, file);
    found.push({ manager: "schtasks", scope: "user", name: file, path, reason: "Startup-folder launcher", cleanup: `del "${path}"` });
  }
  return found;
}
