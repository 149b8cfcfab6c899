import { loadConfig, type ConfigSnapshot } from "../config/load.ts";
import { describeRef, findSecretRefs, type SecretSnapshot } from "../config/secret-ref.ts";
import { logSettled, resolveOwners, type SecretState, type Settled } from "./secret-owners.ts";
import type { SecretsReloadResult } from "../methods/types.ts";
import { sweepStaleTempFiles } from "../config/write.ts";
import { existsSync } from "node:fs";
import { createGatewayLogger, type GatewayLogger } from "../logging/index.ts";
import { allMethods, SIDE_EFFECT_METHODS } from "../methods/index.ts";
import { sleep } from "../platform/sleep.ts";
import { CLOSE, GATEWAY_EVENTS } from "../protocol/constants.ts";
import type { HelloView, Surface } from "../surface/types.ts";
import { wsUrlFor } from "./bind.ts";
import { watchConfigFile, type ConfigWatch } from "./config-watcher.ts";
import { GatewayConnection, type ConnectionDeps } from "./connection.ts";
import { IdempotencyCache } from "./dedupe.ts";
import { createHttpHandler } from "./http.ts";
import { staticProbes } from "./http-routes.ts";
import { openListeners, type Listeners } from "./listen.ts";
import { acquireStateLock, LockError, type StateLock } from "./lock.ts";
import type { GatewayOptions } from "./options.ts";
import { GatewayCore } from "./runtime.ts";
import { resolveStartSettings, type StartSettings } from "./settings.ts";
import { GatewayStartError } from "./start-errors.ts";
import { applyHot, handshakeTimeout, keepGeneratedToken, loadOrRefuse, loggerOptions, resolveOrRefuse, takeOverPort } from "./start-helpers.ts";
import { loadTlsForStart, readTlsMaterial, servedTls, type TlsMaterial } from "./tls.ts";

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
  /** The certificate served now (renewals replace it), undefined for plain HTTP. */
  tls: TlsMaterial | undefined;
  tlsWatch: ConfigWatch[];
}

