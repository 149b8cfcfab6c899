import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, TICK_INTERVAL_MS } from "../protocol/constants.ts";
import { healthForBroadcast } from "./health-service.ts";
import type { GatewayCore } from "./runtime.ts";

/** Who the hello is for: decided by the handshake. */
export interface HelloSubject {
  connId: string;
  role: string;
  scopes: string[];
  authMethod: string;
  /** Extra `auth` fields the device feature adds (deviceToken, issuedAtMs). */
  extra?: Record<string, unknown>;
}

/**
 * Builds the `hello-ok` payload with every field the schema requires filled from real state (spec §2.5).
 * `features.methods` is exactly the implemented methods: a client discovers what it may call.
 */
export async function buildHello(core: GatewayCore, methods: readonly string[], events: readonly string[], subject: HelloSubject): Promise<Record<string, unknown>> {
  const snapshot = core.config();
  const admin = subject.scopes.includes("operator.admin");
  const health = healthForBroadcast(await core.health(false));
  return {
    type: "hello-ok",
    protocol: PROTOCOL_VERSION,
    server: { version: core.version, buildId: core.buildId, bootId: core.bootId, connId: subject.connId },
    features: { methods, events, capabilities: [] },
    snapshot: {
      presence: core.presence(),
      health,
      stateVersion: { ...core.stateVersion },
      uptimeMs: Date.now() - core.startedAt,
      appliedConfigHash: snapshot.hash,
      sessionDefaults: {
        defaultAgentId: "main",
        modelConfigured: false,
        ownership: "sole",
        selectionRequired: false,
        mainKey: "main",
        mainSessionKey: "agent:main:main",
        scope: "per-sender",
      },
      ...(admin ? { configPath: snapshot.paths.configPath, stateDir: snapshot.paths.stateDir, authMode: core.auth.mode } : {}),
    },
    auth: { method: subject.authMethod, role: subject.role, scopes: subject.scopes, ...subject.extra },
    policy: { maxPayload: MAX_PAYLOAD_BYTES, maxBufferedBytes: MAX_BUFFERED_BYTES, tickIntervalMs: TICK_INTERVAL_MS },
  };
}
