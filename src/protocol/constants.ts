// Protocol v4 constants, as the reference gateway sends and enforces them (spec §7).

export const PROTOCOL_VERSION = 4;
/** The lowest protocol a probe-mode client may offer; its range must still include PROTOCOL_VERSION. */
export const MIN_PROBE_PROTOCOL_VERSION = 3;

/** Largest frame after hello; Bun closes bigger ones with 1009 (spec §1). */
export const MAX_PAYLOAD_BYTES = 26_214_400;
/** Largest frame before hello. */
export const MAX_PREAUTH_PAYLOAD_BYTES = 65_536;
/**
 * What a connection may hold before hello-ok: frames pipelined behind `connect` while it is decided (a failed
 * secret waits out its back-off there). Past either bound the socket closes (1008 count, 1009 bytes).
 */
export const MAX_PREAUTH_QUEUED_FRAMES = 16;
export const MAX_PREAUTH_QUEUED_BYTES = MAX_PREAUTH_PAYLOAD_BYTES;
/** Requests one connection may have in flight; more are answered UNAVAILABLE (retryable) at once. */
export const MAX_INFLIGHT_REQUESTS = 256;
/** A client with more than this queued for sending is closed 1008 "slow consumer". */
export const MAX_BUFFERED_BYTES = 52_428_800;

export const TICK_INTERVAL_MS = 30_000;
export const PING_INTERVAL_MS = 25_000;
export const HANDSHAKE_TIMEOUT_MS = 15_000;
export const HEALTH_REFRESH_INTERVAL_MS = 60_000;

/** Idempotency keys of side-effecting methods are remembered this long, at most DEDUPE_MAX of them. */
export const DEDUPE_TTL_MS = 300_000;
export const DEDUPE_MAX = 1000;

/** Close codes the server uses (spec §3.4). */
export const CLOSE = Object.freeze({
  normal: 1000,
  protocolError: 1002,
  policy: 1008,
  tooBig: 1009,
  serviceRestart: 1012,
  tryAgainLater: 1013,
});

/** Allowed `client.id` values of ConnectParams (spec §2.2). */
export const CLIENT_IDS = [
  "webchat-ui",
  "openclaw-control-ui",
  "openclaw-browser-copilot",
  "openclaw-tui",
  "webchat",
  "cli",
  "gateway-client",
  "openclaw-macos",
  "openclaw-linux",
  "openclaw-ios",
  "openclaw-watchos",
  "openclaw-android",
  "node-host",
  "openclaw-worker",
  "test",
  "fingerprint",
  "openclaw-probe",
] as const;

/** Allowed `client.mode` values of ConnectParams. */
export const CLIENT_MODES = ["webchat", "cli", "ui", "backend", "node", "worker", "probe", "test"] as const;

/** Every operator scope; the reference CLI asks for all of them when it does not know a method. */
export const OPERATOR_SCOPES = [
  "operator.admin",
  "operator.read",
  "operator.write",
  "operator.approvals",
  "operator.questions",
  "operator.pairing",
  "operator.talk.secrets",
] as const;

/** Events this gateway emits; `hello-ok.features.events` lists exactly these. */
export const GATEWAY_EVENTS = ["connect.challenge", "tick", "health", "presence", "shutdown", "heartbeat"] as const;
