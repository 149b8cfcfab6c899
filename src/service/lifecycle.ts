import { createManager, createServiceContext, managerKind, type ServiceOptions } from "./context.ts";
import { DEFAULT_READY_TIMEOUT_MS, waitForReady, type ReadinessResult } from "./readiness.ts";
import { buildServiceSpec, type SpecInputs } from "./spec.ts";
import type { ActionOutcome, ManagerKind, ServiceManager } from "./types.ts";

/** Options of the lifecycle actions: the service options plus the readiness wait. */
export interface LifecycleOptions extends ServiceOptions {
  /** Budget for `/readyz` after install/start/restart (default 60 s; 0 skips the wait). */
  readyTimeoutMs?: number;
  /** Told what the command waits for. */
  onProgress?: (line: string) => void;
  fetch?: typeof fetch;
}

/** What an action did; the same shape for every action so `--json` output is uniform. */
export interface LifecycleReport {
  ok: boolean;
  action: "install" | "uninstall" | "start" | "stop" | "restart";
  manager: ManagerKind;
  scope: "user" | "system";
  /** Unit name, launchd label or task name. */
  name: string;
  definitionPath: string;
  result: string;
  execStart?: string;
  port?: number;
  envFile?: string;
  pid?: number;
  readiness?: ReadinessResult;
  hints: string[];
  warnings: string[];
}

function setup(opts: LifecycleOptions) {
  const ctx = createServiceContext(opts);
  const kind = managerKind({ ...opts, platform: ctx.platform });
  return { ctx, manager: createManager(kind, ctx) };
}

function report(action: LifecycleReport["action"], manager: ServiceManager, system: boolean, outcome: ActionOutcome): LifecycleReport {
  const def = manager.read();
  return {
    ok: true,
    action,
    manager: manager.kind,
    scope: system ? "system" : "user",
    name: manager.name,
    definitionPath: def?.path ?? manager.definitionPath,
    result: outcome.result,
    execStart: def?.execStart,
    port: def?.port,
    envFile: def?.envFile,
    pid: outcome.pid,
    hints: outcome.hints,
    warnings: outcome.warnings,
  };
}

/** Waits for `/readyz` when the action left the gateway meant to run; a slow start is "starting". */
async function withReadiness(r: LifecycleReport, manager: ServiceManager, outcome: ActionOutcome, opts: LifecycleOptions): Promise<LifecycleReport> {
  // `--wait 0`: the caller asked not to wait, so there is nothing to report about readiness.
  if (!outcome.expectRunning || r.port === undefined || opts.readyTimeoutMs === 0) return r;
  r.readiness = await waitForReady({
    port: r.port,
    timeoutMs: opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    onWait: opts.onProgress,
    fetch: opts.fetch,
    supervisorRunning: async () => {
      const state = await manager.status();
      return state.runtime === "unknown" ? undefined : state.runtime === "running";
    },
  });
  if (r.readiness.state === "not running") {
    r.ok = false;
    r.hints.push("The supervisor reports the gateway is not running: check its logs (`journalctl --user -u <unit>`, the logs/ folder of the state dir, or Task Scheduler's history).");
  } else if (r.readiness.state === "starting") {
    r.hints.push("The gateway is still starting; check again with `openclaw gateway status`.");
  }
  return r;
}

/** `gateway install`: writes the definition and env file, registers and starts the service, waits for ready. */
export async function installService(opts: LifecycleOptions & SpecInputs & { force?: boolean }): Promise<LifecycleReport> {
  const { ctx, manager } = setup(opts);
  const { spec, warnings } = buildServiceSpec(ctx, opts);
  const outcome = await manager.install(spec, { force: Boolean(opts.force) });
  if (manager.kind === "schtasks" && Object.keys(spec.env).length > 0) {
    outcome.warnings.push(`A scheduled task cannot carry environment variables: ${Object.keys(spec.env).join(", ")} will not reach the service.`);
  }
  const r = report("install", manager, ctx.system, { ...outcome, warnings: [...warnings, ...outcome.warnings] });
  return withReadiness(r, manager, outcome, opts);
}

/** `gateway uninstall`: stops and unregisters the service, removes the definition and the env file. */
export async function uninstallService(opts: LifecycleOptions): Promise<LifecycleReport> {
  const { ctx, manager } = setup(opts);
  const before = manager.read();
  const outcome = await manager.uninstall();
  const r = report("uninstall", manager, ctx.system, outcome);
  return { ...r, execStart: before?.execStart, port: before?.port, envFile: before?.envFile };
}

/** `gateway start`: idempotent; leaves a running service alone. */
export async function startService(opts: LifecycleOptions): Promise<LifecycleReport> {
  const { ctx, manager } = setup(opts);
  const outcome = await manager.start();
  return withReadiness(report("start", manager, ctx.system, outcome), manager, outcome, opts);
}

/** `gateway stop [--disable]`: returns once the process has exited. */
export async function stopService(opts: LifecycleOptions & { disable?: boolean }): Promise<LifecycleReport> {
  const { ctx, manager } = setup(opts);
  const outcome = await manager.stop({ disable: Boolean(opts.disable) });
  return report("stop", manager, ctx.system, outcome);
}

/** `gateway restart`: the supervisor's own restart, then the readiness wait. */
export async function restartService(opts: LifecycleOptions): Promise<LifecycleReport> {
  const { ctx, manager } = setup(opts);
  const outcome = await manager.restart();
  return withReadiness(report("restart", manager, ctx.system, outcome), manager, outcome, opts);
}
