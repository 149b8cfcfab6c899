// What supervises the gateway, as `gateway status`, `openclaw status` and `doctor` report it: the installed
// launchd/systemd/schtasks service read through src/service (`readServiceStatus`), plus the gateway's own
// lock file (<stateDir>/gateway.lock, written by the server), which tells whether a gateway process runs
// at all (also one started by hand, outside any supervisor).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { OtherService } from "../../service/scan.ts";
import type { ServiceStatusReport } from "../../service/status.ts";

export type ServiceRuntimeStatus = "running" | "stopped" | "not installed" | "unknown";

/** The service section of `gateway status --json` / `status --json`; every key is always present. */
export interface ServiceView {
  installed: boolean;
  /** Human state: "not installed", "running", "stopped", "unknown", or "unavailable" (no supervisor here). */
  state: string;
  /** systemd | launchd | schtasks, or null when no supervisor could be picked for this platform. */
  manager: string | null;
  scope: "user" | "system" | null;
  /** Unit name, launchd label or task name. */
  name: string | null;
  /** From the supervisor, separate from the connectivity probe. */
  runtime: { status: ServiceRuntimeStatus; pid: number | null; detail: string | null };
  /** The unit, plist, task XML or Startup launcher (where it is, or would be, written). */
  unitPath: string | null;
  execStart: string | null;
  /** The `--port` the service starts the gateway with. */
  port: number | null;
  /** The port the current config resolves to. */
  configPort: number | null;
  envFile: string | null;
  /** One line per difference between the installed service and what `gateway install --force` writes. */
  drift: string[];
  repairPolicy: "auto" | "external";
  hints: string[];
  /** The supervisor could not be asked, or there is none on this platform. */
  error: string | null;
}

export interface ServiceViewOptions {
  profile: string | undefined;
  env: Record<string, string | undefined>;
  /** Upper bound for each supervisor command (systemctl, launchctl, schtasks). */
  timeoutMs?: number;
}

/** Reads the installed service and its supervisor's state; never throws (problems land in `error`). */
export async function readServiceView(options: ServiceViewOptions): Promise<ServiceView> {
  try {
    const [{ createRunner }, { readServiceStatus }] = await Promise.all([import("../../service/runner.ts"), import("../../service/status.ts")]);
    const run = createRunner(options.env, Math.max(1000, options.timeoutMs ?? 10_000));
    return fromStatus(await readServiceStatus({ profile: options.profile, env: options.env, run }));
  } catch (error) {
    const e = error as { message?: string; hint?: string };
    return {
      ...EMPTY,
      state: "unavailable",
      runtime: { status: "unknown", pid: null, detail: null },
      error: String(e?.message ?? error),
      hints: e?.hint ? [e.hint] : [],
    };
  }
}

const EMPTY: ServiceView = {
  installed: false,
  state: "not installed",
  manager: null,
  scope: null,
  name: null,
  runtime: { status: "not installed", pid: null, detail: null },
  unitPath: null,
  execStart: null,
  port: null,
  configPort: null,
  envFile: null,
  drift: [],
  repairPolicy: "auto",
  hints: [],
  error: null,
};

function fromStatus(status: ServiceStatusReport): ServiceView {
  return {
    installed: status.installed,
    state: status.installed ? status.runtime : "not installed",
    manager: status.manager,
    scope: status.scope,
    name: status.name,
    runtime: { status: status.installed ? status.runtime : "not installed", pid: status.pid ?? null, detail: status.detail ?? null },
    unitPath: status.unitPath,
    execStart: status.execStart ?? null,
    port: status.port ?? null,
    configPort: status.configPort ?? null,
    envFile: status.envFile ?? null,
    drift: status.drift,
    repairPolicy: status.repairPolicy,
    hints: status.hints,
    error: status.error ?? null,
  };
}

const KIND_WORDS: Record<string, string> = { systemd: "systemd unit", launchd: "LaunchAgent", schtasks: "scheduled task" };

/** `systemd unit openclaw-gateway.service`, `system systemd unit …`, `LaunchAgent ai.openclaw.gateway`. */
export function describeService(view: Pick<ServiceView, "manager" | "scope" | "name">): string {
  if (!view.manager) return "service";
  return `${view.scope === "system" ? "system " : ""}${KIND_WORDS[view.manager] ?? view.manager} ${view.name ?? ""}`.trim();
}

/** `running (pid 123, active/running (enabled))`, `stopped`, `not installed`. */
export function describeRuntime(runtime: ServiceView["runtime"]): string {
  const extra = [runtime.pid ? `pid ${runtime.pid}` : null, runtime.detail].filter(Boolean);
  return `${runtime.status}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}

/** `--deep`: other gateway-like services (other profiles, system-level units, legacy labels); never throws. */
export async function scanOtherGatewayServices(options: ServiceViewOptions): Promise<{ heading: string; services: OtherService[]; error: string | null }> {
  const [{ createRunner }, { OTHER_SERVICES_HEADING, scanOtherServices }] = await Promise.all([import("../../service/runner.ts"), import("../../service/scan.ts")]);
  try {
    const run = createRunner(options.env, Math.max(1000, options.timeoutMs ?? 10_000));
    return { heading: OTHER_SERVICES_HEADING, services: await scanOtherServices({ profile: options.profile, env: options.env, run }), error: null };
  } catch (error) {
    return { heading: OTHER_SERVICES_HEADING, services: [], error: (error as Error).message };
  }
}

export interface GatewayProcess {
  lockFile: string;
  pid: number;
  port: number | null;
  startedAt: string | null;
  alive: boolean;
}

/** The gateway process that holds this profile's state-dir lock, if a lock file exists. */
export function readGatewayLock(stateDir: string): GatewayProcess | null {
  const lockFile = join(stateDir, "gateway.lock");
  try {
    const owner = JSON.parse(readFileSync(lockFile, "utf8")) as { pid?: unknown; port?: unknown; startedAt?: unknown };
    if (typeof owner.pid !== "number") return null;
    return {
      lockFile,
      pid: owner.pid,
      port: typeof owner.port === "number" ? owner.port : null,
      startedAt: typeof owner.startedAt === "string" ? owner.startedAt : null,
      alive: isAlive(owner.pid),
    };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
