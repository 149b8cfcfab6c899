import { ConfigError } from "../config/errors.ts";
import { loadConfig, type ConfigSnapshot } from "../config/load.ts";
import { createGatewayLogger, type GatewayLogger, type GatewayLoggerOptions } from "../logging/index.ts";
import { allMethods } from "../methods/index.ts";
import { sleep } from "../platform/sleep.ts";
import { CLOSE, GATEWAY_EVENTS, HANDSHAKE_TIMEOUT_MS } from "../protocol/constants.ts";
import type { Surface } from "../surface/types.ts";
import { wsUrlFor } from "./bind.ts";
import { watchConfigFile, type ConfigWatch } from "./config-watcher.ts";
import { GatewayConnection } from "./connection.ts";
import { IdempotencyCache } from "./dedupe.ts";
import { createHttpHandler } from "./http.ts";
import { staticProbes } from "./http-routes.ts";
import { openListeners, type Listeners } from "./listen.ts";
import { acquireStateLock, LockError, type StateLock } from "./lock.ts";
import { findListeningPids, stopProcess } from "./port-owner.ts";
import type { GatewayOptions } from "./options.ts";
import { GatewayCore } from "./runtime.ts";
import { resolveStartSettings, type StartSettings } from "./settings.ts";
import { GatewayStartError } from "./start-errors.ts";

/** A running gateway. */
export interface GatewayHandle {
  readonly port: number;
  readonly hosts: readonly string[];
  readonly urls: readonly string[];
  /** Set when no secret was configured on loopback and a one-run token was generated. */
  readonly generatedToken: string | undefined;
  readonly core: GatewayCore;
  readonly logger: GatewayLogger;
  /** In-process restart: re-read config, rebind, keep the process (SIGUSR1, `gateway.restart.request`). */
  restart(reason: string): Promise<void>;
  /** Graceful stop: readiness 503, `shutdown` to every client, close 1012, release the lock. */
  stop(reason?: string): Promise<void>;
  /** Resolves with the exit code once the gateway has stopped for good. */
  readonly stopped: Promise<number>;
}

/** One generation of the server: a core and its listeners, replaced whole on restart. */
interface Generation {
  core: GatewayCore;
  listeners: Listeners;
  settings: StartSettings;
  watch: ConfigWatch;
  surfaces: Surface[];
}

