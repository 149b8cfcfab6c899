import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, TICK_INTERVAL_MS } from "../protocol/constants.ts";
import { healthForBroadcast } from "./health-service.ts";
import type { GatewayCore } from "./runtime.ts";

/** Who the hello is for: decided by the handshake. */
export interface HelloSubject {
  connId: string;
  role: string;
  scopes: readonly string[];
  authMethod: string;
  /** Extra `auth` fields the device feature adds (deviceToken, issuedAtMs). */
  extra?: Record<string, unknown>;
}

// The parts of hello-ok that do not change per connection, serialized once: the features list per methods table
// (one per config generation), the health copy per health snapshot. A handshake then serializes only its own
// fields instead of ~150 method names and the health payload (BENCHMARKS.md: handshake p99 and memory per connection).
const featuresText = new WeakMap<object, { events: readonly string[]; text: string }>();
const healthText = new WeakMap<object, string>();
const SESSION_DEFAULTS_VALUE = {
  defaultAgentId: "main",
  modelConfigured: false,
  ownership: "sole",
  selectionRequired: false,
  mainKey: "main",
  mainSessionKey: "agent:main:main",
  scope: "per-sender",
} as const;
const SESSION_DEFAULTS = JSON.stringify(SESSION_DEFAULTS_VALUE);
const POLICY = JSON.stringify({ maxPayload: MAX_PAYLOAD_BYTES, maxBufferedBytes: MAX_BUFFERED_BYTES, tickIntervalMs: TICK_INTERVAL_MS });
// An object's members without its braces, for splicing ("" for an empty object).
const members = (value: Record<string, unknown>) => JSON.stringify(value).slice(1, -1);

/**
 * The `hello-ok` payload as JSON text, byte for byte `JSON.stringify(buildHello(…))` with the same arguments
 * (tests/gateway/hello-json.test.ts), built from the cached constant parts.
 */
export async function helloJson(core: GatewayCore, methods: Record<string, unknown>, events: readonly string[], subject: HelloSubject): Promise<string> {
  const snapshot = core.config();
  const admin = subject.scopes.includes("operator.admin");
  const payload = await core.health(false);
  let health = healthText.get(payload);
  if (health === undefined) healthText.set(payload, (health = JSON.stringify(healthForBroadcast(payload))));
  let features = featuresText.get(methods);
  if (features?.events !== events) featuresText.set(methods, (features = { events, text: JSON.stringify({ methods: Object.keys(methods), events, capabilities: [] }) }));
  const server = JSON.stringify({ version: core.version, buildId: core.buildId, bootId: core.bootId, connId: subject.connId });
  const extra = admin ? members({ configPath: snapshot.paths.configPath, stateDir: snapshot.paths.stateDir, authMode: core.auth.mode }) : "";
  const tail = members({ stateVersion: { ...core.stateVersion }, uptimeMs: Date.now() - core.startedAt, appliedConfigHash: snapshot.hash });
  const auth = JSON.stringify({ method: subject.authMethod, role: subject.role, scopes: subject.scopes, ...subject.extra });
  return (
    `{"type":"hello-ok","protocol":${JSON.stringify(PROTOCOL_VERSION)},"server":${server},"features":${features.text},` +
    `"snapshot":{"presence":${JSON.stringify(core.presence())},"health":${health},${tail},"sessionDefaults":${SESSION_DEFAULTS}${extra ? `,${extra}` : ""}},` +
    `"auth":${auth},"policy":${POLICY}}`
  );
}

/** hello-ok's fixed members; a feature's extras never replace them. */
const HELLO_MEMBERS = new Set(["type", "protocol", "server", "features", "snapshot", "auth", "policy"]);

/** Adds features' per-connection members (e.g. a node's capability URLs) to serialized hello-ok text. */
export function withExtraMembers(helloText: string, extras: Record<string, unknown>): string {
  const own = Object.fromEntries(Object.entries(extras).filter(([key, value]) => !HELLO_MEMBERS.has(key) && value !== undefined));
  return Object.keys(own).length === 0 ? helloText : `${helloText.slice(0, -1)},${members(own)}}`;
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
      sessionDefaults: { ...SESSION_DEFAULTS_VALUE },
      ...(admin ? { configPath: snapshot.paths.configPath, stateDir: snapshot.paths.stateDir, authMode: core.auth.mode } : {}),
    },
    auth: { method: subject.authMethod, role: subject.role, scopes: subject.scopes, ...subject.extra },
    policy: { maxPayload: MAX_PAYLOAD_BYTES, maxBufferedBytes: MAX_BUFFERED_BYTES, tickIntervalMs: TICK_INTERVAL_MS },
  };
}
