import { hostname, platform, release } from "node:os";
import { join } from "node:path";
import type { ConfigSnapshot } from "../config/load.ts";
import { planReload } from "../config/reload-plan.ts";
import { PING_INTERVAL_MS, TICK_INTERVAL_MS } from "../protocol/constants.ts";
import type { AutomationsSummary, EventLoopStats, GatewayRuntime, PresenceEntry, RestartTicket, SecretsReloadResult } from "../methods/types.ts";
import { AuthThrottle } from "../surface/auth-throttle.ts";
import type { AuthSettings } from "../surface/auth.ts";
import type { BroadcastOptions, ClientView, GatewayView } from "../surface/types.ts";
import { EventLoopMonitor } from "./event-loop.ts";
import { HealthService, healthForBroadcast } from "./health-service.ts";
import type { GatewayPhase } from "./http-routes.ts";
import type { ServerLogger } from "./logger-port.ts";

/** What the runtime needs to reach one connected client. */
export interface ClientLink extends ClientView {
  /** Sends one event; the payload arrives already serialized so a broadcast stringifies it once. */
  sendEvent(event: string, payloadJson: string, stateVersion?: { presence: number; health: number }): void;
  ping(): void;
  close(code: number, reason: string): void;
  presence?: PresenceEntry;
}

/** Hooks the starter gives the runtime for actions that reach beyond state (rebinding, exiting). */
export interface RuntimeHooks {
  restart(reason: string): void;
  /** A new snapshot was adopted: re-derive what depends on it (auth secrets, log levels). */
  applied(snapshot: ConfigSnapshot): void;
  /** Why the gateway could not run on this snapshot (the start guards a restart applies), else undefined. */
  vet(snapshot: ConfigSnapshot): string | undefined;
  logFile(): string;
  /** `secrets.reload`: owned by the gateway, which holds the snapshot and the auth it feeds. */
  reloadSecrets(): Promise<SecretsReloadResult>;
}

