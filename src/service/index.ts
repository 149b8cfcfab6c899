// Service supervision: one module per supervisor (systemd, launchd, schtasks) behind ServiceManager.
export * from "./types.ts";
export { createServiceContext, createManager, managerKind, type ServiceOptions } from "./context.ts";
export { installService, uninstallService, startService, stopService, restartService, type LifecycleOptions, type LifecycleReport } from "./lifecycle.ts";
export { readServiceStatus, serviceRepairPolicy, type ServiceStatusReport, type StatusOptions } from "./status.ts";
export { scanOtherServices, OTHER_SERVICES_HEADING, type OtherService } from "./scan.ts";
export { buildServiceSpec, type SpecInputs } from "./spec.ts";
export { applyServiceEnvFile, serviceEnvPath, parseEnvFile, renderEnvFile } from "./env-file.ts";
export { serviceIdentity } from "./identity.ts";
export { resolveProgram, isCompiledBinary, gatewayArgs } from "./program.ts";
export { waitForReady, parseDuration, DEFAULT_READY_TIMEOUT_MS, type Readiness, type ReadinessResult } from "./readiness.ts";
export { createRunner } from "./runner.ts";
export { exposeViaTailscale, TailscaleError, type TailscaleExposure, type TailscaleOptions } from "./tailscale.ts";
