import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, type ConfigSnapshot } from "../config/load.ts";
import { resolveGatewaySettings } from "../config/resolve.ts";
import { readEnvFile } from "./env-file.ts";
import { fileMode } from "./files.ts";
import { serviceIdentity } from "./identity.ts";
import { createManager, createServiceContext, managerKind, type ServiceOptions } from "./context.ts";
import { resolveProgram } from "./program.ts";
import { buildServiceSpec } from "./spec.ts";
import type { InstalledDefinition, ManagerKind, Runtime, ServiceContext, ServiceManager } from "./types.ts";

/** The installed service as `gateway status` and `doctor` show it. */
export interface ServiceStatusReport {
  manager: ManagerKind;
  scope: "user" | "system";
  /** Unit name, launchd label or task name. */
  name: string;
  installed: boolean;
  runtime: Runtime;
  /** The supervisor's own words (`active/running`, `state = running`, `Status: Ready`). */
  detail?: string;
  /** The unit, plist, task XML or Startup launcher. */
  unitPath: string;
  execStart?: string;
  program?: string[];
  /** The `--port` the service starts the gateway with. */
  port?: number;
  /** The port the current config resolves to (what `install` would write). */
  configPort?: number;
  pid?: number;
  envFile?: string;
  /** launchd: where the job is loaded. */
  domain?: string;
  /** One line per difference between the installed service and what `install --force` would write. */
  drift: string[];
  /** `external` when OPENCLAW_SERVICE_REPAIR_POLICY=external: doctor must not rewrite the service. */
  repairPolicy: "auto" | "external";
  hints: string[];
  /** The supervisor could not be asked (e.g. no systemd user bus). */
  error?: string;
}

export interface StatusOptions extends ServiceOptions {
  /** What the service should run; default: the running binary (or bun + main.ts from source). */
  command?: string[];
  snapshot?: ConfigSnapshot;
}

/** `OPENCLAW_SERVICE_REPAIR_POLICY=external` means another tool owns the service definition. */
export function serviceRepairPolicy(env: Record<string, string | undefined>): "auto" | "external" {
  return env.OPENCLAW_SERVICE_REPAIR_POLICY === "external" ? "external" : "auto";
}

/** Reads the service from disk and from its supervisor, and lists drift (moved binary, changed port, …). */
export async function readServiceStatus(opts: StatusOptions): Promise<ServiceStatusReport> {
  const ctx = createServiceContext(opts);
  const manager = createManager(managerKind({ ...opts, platform: ctx.platform }), ctx);
  const def = manager.read();
  const state = await manager.status();
  const report: ServiceStatusReport = {
    manager: manager.kind,
    scope: ctx.system ? "system" : "user",
    name: manager.name,
    installed: state.installed || def !== undefined,
    runtime: state.runtime,
    detail: state.detail,
    unitPath: def?.path ?? manager.definitionPath,
    execStart: def?.execStart,
    program: def?.program,
    port: def?.port,
    pid: state.pid,
    envFile: def?.envFile,
    domain: state.domain,
    drift: [],
    repairPolicy: serviceRepairPolicy(ctx.env),
    hints: [],
    error: state.error,
  };
  if (report.installed && report.runtime === "not installed") report.runtime = "stopped";
  let snapshot = opts.snapshot;
  try {
    snapshot ??= loadConfig(ctx.paths, ctx.env);
    report.configPort = resolveGatewaySettings(snapshot, {}, ctx.env).port;
  } catch (error) {
    report.hints.push(`Config could not be read, so port drift was not checked: ${(error as Error).message.split("\n")[0]}`);
  }
  if (def) report.drift = findDrift(ctx, manager, def, opts.command, snapshot, report.configPort);
  if (manager.kind === "systemd" && !ctx.system && existsSync(join(ctx.roots.systemdSystemDir, serviceIdentity(ctx.paths.profile).systemdUnit))) {
    report.hints.push(`A system-level unit ${join(ctx.roots.systemdSystemDir, manager.name)} exists for this profile too; one gateway per profile/port.`);
  }
  if (report.drift.length > 0 && report.repairPolicy === "auto") report.hints.push("Run `openclaw gateway install --force` (or `openclaw doctor --fix`) to rewrite the service.");
  return report;
}

function findDrift(
  ctx: ServiceContext,
  manager: ServiceManager,
  def: InstalledDefinition,
  command: string[] | undefined,
  snapshot: ConfigSnapshot | undefined,
  configPort: number | undefined,
): string[] {
  const drift: string[] = [];
  const gatewayAt = def.program.indexOf("gateway");
  if (gatewayAt <= 0) return [`definition: ${def.path} has no readable gateway command; rewrite it with \`openclaw gateway install --force\``];
  const installedCommand = def.program.slice(0, gatewayAt);
  const binary = installedCommand[installedCommand.length - 1]!;
  if (!existsSync(installedCommand[0]!)) drift.push(`binary missing: the service runs ${installedCommand[0]}, which no longer exists (moved or upgraded?)`);
  else if (binary !== installedCommand[0] && !existsSync(binary)) drift.push(`entry missing: the service runs ${binary}, which no longer exists`);
  let expected = command;
  if (!expected) {
    try {
      expected = resolveProgram({ env: ctx.env }).command;
    } catch {
      expected = undefined;
    }
  }
  if (expected && expected.join("\0") !== installedCommand.join("\0")) {
    drift.push(`binary moved: the service runs ${installedCommand.join(" ")}, but this openclaw is ${expected.join(" ")}`);
  }
  if (configPort !== undefined && def.port !== undefined && def.port !== configPort) {
    drift.push(`port: the service starts the gateway with --port ${def.port}, but the config resolves port ${configPort}`);
  }
  if (manager.kind === "systemd" && !/^RestartPreventExitStatus=.*\b78\b/m.test(def.text)) {
    drift.push("restart policy: the unit lacks RestartPreventExitStatus=78, so a refused start (bad config, port taken) restarts forever");
  }
  if (manager.kind === "launchd" && /<key>KeepAlive<\/key>\s*<true\/>/.test(def.text)) {
    drift.push("restart policy: KeepAlive=true restarts even after a deliberate exit; it should be {SuccessfulExit: false}");
  }
  if (def.envFile) {
    const mode = fileMode(def.envFile);
    if (mode === undefined) drift.push(`env file missing: ${def.envFile}`);
    else if (mode !== 0o600) drift.push(`env file ${def.envFile} has mode ${mode.toString(8).padStart(4, "0")}; expected 0600 (it holds secrets)`);
    const token = readEnvFile(def.envFile).OPENCLAW_GATEWAY_TOKEN;
    const configToken = snapshot?.config.gateway?.auth?.token;
    if (token && configToken && token !== configToken) {
      drift.push("token: the service env file sets OPENCLAW_GATEWAY_TOKEN, which overrides a different gateway.auth.token in config");
    }
  }
  if (drift.length === 0 && def.path === manager.definitionPath && snapshot) {
    try {
      const { spec } = buildServiceSpec(ctx, { command: installedCommand, port: def.port, dev: def.program.includes("--dev"), snapshot });
      if (manager.render(spec) !== def.text) drift.push(`definition: ${def.path} differs from what this version of openclaw writes`);
    } catch {
      // A definition we cannot rebuild is reported by the checks above.
    }
  }
  return drift;
}
