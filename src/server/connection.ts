import { authenticateConnect, type AuthFailure, type AuthOutcome } from "./auth.ts";
import { askAdmission } from "./admission.ts";
import { grantedScopes, presenceEntry } from "./grant.ts";
import { authorize } from "./authorize.ts";
import { sleep } from "../platform/sleep.ts";
import type { IdempotencyCache } from "./dedupe.ts";
import { helloJson, withExtraMembers } from "./hello.ts";
import type { ConnectionHandler, UpgradeInfo, WireSocket } from "./listen.ts";
import type { ServerLogger } from "./logger-port.ts";
import { isOriginAllowed } from "./origin.ts";
import type { GatewayCore } from "./runtime.ts";
import { ConnectedClient, type ClientOutlet } from "./client-link.ts";
import { sharedDeclaration, sharedScopes } from "./shared-facts.ts";
import { SIDE_EFFECT_METHODS } from "../methods/index.ts";
import type { CallerInfo, MethodHandler } from "../methods/types.ts";
import type { Admission, DeviceHandshake, HelloView } from "../surface/types.ts";
import { parseConnectParams, type ConnectParams } from "../protocol/connect.ts";
import {
  CLOSE,
  MAX_BUFFERED_BYTES,
  MAX_INFLIGHT_REQUESTS,
  MAX_PREAUTH_PAYLOAD_BYTES,
  MAX_PREAUTH_QUEUED_BYTES,
  MAX_PREAUTH_QUEUED_FRAMES,
  MIN_PROBE_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
} from "../protocol/constants.ts";
import { exceedsJsonDepth } from "../protocol/json-depth.ts";
import { GatewayError, type ErrorShape } from "../protocol/errors.ts";
import { checkRequestFrame, eventFrame, responseFrame, SerializedPayload, type RequestFrame } from "../protocol/frames.ts";

/** What every connection shares: the gateway state, the method table and the logger. */
export interface ConnectionDeps {
  core: GatewayCore;
  methods: Readonly<Record<string, MethodHandler>>;
  /** `hello-ok.features.events`: the core's plus those of the mounted surfaces. */
  events: readonly string[];
  dedupe: IdempotencyCache;
  /** Methods deduped by idempotencyKey: the core's SIDE_EFFECT_METHODS plus those surfaces declare. */
  sideEffects?: ReadonlySet<string>;
  log: ServerLogger;
  /** `full` logs every frame, `compact` one line per request, `auto` compact at debug level. */
  wsLog: "auto" | "full" | "compact";
  handshakeTimeoutMs: number;
  /** The device feature's decision on a connect with a device proof (Surface.admit); absent in the bare core. */
  admit?: (handshake: DeviceHandshake) => Promise<Admission>;
  /** Top-level hello-ok fields the mounted surfaces add for this connection (Surface.helloExtras). */
  helloExtras?: (view: HelloView) => Record<string, unknown>;
}

type State = "handshake" | "authenticating" | "open" | "closed";
const NO_HEADERS: Record<string, string> = Object.freeze(Object.create(null));
// One decoder for every binary frame: decode() without `stream` keeps no state between calls.
const UTF8 = new TextDecoder();

/**
 * One WebSocket client through its life: challenge → connect (validate, negotiate, check origin and auth)
 * → hello-ok → requests and events. Transport-agnostic: it sees only a WireSocket (style habit 8).
 */
export class GatewayConnection implements ConnectionHandler, ClientOutlet {
  readonly connId = crypto.randomUUID();
  #state: State = "handshake";
  #socket: WireSocket;
  #upgrade: UpgradeInfo;
  #deps: ConnectionDeps;
  #seq = 0;
  #caller: ConnectedClient | undefined;
  /** Frames pipelined behind `connect` while it is being decided; run after hello (spec §3.1). Bounded; made on first use. */
  #pipelined: string[] | undefined;
  #pipelinedBytes = 0;
  #inflight = 0;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The challenge nonce; cleared at hello, when nothing reads it any more. */
  #nonce: string = crypto.randomUUID();