/** Starts the gateway: guards, lock, listeners, timers, config watch. Throws GatewayStartError on refusal. */
export async function startGateway(options: GatewayOptions): Promise<GatewayHandle> {
  const overrides = { ...options.overrides, allowUnconfigured: options.allowUnconfigured };
  const snapshot = loadOrRefuse(options);
  // Temp files of a config write killed mid-way hold every secret; the next start removes them.
  sweepStaleTempFiles(snapshot.paths.configPath);
  // SecretRefs resolve once, here, into the runtime snapshot; request paths only ever read it.
  const initial = await resolveOrRefuse(snapshot, options.env);
  // The published secrets: swapped whole by a reload; every reader goes through `secrets` (its values).
  let state: SecretState = initial.state;
  let secrets: SecretSnapshot = state.values;
  const publish = (settled: Extract<Settled, { ok: true }>) => {
    logSettled(logger, settled);
    state = settled.state;
    secrets = state.values;
  };
  const settings = resolveStartSettings(snapshot, { ...overrides, secrets }, options.env);
  const logger = options.logger ?? createGatewayLogger({ ...loggerOptions(snapshot, options), subsystem: "gateway" });
  for (const secret of [settings.auth.token, settings.auth.password]) if (secret) logger.redact(secret);
  logSettled(logger, initial);

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
          applyHot(core, next, start, logger, secrets);
          for (const surface of surfaces) void guard(logger, `${surface.name} config change`, () => surface.configChanged?.(next));
        },
        vet: (next) => vetRestart(next),
        logFile: () => logger.file(),
        reloadSecrets: () => reloadSecrets(core),
      },
    });
    const wsLogger = logger.child("ws");
    let listeners: Listeners | undefined;
    const generation = { tls: loadTlsForStart(config.config.gateway?.tls, config.paths.stateDir) };
    if (generation.tls) {
      const how = generation.tls.generated ? "generated self-signed" : "from";
      logger.info(`TLS on: ${how} ${generation.tls.certPath} (sha256 ${generation.tls.sha256})`);
    }
    const surfaces: Surface[] = (options.features ?? noFeatures)({
      core,
      logger,
      bind: start.bind,
      auth: () => core.auth,
      port: () => listeners?.port ?? start.port,
      env: options.env,
      secret: (path) => secrets.get(path),
      tls: () => (generation.tls ? servedTls(generation.tls) : undefined),
      rawStreamPath: options.rawStreamPath,
    });
    const methods = Object.assign(allMethods(), ...surfaces.map((s) => s.methods ?? {}));
    const events = [...new Set([...GATEWAY_EVENTS, ...surfaces.flatMap((s) => s.events ?? [])])];
    const sessions = surfaces.find((s) => s.sessions);
    const admitter = surfaces.find((s) => s.admit);
    const greeters = surfaces.filter((s) => s.helloExtras);
    const helloExtras = greeters.length === 0 ? undefined : (view: HelloView) => {
      const extras: Record<string, unknown> = {};
      for (const s of greeters) {
        try {
          Object.assign(extras, s.helloExtras!(view));
        } catch (error) {
          logger.warn(`${s.name} helloExtras failed: ${(error as Error).message}`);
        }
      }
      return extras;
    };
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
    const automations = surfaces.find((s) => s.automations);
    if (automations?.automations) core.automationsSource = () => automations.automations!();
    const channels = surfaces.find((s) => s.channels);
    if (channels?.channels) core.channelsSource = () => channels.channels!();
    const sideEffects = new Set([...SIDE_EFFECT_METHODS, ...surfaces.flatMap((s) => s.sideEffectMethods ?? [])]);
    // One deps object for every connection: built per connection it cost an object and a closure per idle client.
    const connectionDeps: ConnectionDeps = {
      core,
      methods,
      events,
      dedupe,
      sideEffects,
      log: wsLogger,
      wsLog: options.wsLog ?? "auto",
      handshakeTimeoutMs: handshakeTimeout(options.env),
      admit: admitter?.admit ? (handshake) => admitter.admit!(handshake) : undefined,
      helloExtras,
    };
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
        connect: (socket, upgrade) => new GatewayConnection(socket, upgrade, connectionDeps),
      },
      // ::1 is best effort: a host without IPv6 still serves 127.0.0.1.
      start.bind.hosts.filter((host) => host === "::1"),
      generation.tls,
    );
    core.startTimers();
    core.phase = "ready";
    const watch = watchConfigFile(config.paths.configPath, config.config.gateway?.reload?.debounceMs ?? 300, () => onFileChange(core));
    for (const surface of surfaces) void guard(logger, `${surface.name} start`, () => surface.start?.());
    const result: Generation = { core, listeners, settings: start, watch, surfaces, tls: generation.tls, tlsWatch: [] };
    if (generation.tls) {
      const served = generation.tls;
      const renew = () => renewTls(result, (tls) => (generation.tls = tls));
      result.tlsWatch = [served.certPath, served.keyPath, ...(served.caPath ? [served.caPath] : [])].map((file) => watchConfigFile(file, 200, renew));
    }
    return result;
  };

  /** The config file changed on disk: adopt a valid one per the reload mode; an invalid one keeps the last good. */
  const onFileChange = (core: GatewayCore) => {
    const mode = core.config().config.gateway?.reload?.mode ?? "hybrid";
    if (mode === "off") return;
    const paths = core.config().paths;
    // A deleted file would load as defaults (`{}`): that is no edit anyone meant, so it changes nothing.
    if (!existsSync(paths.configPath)) {
      logger.error(`config reload rejected: ${paths.configPath} no longer exists; still serving the last good config`);
      return;
    }
    let next: ConfigSnapshot;
    try {
      next = loadConfig(paths, options.env);
    } catch (error) {
      // The error's message already names file:line:col where it has one.
      logger.error(`config reload rejected: ${(error as Error).message}; still serving the last good config`);
      return;
    }
    if (next.hash === core.config().hash) return;
    if (findSecretRefs(next.config).length === 0) {
      core.adoptConfig(next, "file");
      return;
    }
    // Refs in the new file resolve first; a failure keeps the last good config and snapshot.
    void resolveOwners(next.config as Record<string, unknown>, options.env, state).then((fresh) => {
      if (!fresh.ok) {
        logger.error(`config reload rejected: ${fresh.errors.map((e) => e.message).join("; ")}; still serving the last good config`);
        return;
      }
      publish(fresh);
      core.adoptConfig(next, "file");
    });
  };

  /** `secrets.reload`: resolve the active config's refs again and swap the snapshot whole, or change nothing. */
  const reloadSecrets = async (core: GatewayCore): Promise<SecretsReloadResult> => {
    const config = core.config();
    const fresh = await resolveOwners(config.config as Record<string, unknown>, options.env, state);
    if (!fresh.ok) {
      const errors = fresh.errors.map((e) => ({ path: e.path, ref: describeRef(e.ref), message: e.message }));
      logger.error(`secrets reload failed, keeping the last good snapshot: ${errors.map((e) => e.message).join("; ")}`);
      return { ok: false, errors };
    }
    const next = fresh.state.values;
    const changedPaths = [...new Set([...next.keys(), ...secrets.keys()])].filter((path) => secrets.get(path) !== next.get(path));
    publish(fresh);
    applyHot(core, config, current.settings, logger, secrets);
    for (const surface of current.surfaces) void guard(logger, `${surface.name} secrets change`, () => surface.secretsChanged?.());
    logger.info(`secrets reloaded: ${fresh.refs} ref(s); changed: ${changedPaths.join(", ") || "none"}; ${fresh.warnings.length} warning(s)`);
    return { ok: true, refs: fresh.refs, changedPaths, loadedAt: Date.now(), warningCount: fresh.warnings.length, warnings: fresh.warnings };
  };

  /** Why a restart into `next` would be refused (the start guards), or undefined: a refused config applies nothing. */
  const vetRestart = (next: ConfigSnapshot): string | undefined => {
    try {
      resolveStartSettings(next, { ...overrides, secrets }, options.env);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  /** A certificate file changed: serve the new pair once it is complete and valid, else keep the current one. */
  const renewTls = (generation: Generation, adopt: (tls: TlsMaterial) => void) => {
    const served = generation.tls;
    if (!served || generation.core.phase !== "ready") return;
    if ((generation.core.config().config.gateway?.reload?.mode ?? "hybrid") === "off") return;
    let next: TlsMaterial;
    try {
      next = readTlsMaterial(served);
    } catch (error) {
      logger.error(`TLS renewal skipped, still serving sha256 ${served.sha256}: ${(error as Error).message}`);
      return;
    }
    if (next.sha256 === served.sha256 && next.key === served.key && next.ca === served.ca) return;
    next = { ...next, generated: served.generated };
    try {
      generation.listeners.renewTls(next);
    } catch (error) {
      logger.error(`TLS renewal failed to re-listen: ${(error as Error).message}`);
      return;
    }
    generation.tls = next;
    adopt(next);
    logger.info(`serving a renewed TLS certificate (sha256 ${next.sha256}, valid to ${next.validTo})`);
    const view = servedTls(next);
    for (const surface of generation.surfaces) void guard(logger, `${surface.name} TLS renewal`, () => surface.tlsRenewed?.(view));
  };

  current = open(snapshot, settings);

  const close = async (generation: Generation, reason: string, event: Record<string, unknown>) => {
    generation.core.phase = "draining";
    generation.watch.close();
    for (const watch of generation.tlsWatch) watch.close();
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
      return current.listeners.hosts.map((host) => wsUrlFor(host, current.listeners.port, current.tls !== undefined));
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
        const fresh = await resolveOwners(next.config as Record<string, unknown>, options.env, state);
        if (!fresh.ok) {
          logger.error(`restart refused, still serving: ${fresh.errors.map((e) => e.message).join("; ")}`);
          return;
        }
        publish(fresh);
        let nextSettings: StartSettings;
        try {
          nextSettings = resolveStartSettings(next, { ...overrides, secrets }, options.env);
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