/** The gateway's shared state: config snapshot, clients, presence, health and reload decisions. */
export class GatewayCore implements GatewayRuntime, GatewayView {
  readonly version: string;
  readonly buildId: string;
  readonly bootId = crypto.randomUUID();
  readonly startedAt = Date.now();
  readonly env: Record<string, string | undefined>;
  readonly throttle: AuthThrottle;
  readonly eventLoopMonitor = new EventLoopMonitor();
  readonly healthService: HealthService;
  readonly clients = new Map<string, ClientLink>();
  /**
   * The presence entries of connected clients, by connId in connection order: most clients (CLI, backend) have
   * none, and every handshake reads the list, so it is kept beside `clients` instead of filtered out of all of them.
   */
  readonly #presenceOf = new Map<string, PresenceEntry>();
  readonly stateVersion = { presence: 1, health: 1 };
  phase: GatewayPhase = "starting";
  auth: AuthSettings;
  #snapshot: ConfigSnapshot;
  #selfPresence: PresenceEntry;
  #hooks: RuntimeHooks;
  #log: ServerLogger;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingRestart: string | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #tickTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: {
    version: string;
    buildId?: string;
    snapshot: ConfigSnapshot;
    auth: AuthSettings;
    env: Record<string, string | undefined>;
    hooks: RuntimeHooks;
    logger: ServerLogger;
  }) {
    this.version = options.version;
    this.buildId = options.buildId ?? options.version;
    this.#snapshot = options.snapshot;
    this.auth = options.auth;
    this.env = options.env;
    this.#hooks = options.hooks;
    this.#log = options.logger;
    this.throttle = new AuthThrottle(options.snapshot.config.gateway?.auth?.rateLimit);
    const host = hostname();
    this.#selfPresence = {
      host,
      version: this.version,
      platform: `${platform()} ${release()}`,
      deviceFamily: deviceFamily(),
      mode: "gateway",
      reason: "self",
      instanceId: this.bootId,
      text: `Gateway: ${host} · app ${this.version} · mode gateway · reason self`,
      ts: Date.now(),
    };
    this.healthService = new HealthService(this, (payload) => {
      this.stateVersion.health++;
      this.broadcast("health", healthForBroadcast(payload), { stateVersion: true });
    });
  }

  config(): ConfigSnapshot {
    return this.#snapshot;
  }

  eventLoop(): EventLoopStats {
    return this.eventLoopMonitor.stats();
  }

  async health(refresh: boolean): Promise<Record<string, unknown>> {
    return refresh ? this.healthService.refresh() : this.healthService.current();
  }

  logFile(): string {
    return this.#hooks.logFile();
  }

  presence(): PresenceEntry[] {
    return [{ ...this.#selfPresence, ts: Date.now() }, ...this.#presenceOf.values()];
  }

  /** Set by the feature that owns sessions (agents); without it there are none. */
  sessionsSource: (() => { path: string; count: number }) | undefined;

  /** Set by the feature that runs heartbeats and system events (automations). */
  automationsSource: (() => AutomationsSummary) | undefined;
  /** Set by the feature that owns channels; without it none are linked. */
  channelsSource: (() => { channels: Record<string, unknown>; labels: Record<string, string> }) | undefined;

  summary() {
    let sessions = { path: join(this.#snapshot.paths.stateDir, "sessions", "sessions.sqlite"), count: 0 };
    try {
      sessions = this.sessionsSource?.() ?? sessions;
    } catch (error) {
      this.#log.warn(`session count unavailable: ${(error as Error).message}`);
    }
    let automations: AutomationsSummary | undefined;
    try {
      automations = this.automationsSource?.();
    } catch (error) {
      this.#log.warn(`heartbeat summary unavailable: ${(error as Error).message}`);
    }
    let linked: { channels: Record<string, unknown>; labels: Record<string, string> } = { channels: {}, labels: {} };
    try {
      linked = this.channelsSource?.() ?? linked;
    } catch (error) {
      this.#log.warn(`channel summary unavailable: ${(error as Error).message}`);
    }
    return { sessions, channels: linked.channels, channelLabels: linked.labels, automations };
  }

  /**
   * Sends an event to every client a filter admits; the payload is serialized once, and not at all when no
   * client is admitted (an event nobody may read costs nothing). Per-connection seq is the link's job.
   */
  broadcast(event: string, payload: unknown, options: BroadcastOptions & { stateVersion?: boolean } = {}): void {
    const { filter } = options;
    if (!this.hasClient(filter)) return;
    const json = JSON.stringify(payload ?? null);
    const stateVersion = options.stateVersion ? { ...this.stateVersion } : undefined;
    for (const client of this.clients.values()) {
      if (filter && !filter(client)) continue;
      client.sendEvent(event, json, stateVersion);
    }
  }

  sendTo(connId: string, event: string, payload: unknown): boolean {
    const client = this.clients.get(connId);
    if (!client) return false;
    client.sendEvent(event, JSON.stringify(payload ?? null));
    return true;
  }

  disconnect(filter: (client: ClientView) => boolean, code: number, reason: string): number {
    const picked = [...this.clients.values()].filter(filter);
    for (const client of picked) client.close(code, reason);
    return picked.length;
  }

  /** Told about every admitted client and its departure (set by the starter to reach the mounted surfaces). */
  clientListener: { connected(client: ClientView): void; disconnected(client: ClientView): void } | undefined;

  hasClient(filter?: (client: ClientView) => boolean): boolean {
    if (!filter) return this.clients.size > 0;
    for (const client of this.clients.values()) if (filter(client)) return true;
    return false;
  }

  /** Starts the gateway's clocks: WS pings every 25 s, `tick` every 30 s, health refresh, event-loop sampling. */
  startTimers(): void {
    this.eventLoopMonitor.start();
    this.healthService.start();
    this.#pingTimer = setInterval(() => {
      for (const client of this.clients.values()) client.ping();
    }, PING_INTERVAL_MS);
    // OPENCLAW_TICK_INTERVAL_MS shortens the tick for tests (the Control UI browser test); hello still advertises 30 s.
    const tickMs = Number(this.env.OPENCLAW_TICK_INTERVAL_MS);
    this.#tickTimer = setInterval(() => this.broadcast("tick", { ts: Date.now() }), Number.isFinite(tickMs) && tickMs > 0 ? tickMs : TICK_INTERVAL_MS);
  }

  /** Registers a client after hello; UI and node clients also enter presence (cli/probe/backend do not). */
  addClient(link: ClientLink): void {
    this.clients.set(link.connId, link);
    if (link.presence) {
      this.#presenceOf.set(link.connId, link.presence);
      this.#presenceChanged();
    }
    this.clientListener?.connected(link);
  }

  removeClient(connId: string): void {
    const link = this.clients.get(connId);
    this.clients.delete(connId);
    if (this.#presenceOf.delete(connId)) this.#presenceChanged();
    if (link) this.clientListener?.disconnected(link);
  }

  #presenceChanged(): void {
    this.stateVersion.presence++;
    this.broadcast("presence", { presence: this.presence() }, { stateVersion: true });
  }

  /** Swaps in a new valid snapshot and decides, per the reload plan and mode, whether to restart. */
  adoptConfig(next: ConfigSnapshot, origin: string): { restartRequired: boolean; changedPaths: string[]; refused?: string } {
    const plan = planReload(this.#snapshot, next);
    const changedPaths = plan.changes.map((c) => c.path);
    if (changedPaths.length === 0) {
      this.#snapshot = next;
      return { restartRequired: false, changedPaths };
    }
    // All or nothing: a snapshot the gateway could not restart into is refused before any part of it applies.
    const refused = this.#hooks.vet(next);
    if (refused) {
      this.#log.error(`config change refused (${origin}): ${refused}; still serving the last good config`);
      return { restartRequired: false, changedPaths: [], refused };
    }
    const mode = next.config.gateway?.reload?.mode ?? this.#snapshot.config.gateway?.reload?.mode ?? "hybrid";
    this.#snapshot = next;
    this.throttle.reconfigure(next.config.gateway?.auth?.rateLimit);
    this.#hooks.applied(next);
    this.#log.info(`config changed (${origin}): ${changedPaths.join(", ")}`, { mode, restartPaths: plan.restartPaths });
    const restart = (plan.restartRequired && (mode === "hybrid" || mode === "restart")) || mode === "restart";
    if (restart && origin !== "file:off") this.requestRestart(`config change: ${plan.restartPaths.join(", ") || changedPaths.join(", ")}`, 0);
    else if (plan.restartRequired) this.#log.warn(`restart required to apply ${plan.restartPaths.join(", ")} (gateway.reload.mode=${mode})`);
    return { restartRequired: plan.restartRequired, changedPaths };
  }

  reloadSecrets(): Promise<SecretsReloadResult> {
    return this.#hooks.reloadSecrets();
  }

  /** Schedules one in-process restart; requests arriving while one is pending coalesce into it. */
  requestRestart(reason: string, delayMs = 0): RestartTicket {
    if (this.#pendingRestart !== undefined) return { ok: true, scheduled: true, reason: this.#pendingRestart, delayMs, coalesced: true };
    this.#pendingRestart = reason;
    this.#restartTimer = setTimeout(() => {
      this.#pendingRestart = undefined;
      this.#hooks.restart(reason);
    }, delayMs);
    return { ok: true, scheduled: true, reason, delayMs, coalesced: false };
  }

  /** Stops timers owned by the runtime (the starter closes sockets and listeners). */
  dispose(): void {
    clearTimeout(this.#restartTimer);
    clearInterval(this.#pingTimer);
    clearInterval(this.#tickTimer);
    this.healthService.stop();
    this.eventLoopMonitor.stop();
  }
}

function deviceFamily(): string {
  switch (process.platform) {
    case "darwin":
      return "Mac";
    case "win32":
      return "Windows";
    default:
      return "Linux";
  }
}