/** Starts the gateway: guards, lock, listeners, timers, config watch. Throws GatewayStartError on refusal. */
export async function startGateway(options: GatewayOptions): Promise<GatewayHandle> {
  const overrides = { ...options.overrides, allowUnconfigured: options.allowUnconfigured };
  const snapshot = loadOrRefuse(options);
  const settings = resolveStartSettings(snapshot, overrides, options.env);
  const logger = options.logger ?? createGatewayLogger({ ...loggerOptions(snapshot, options), subsystem: "gateway" });
  for (const secret of [settings.auth.token, settings.auth.password]) if (secret) logger.redact(secret);

  if (options.force) await takeOverPort(settings.port, logger);
  let lock: StateLock;
  try {
    lock = acquireStateLock(snapshot.paths.stateDir, { port: settings.port });
  } catch (error) {
    if (error instanceof LockError) throw new GatewayStartError("state-locked", error.message, "Use --profile for a second gateway on this machine.");
    throw error;
  }

  const dedupe = new IdempotencyCache();
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  let current: Generation;
  let stopping: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;

  const open = (config: ConfigSnapshot, start: StartSettings): Generation => {
    const core: GatewayCore = new GatewayCore({
      version: options.version,
      buildId: options.buildId,
      snapshot: config,
      auth: start.auth,
      env: options.env,
      logger: logger.child("gateway"),
      hooks: {
        restart: (reason) => void handle.restart(reason),
        applied: (next) => {
          applyHot(core, next, start, logger);
          for (const surface of surfaces) void guard(logger, `${surface.name} config change`, () => surface.configChanged?.(next));
        },
        vet: (next) => vetRestart(next),
        logFile: () => logger.file(),
      },
    });
    const wsLogger = logger.child("ws");
    let listeners: Listeners | undefined;
    const surfaces: Surface[] = (options.features ?? noFeatures)({
      core,
      logger,
      bind: start.bind,
      auth: () => core.auth,
      port: () => listeners?.port ?? start.port,
      env: options.env,
      rawStreamPath: options.rawStreamPath,
    });
    const methods = Object.assign(allMethods(), ...surfaces.map((s) => s.methods ?? {}));
    const events = [...new Set([...GATEWAY_EVENTS, ...surfaces.flatMap((s) => s.events ?? [])])];
    const sessions = surfaces.find((s) => s.sessions);
    const admitter = surfaces.find((s) => s.admit);
    const watchers = surfaces.filter((s) => s.clientConnected || s.clientDisconnected);
    if (watchers.length > 0) {
      const each = (what: string, call: (s: Surface) => void) => {
        for (const s of watchers) {
          try {
            call(s);
          } catch (error) {
            logger.warn(`${s.name} ${what} failed: ${(error as Error).message}`);
          }
        }
      };
      core.clientListener = {
        connected: (client) => each("clientConnected", (s) => s.clientConnected?.(client)),
        disconnected: (client) => each("clientDisconnected", (s) => s.clientDisconnected?.(client)),
      };
    }
    if (sessions?.sessions) core.sessionsSource = () => sessions.sessions!();
    listeners = openListeners(
      start.bind.hosts,
      start.port,
      {
        http: createHttpHandler({
          phase: () => core.phase,
          uptimeMs: () => Date.now() - core.startedAt,
          version: options.version,
          eventLoop: () => core.eventLoop(),
        }, surfaces.flatMap((s) => (s.http ? [s.http] : []))),
        staticGets: staticProbes(),
        connect: (socket, upgrade) =>
          new GatewayConnection(socket, upgrade, {
            core,
            methods,
            events,
            dedupe,
            log: wsLogger,
            wsLog: options.wsLog ?? "auto",
            handshakeTimeoutMs: handshakeTimeout(options.env),
            admit: admitter?.admit ? (handshake) => admitter.admit!(handshake) : undefined,
          }),
      },
      // ::1 is best effort: a host without IPv6 still serves 127.0.0.1.
      start.bind.hosts.filter((host) => host === "::1"),
    );
    core.startTimers();
    core.phase = "ready";
    const watch = watchConfigFile(config.paths.configPath, config.config.gateway?.reload?.debounceMs ?? 300, () => onFileChange(core));
    for (const surface of surfaces) void guard(logger, `${surface.name} start`, () => surface.start?.());
    return { core, listeners, settings: start, watch, surfaces };
  };

  /** The config file changed on disk: adopt a valid one per the reload mode; an invalid one keeps the last good. */
  const onFileChange = (core: GatewayCore) => {
    const mode = core.config().config.gateway?.reload?.mode ?? "hybrid";
    if (mode === "off") return;
    let next: ConfigSnapshot;
    try {
      next = loadConfig(core.config().paths, options.env);
    } catch (error) {
      const where = error instanceof ConfigError && error.line ? ` at ${error.file}:${error.line}:${error.column}` : "";
      logger.error(`config reload rejected${where}: ${(error as Error).message}; still serving the last good config`);
      return;
    }
    if (next.hash === core.config().hash) return;
    core.adoptConfig(next, "file");
  };

  /** Why a restart into `next` would be refused (the start guards), or undefined: a refused config applies nothing. */
  const vetRestart = (next: ConfigSnapshot): string | undefined => {
    try {
      resolveStartSettings(next, overrides, options.env);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  current = open(snapshot, settings);

  const close = async (generation: Generation, reason: string, event: Record<string, unknown>) => {
    generation.core.phase = "draining";
    generation.watch.close();
    await Promise.all(generation.surfaces.map((surface) => guard(logger, `${surface.name} stop`, () => surface.stop?.())));
    generation.core.broadcast("shutdown", event);
    // Give the shutdown event a moment on the wire before the close frame (reference: ~20 ms).
    await sleep(20);
    for (const client of [...generation.core.clients.values()]) client.close(CLOSE.serviceRestart, "service restart");
    generation.listeners.stop();
    generation.core.dispose();
    logger.info(`gateway stopped listening (${reason})`);
  };

  const handle: GatewayHandle = {
    get port() {
      return current.listeners.port;
    },
    get hosts() {
      return current.listeners.hosts;
    },
    get urls() {
      return current.listeners.hosts.map((host) => wsUrlFor(host, current.listeners.port));
    },
    get generatedToken() {
      return current.settings.generatedToken;
    },
    get core() {
      return current.core;
    },
    logger,
    restart(reason) {
      if (stopping) return stopping;
      restarting ??= (async () => {
        logger.info(`restarting in process: ${reason}`);
        let next = current.core.config();
        try {
          next = loadConfig(next.paths, options.env);
        } catch (error) {
          logger.error(`restart keeps the last good config: ${(error as Error).message}`);
        }
        let nextSettings: StartSettings;
        try {
          nextSettings = resolveStartSettings(next, overrides, options.env);
          // A one-run token survives the restart, or every client would lose access.
          if (nextSettings.generatedToken && current.settings.generatedToken) {
            nextSettings = keepGeneratedToken(nextSettings, current.settings.generatedToken);
          }
        } catch (error) {
          logger.error(`restart refused, still serving: ${(error as Error).message}`);
          return;
        }
        for (const secret of [nextSettings.auth.token, nextSettings.auth.password]) if (secret) logger.redact(secret);
        const previous = current;
        await close(previous, reason, { reason: "gateway restarting", restartExpectedMs: 1000 });
        try {
          current = open(next, nextSettings);
        } catch (error) {
          logger.error(`restart failed to listen: ${(error as Error).message}; reopening the previous listener`);
          current = open(previous.core.config(), previous.settings);
        }
        logger.info(`listening on ${handle.urls.join(", ")}`);
      })().finally(() => (restarting = undefined));
      return restarting;
    },
    stop(reason = "gateway stopping") {
      stopping ??= (async () => {
        await restarting;
        await close(current, reason, { reason });
        lock.release();
        logger.close();
        resolveStopped(0);
      })();
      return stopping;
    },
    stopped,
  };
  logger.info(`listening on ${handle.urls.join(", ")}`);
  return handle;
}

const noFeatures = (): Surface[] => [];

/** Runs an optional feature's hook; its failure is logged and never takes the gateway down. */
async function guard(logger: GatewayLogger, what: string, action: () => unknown): Promise<void> {
  try {
    await action();
  } catch (error) {
    logger.error(`${what} failed: ${(error as Error)?.message ?? String(error)}`);
  }
}

function loadOrRefuse(options: GatewayOptions): ConfigSnapshot {
  try {
    return loadConfig(options.paths, options.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new GatewayStartError("config-invalid", `invalid config: ${error.message}`, "Fix it, then check with `openclaw config validate`.");
    }
    throw error;
  }
}

function loggerOptions(snapshot: ConfigSnapshot, options: GatewayOptions): GatewayLoggerOptions {
  const logging = snapshot.config.logging ?? {};
  return {
    file: logging.file,
    level: logging.level as GatewayLoggerOptions["level"],
    consoleLevel: options.verbose ? "debug" : (logging.consoleLevel as GatewayLoggerOptions["consoleLevel"]),
    consoleStyle: logging.consoleStyle,
    retentionDays: logging.retentionDays,
    maxFileBytes: logging.maxFileBytes,
    color: options.color,
    consoleSubsystemFilter: options.consoleSubsystemFilter,
    console: options.console,
  };
}

/** Hot-safe changes that need more than the new snapshot: secrets and log levels. */
function applyHot(core: GatewayCore, next: ConfigSnapshot, start: StartSettings, logger: GatewayLogger): void {
  const auth = next.config.gateway?.auth;
  if (start.secretSource === "config" || start.secretSource === "generated") {
    if (auth?.token && core.auth.mode === "token") core.auth = { ...core.auth, token: auth.token };
    if (auth?.password && core.auth.mode === "password") core.auth = { ...core.auth, password: auth.password };
  }
  for (const secret of [core.auth.token, core.auth.password]) if (secret) logger.redact(secret);
  const logging = next.config.logging ?? {};
  logger.reconfigure({ level: logging.level as GatewayLoggerOptions["level"], retentionDays: logging.retentionDays, maxFileBytes: logging.maxFileBytes });
}

function keepGeneratedToken(settings: StartSettings, token: string): StartSettings {
  return { ...settings, generatedToken: token, auth: { ...settings.auth, token } };
}

async function takeOverPort(port: number, logger: GatewayLogger): Promise<void> {
  const pids = (await findListeningPids(port)).filter((pid) => pid !== process.pid);
  for (const pid of pids) {
    logger.warn(`--force: stopping pid ${pid} listening on port ${port}`);
    if (!(await stopProcess(pid))) throw new GatewayStartError("port-in-use", `--force could not stop pid ${pid} on port ${port}`);
  }
}

function handshakeTimeout(env: Record<string, string | undefined>): number {
  const raised = Number(env.OPENCLAW_HANDSHAKE_TIMEOUT_MS);
  return Number.isFinite(raised) && raised > 0 ? raised : HANDSHAKE_TIMEOUT_MS;
}
