import type { ConfigSnapshot } from "../config/load.ts";

/** Event-loop health as the reference reports it in `health`, `status` and `/readyz`. */
export interface EventLoopStats {
  degraded: boolean;
  degradedSinceMs: number | null;
  reasons: string[];
  intervalMs: number;
  delayP99Ms: number;
  delayMaxMs: number;
  utilization: number;
  cpuCoreRatio: number;
  /** Where the CPU went: main thread, worker threads, the runtime's other threads, and the whole host. */
  cpuBreakdown?: { mainThreadCoreRatio?: number; workerCoreRatio?: number; otherThreadsCoreRatio?: number; hostUtilization?: number; hostCpuCount?: number };
}

/** One entry of `system-presence` (spec §3.3); the gateway's own entry has `reason: "self"`. */
export interface PresenceEntry {
  host: string;
  ip?: string;
  version: string;
  platform: string;
  deviceFamily?: string;
  mode: string;
  reason: string;
  instanceId?: string;
  clientId?: string;
  deviceId?: string;
  roles?: string[];
  scopes?: string[];
  onlineSince?: number;
  text: string;
  ts: number;
}

/** Outcome of asking for an in-process restart. */
export interface RestartTicket {
  ok: true;
  scheduled: boolean;
  reason: string;
  delayMs: number;
  coalesced: boolean;
}

/** What RPC methods may see and do on the running gateway; the server implements it. */
export interface GatewayRuntime {
  readonly version: string;
  readonly bootId: string;
  readonly startedAt: number;
  config(): ConfigSnapshot;
  env: Record<string, string | undefined>;
  presence(): PresenceEntry[];
  eventLoop(): EventLoopStats;
  /** The cached health payload; `refresh` recomputes and broadcasts it first. */
  health(refresh: boolean): Promise<Record<string, unknown>>;
  /** The log file being written now (for `logs.tail`). */
  logFile(): string;
  /** Applies a freshly written config snapshot (hot-apply or restart per the reload plan). */
  adoptConfig(snapshot: ConfigSnapshot, origin: string): { restartRequired: boolean; changedPaths: string[]; refused?: string };
  requestRestart(reason: string, delayMs?: number): RestartTicket;
  /** Re-resolves every SecretRef and swaps the runtime snapshot; a failure keeps the last good one. */
  reloadSecrets(): Promise<SecretsReloadResult>;
  /** Counts of what exists now, for `health`/`status` (sessions and channels arrive with later features). */
  summary(): { sessions: { path: string; count: number }; channels: Record<string, unknown>; channelLabels: Record<string, string>; automations?: AutomationsSummary };
}

/** One agent's heartbeat as `health` reports it (the reference's shape). */
export interface HeartbeatSummary {
  agentId: string;
  enabled: boolean;
  every: string;
  everyMs: number | null;
  prompt: string;
  target: string;
  ackMaxChars: number;
  model?: string;
  session?: string;
}

/** What the automations feature tells `health`/`status`: heartbeats per agent and the queued system events. */
export interface AutomationsSummary {
  defaultAgentId: string;
  heartbeats: HeartbeatSummary[];
  /** Texts queued on the agents' main sessions, oldest first, until a turn takes them. */
  queuedSystemEvents: string[];
}

/** Outcome of `secrets.reload`: paths only, never values. */
/** A model-provider or channel ref that failed while the rest published: `stale` keeps its last good value, `cold` has none. */
export interface SecretOwnerWarning {
  path: string;
  state: "stale" | "cold";
  message: string;
}

export type SecretsReloadResult =
  | { ok: true; refs: number; changedPaths: string[]; loadedAt: number; warningCount: number; warnings: SecretOwnerWarning[] }
  | { ok: false; errors: { path: string; ref: string; message: string }[] };

/** The caller of one request, after the handshake. */
export interface CallerInfo {
  connId: string;
  clientId: string;
  mode: string;
  role: string;
  scopes: readonly string[];
  /** The verified device id when the client signed a device identity (a node's id is its device id). */
  deviceId?: string;
  /** How the handshake authenticated it (`token`, `password`, `device-token`, …); device management keys on it. */
  authMethod?: string;
}

/** Everything a method handler gets besides its params. */
export interface MethodContext {
  gateway: GatewayRuntime;
  caller: CallerInfo;
  /**
   * Two-phase methods (`agent`): sends an early `res` for this request id (e.g. `{status:"accepted"}`);
   * the handler's return value then goes out as the final `res` with the same id.
   */
  interim?(payload: unknown): void;
  /**
   * The request's `idempotencyKey` for a side-effect method (the server dedupes on it and strips it from
   * params); a handler echoes it (`send` answers `runId`) or requires it.
   */
  idempotencyKey?: string;
}

/** A method implementation: validate params, act, return the payload (or throw GatewayError). */
export type MethodHandler = (params: unknown, ctx: MethodContext) => unknown | Promise<unknown>;

/** A family of methods exported by one file under `src/methods/`. */
export type MethodFamily = Record<string, MethodHandler>;

/** True when the caller holds `operator.admin` (it satisfies every scope). */
export function isAdmin(caller: CallerInfo): boolean {
  return caller.scopes.includes("operator.admin");
}