  constructor(socket: WireSocket, upgrade: UpgradeInfo, deps: ConnectionDeps) {
    this.#socket = socket;
    this.#upgrade = upgrade;
    this.#deps = deps;
    socket.send(eventFrame("connect.challenge", { nonce: this.#nonce, ts: Date.now() }));
    this.#handshakeTimer = setTimeout(() => {
      deps.log.debug("handshake timeout", { connId: this.connId, remote: upgrade.remoteAddress });
      this.#close(CLOSE.normal, "");
    }, deps.handshakeTimeoutMs);
  }

  onMessage(data: string | Uint8Array): void {
    if (this.#state === "closed") return;
    // A binary frame carrying JSON is accepted exactly like text (spec §1).
    const text = typeof data === "string" ? data : UTF8.decode(data);
    if (this.#state !== "open") {
      const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
      if (bytes > MAX_PREAUTH_PAYLOAD_BYTES) return this.#close(CLOSE.tooBig, "");
      if (this.#state === "authenticating") return this.#holdUntilHello(text, bytes);
      // Decided from here on: frames arriving while connect is checked queue instead of starting a second handshake.
      this.#state = "authenticating";
      void this.#handshake(text);
      return;
    }
    if (this.#inflight >= MAX_INFLIGHT_REQUESTS) return this.#busy(text);
    this.#inflight++;
    void this.#request(text).finally(() => this.#inflight--);
  }

  /** Queues a frame behind `connect`; a client that floods before hello is closed, never buffered without bound. */
  #holdUntilHello(text: string, bytes: number): void {
    this.#pipelinedBytes += bytes;
    const queue = (this.#pipelined ??= []);
    if (queue.length >= MAX_PREAUTH_QUEUED_FRAMES) return this.#close(CLOSE.policy, "too many frames before hello");
    if (this.#pipelinedBytes > MAX_PREAUTH_QUEUED_BYTES) return this.#close(CLOSE.tooBig, "too much data before hello");
    queue.push(text);
  }

  /** Over the in-flight bound: answer at once (when the frame has an id) instead of queueing more work. */
  #busy(text: string): void {
    const id = /"id"\s*:\s*"([^"\\]{1,128})"/.exec(text.slice(0, 512))?.[1];
    if (id === undefined) return;
    const error = { code: "UNAVAILABLE", message: `too many requests in flight (limit ${MAX_INFLIGHT_REQUESTS})`, retryable: true, retryAfterMs: 100 };
    this.#send(responseFrame(id, { ok: false, error }));
  }

  onClose(): void {
    if (this.#state === "closed") return;
    const wasOpen = this.#state === "open";
    this.#state = "closed";
    clearTimeout(this.#handshakeTimer);
    if (wasOpen) this.#deps.core.removeClient(this.connId);
  }

  // ---- handshake -------------------------------------------------------------------------------------

  async #handshake(text: string): Promise<void> {
    if (exceedsJsonDepth(text)) return this.#close(CLOSE.policy, "frame nested too deeply");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.#deps.log.debug("malformed pre-connect frame", { connId: this.connId });
      return this.#close(CLOSE.normal, "");
    }
    const check = checkRequestFrame(value);
    if (!check.ok) return this.#close(CLOSE.policy, "invalid request frame");
    const frame = check.frame;
    if (frame.method !== "connect") {
      return this.#refuse(frame.id, { code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect" });
    }
    const { core } = this.#deps;
    if (core.phase !== "ready") {
      const starting = core.phase === "starting";
      return this.#refuse(
        frame.id,
        {
          code: "UNAVAILABLE",
          message: starting ? "gateway starting; retry shortly" : "gateway stopping",
          retryable: true,
          retryAfterMs: 500,
          details: { reason: starting ? "startup-sidecars" : "draining" },
        },
        starting ? CLOSE.tryAgainLater : CLOSE.serviceRestart,
        starting ? "gateway starting" : "service restart",
      );
    }
    const parsed = await parseConnectParams(frame.params);
    if (!parsed.ok) return this.#refuse(frame.id, { code: "INVALID_REQUEST", message: parsed.message });
    const params = parsed.value;
    if (params.minProtocol > PROTOCOL_VERSION || params.maxProtocol < PROTOCOL_VERSION) {
      return this.#refuse(
        frame.id,
        {
          code: "INVALID_REQUEST",
          message: "protocol mismatch",
          details: {
            code: "PROTOCOL_MISMATCH",
            clientMinProtocol: params.minProtocol,
            clientMaxProtocol: params.maxProtocol,
            expectedProtocol: PROTOCOL_VERSION,
            minimumProbeProtocol: MIN_PROBE_PROTOCOL_VERSION,
          },
        },
        CLOSE.protocolError,
        "protocol mismatch",
      );
    }
    const allowedOrigins = core.config().config.gateway?.controlUi?.allowedOrigins ?? [];
    if (!isOriginAllowed(this.#upgrade.origin, this.#upgrade.host, allowedOrigins)) {
      this.#deps.log.warn("origin not allowed", { origin: this.#upgrade.origin, remote: this.#upgrade.remoteAddress });
      const message = "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)";
      return this.#refuse(frame.id, { code: "INVALID_REQUEST", message, details: { code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" } });
    }
    const role = params.role ?? "operator";
    if (role !== "operator" && role !== "node") {
      return this.#refuse(frame.id, { code: "INVALID_REQUEST", message: `invalid connect params: at /role: unknown role '${role}'` });
    }
    if (role === "node" && !params.device) {
      return this.#refuse(frame.id, { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } });
    }
    const shared = authenticateConnect(
      core.auth,
      {
        presented: params.auth,
        hasDevice: params.device !== undefined,
        clientMode: params.client.mode,
        clientId: params.client.id,
        remoteAddress: this.#upgrade.remoteAddress,
        headers: this.#upgrade.headers,
      },
      core.throttle,
    );
    if (params.device && this.#deps.admit) return this.#admitDevice(frame, params, role, shared);
    if (!shared.ok) return this.#refuseLate(frame.id, params, shared.error, shared.delayMs);
    await this.#welcome(frame, params, role, { authMethod: shared.method, scopes: grantedScopes(params, shared.method, this.#upgrade) });
  }

  /** A connect with a device proof: the device feature verifies it, pairs it and decides the scopes (spec §2.4). */
  async #admitDevice(frame: RequestFrame, params: ConnectParams, role: string, shared: AuthOutcome): Promise<void> {
    const facts = { connId: this.connId, nonce: this.#nonce, params, role, upgrade: this.#upgrade, shared };
    const admission = await askAdmission(this.#deps.admit!, facts, (error) =>
      this.#deps.log.error(`device admission failed: ${(error as Error)?.message ?? String(error)}`, { connId: this.connId }),
    );
    if (!admission.ok) return this.#refuseLate(frame.id, params, admission.error, admission.delayMs ?? 0, admission.closeReason);
    await this.#welcome(frame, params, role, admission);
  }

  /** Refuses a connect after the per-IP back-off a failed secret earned (spec §2.7). */
  async #refuseLate(id: string, params: ConnectParams, error: AuthFailure | ErrorShape, delayMs: number, closeReason?: string): Promise<void> {
    this.#deps.log.warn(`connect refused: ${error.message}`, { remote: this.#upgrade.remoteAddress, client: params.client.id });
    if (delayMs > 0) await sleep(delayMs);
    this.#refuse(id, error, CLOSE.policy, closeReason ?? error.message);
  }

  async #welcome(frame: RequestFrame, params: ConnectParams, role: string, grant: Grant): Promise<void> {
    if ((this.#state as State) === "closed") return;
    const { authMethod, deviceId } = grant;
    const scopes = sharedScopes(grant.scopes);
    const caller: CallerInfo = { connId: this.connId, clientId: params.client.id, mode: params.client.mode, role, scopes, authMethod, deviceId: deviceId || undefined };
    // What a feature may see and keep of connect: never the secret or the device proof.
    const { auth: _auth, device: _device, ...declared } = params;
    let helloText = await helloJson(this.#deps.core, this.#deps.methods, this.#deps.events, { connId: this.connId, role, scopes, authMethod, extra: grant.helloAuth });
    if (this.#deps.helloExtras) {
      const extras = this.#deps.helloExtras({ connId: this.connId, role, ...(deviceId ? { deviceId } : {}), connect: declared, ...(this.#upgrade.host ? { host: this.#upgrade.host } : {}) });
      helloText = withExtraMembers(helloText, extras);
    }
    const hello = new SerializedPayload(helloText);
    if ((this.#state as State) === "closed") return;
    clearTimeout(this.#handshakeTimer);
    // Kept for the connection's life otherwise: the timer object, and the upgrade headers only connect reads.
    this.#handshakeTimer = undefined;
    this.#upgrade.headers = NO_HEADERS;
    this.#nonce = "";
    const presence = presenceEntry(params, caller, this.#upgrade.remoteAddress);
    const client = new ConnectedClient(this, caller, sharedDeclaration(declared), presence);
    this.#caller = client;
    this.#state = "open";
    this.#send(responseFrame(frame.id, { ok: true, payload: hello }));
    this.#deps.core.addClient(client);
    this.#deps.log.debug("client connected", { connId: this.connId, client: params.client.id, mode: params.client.mode, scopes });
    const queued = this.#pipelined;
    this.#pipelined = undefined;
    this.#pipelinedBytes = 0;
    for (const text of queued ?? []) this.onMessage(text);
  }

  /** An event for this client (ClientOutlet); nothing once the connection is closing. */
  deliverEvent(event: string, payloadJson: string, stateVersion?: { presence: number; health: number }): void {
    if (this.#state !== "open") return;
    this.#seq++;
    const sv = stateVersion ? `,"stateVersion":${JSON.stringify(stateVersion)}` : "";
    this.#send(`{"type":"event","event":${JSON.stringify(event)},"payload":${payloadJson},"seq":${this.#seq}${sv}}`);
  }

  pingClient(): void {
    if (this.#state === "open") this.#socket.ping();
  }

  closeClient(code: number, reason: string): void {
    this.#close(code, reason);
  }

  /** Sends an error response, then closes (the reference's gap is 1–55 ms; the close reason is the message). */
  #refuse(id: string, error: AuthFailure | ErrorShape, code: number = CLOSE.policy, reason: string = error.message): void {
    if (this.#state === "closed") return;
    this.#send(responseFrame(id, { ok: false, error }));
    this.#close(code, reason);
  }

  // ---- requests after hello --------------------------------------------------------------------------

  async #request(text: string): Promise<void> {
    if (exceedsJsonDepth(text)) {
      // Refused before parsing: deep nesting costs the parser ~10× (fuzzing found it); treated as malformed.
      this.#deps.log.debug("ignored frame nested too deeply", { connId: this.connId, bytes: text.length });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // After hello a malformed frame is ignored, the connection stays (spec §3.1).
      this.#deps.log.debug("ignored malformed frame", { connId: this.connId, bytes: text.length });
      return;
    }
    const check = checkRequestFrame(value);
    if (!check.ok) {
      const message = check.kind === "event" ? "invalid request frame: at /type: must be equal to constant" : check.message;
      this.#send(responseFrame(check.id, { ok: false, error: { code: "INVALID_REQUEST", message } }));
      return;
    }
    const { id, method, params } = check.frame;
    const started = performance.now();
    if (this.#deps.wsLog === "full") this.#deps.log.debug(`⇢ ${method}`, { connId: this.connId, id, params: method === "connect" ? "[omitted]" : params });
    let response: string;
    let ok = true;
    try {
      const payload = await this.#dispatch(id, method, params);
      response = responseFrame(id, { ok: true, payload: payload ?? null });
    } catch (error) {
      ok = false;
      response = responseFrame(id, { ok: false, error: this.#errorShape(error, method) });
    }
    this.#send(response);
    this.#logRequest(method, id, ok, performance.now() - started);
  }

  async #dispatch(id: string, method: string, params: unknown): Promise<unknown> {
    const caller = this.#caller!;
    authorize(caller, method);
    if (method === "connect") throw new GatewayError("INVALID_REQUEST", "connect is only valid as the first request");
    const handler = this.#deps.methods[method];
    if (!handler) throw new GatewayError("INVALID_REQUEST", `unknown method: ${method}`);
    const ctx = { gateway: this.#deps.core, caller, interim: (payload: unknown) => this.#send(responseFrame(id, { ok: true, payload })) };
    const key = (params as { idempotencyKey?: unknown } | null)?.idempotencyKey;
    if ((this.#deps.sideEffects ?? SIDE_EFFECT_METHODS).has(method) && typeof key === "string" && key !== "") {
      return this.#deps.dedupe.run(`${method}\u0000${key}`, async () => handler(withoutKey(params), { ...ctx, idempotencyKey: key }));
    }
    return handler(params, ctx);
  }

  #errorShape(error: unknown, method: string): ErrorShape {
    if (error instanceof GatewayError) return error.toShape();
    this.#deps.log.error(`method ${method} failed: ${(error as Error)?.message ?? String(error)}`, { connId: this.connId });
    return { code: "UNAVAILABLE", message: `${method} failed: internal error`, retryable: true };
  }

  #logRequest(method: string, id: string, ok: boolean, ms: number): void {
    const { wsLog, log } = this.#deps;
    const line = `${method} ${ok ? "ok" : "error"} ${ms.toFixed(1)}ms`;
    if (wsLog === "auto") log.debug(line, { connId: this.connId, id });
    else log.info(line, { connId: this.connId, id });
  }

  // ---- transport -------------------------------------------------------------------------------------

  #send(text: string): void {
    if (this.#state === "closed") return;
    this.#socket.send(text);
    if (this.#socket.bufferedAmount() > MAX_BUFFERED_BYTES) {
      this.#deps.log.warn("closing slow consumer", { connId: this.connId, buffered: this.#socket.bufferedAmount() });
      this.#close(CLOSE.policy, "slow consumer");
    }
  }

  #close(code: number, reason: string): void {
    if (this.#state === "closed") return;
    // The close reason may carry at most 123 bytes (RFC 6455 §5.5).
    this.#socket.close(code, truncateUtf8(reason, 123));
    this.onClose();
  }
}

/** What the handshake grants: how the client authenticated, its scopes, its device and hello-ok `auth` extras. */
interface Grant {
  authMethod: string;
  scopes: readonly string[];
  deviceId?: string;
  helloAuth?: Record<string, unknown>;
}

/** Idempotency keys are the transport's business; handlers with closed params must not see them. */
function withoutKey(params: unknown): unknown {
  if (params === null || typeof params !== "object" || Array.isArray(params)) return params;
  const { idempotencyKey: _key, ...rest } = params as Record<string, unknown>;
  return rest;
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  return bytes.subarray(0, maxBytes).toString("utf8").replace(/\uFFFD+$/, "");
}
