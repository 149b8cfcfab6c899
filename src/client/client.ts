// The one gateway RPC client every command uses (no command opens sockets by hand): the v4 handshake as
// the reference CLI performs it (wait for the challenge, then `connect`, spec §2), requests with a
// deadline, `UNAVAILABLE` retried after `retryAfterMs`, events with gap detection, and a clean close.
import { sleepWithin, type Deadline } from "./deadline.ts";
import { GatewayClientError } from "./errors.ts";
import { connectParams, type ClientIdentity, type ConnectAuth } from "./identity.ts";
import { Wire, type EventFrame, type SeqGap, type WireError } from "./wire.ts";

/** The parts of `hello-ok` the commands read (spec §2.5); the rest stays available as unknown. */
export interface HelloOk {
  type: "hello-ok";
  protocol: number;
  server?: { version?: string; buildId?: string; bootId?: string; connId?: string };
  features?: { methods?: string[]; events?: string[] };
  snapshot?: { presence?: Record<string, unknown>[]; health?: Record<string, unknown>; uptimeMs?: number; [key: string]: unknown };
  auth?: { method?: string; role?: string; scopes?: string[]; deviceToken?: string; issuedAtMs?: number };
  policy?: { maxPayload?: number; maxBufferedBytes?: number; tickIntervalMs?: number };
  [key: string]: unknown;
}

export interface ConnectOptions {
  url: string;
  identity: ClientIdentity;
  scopes: readonly string[];
  auth?: ConnectAuth;
  /** SHA-256 of the wss:// certificate to accept (pinning); unset = normal chain verification. */
  tlsFingerprint?: string;
  /** Bounds the whole connect, retries included. */
  deadline: Deadline;
  onEvent?(frame: EventFrame): void;
  onGap?(gap: SeqGap): void;
  /** Signs a `device` block over the challenge (non-loopback gateways, spec §2.4); unset = no device. */
  signDevice?(params: Record<string, unknown>, challenge: { nonce: string; ts: number }): Record<string, unknown>;
}

export interface RequestOptions {
  deadline: Deadline;
  /** Two-phase agent calls: skip the `accepted` answer and wait for the final one. */
  expectFinal?: boolean;
  onAccepted?(payload: unknown): void;
}

/** A connected, authenticated session with one gateway. */
export class GatewayClient {
  readonly url: string;
  readonly hello: HelloOk;
  /** Socket open → hello-ok, in ms (the probe's "Connect: ok (Nms)"). */
  readonly connectLatencyMs: number;
  readonly #wire: Wire;
  readonly #listeners = new Set<(frame: EventFrame) => void>();
  readonly gaps: SeqGap[] = [];

  private constructor(url: string, wire: Wire, hello: HelloOk, latencyMs: number) {
    this.url = url;
    this.#wire = wire;
    this.hello = hello;
    this.connectLatencyMs = latencyMs;
  }

  /**
   * Opens a socket, waits for `connect.challenge`, sends `connect` and resolves on hello-ok. A refused
   * connect throws kind "connect" with the gateway's code and details (after closing 1008 `connect
   * failed`); `UNAVAILABLE` (gateway starting) is retried on a new socket after its `retryAfterMs`.
   */
  static async connect(options: ConnectOptions): Promise<GatewayClient> {
    const { url, deadline } = options;
    const params = connectParams(options.identity, options.scopes, options.auth);
    let client: GatewayClient | undefined;
    const handlers = {
      onEvent: (frame: EventFrame) => {
        if (client) client.#emit(frame);
      },
      onGap: (gap: SeqGap) => {
        client?.gaps.push(gap);
        options.onGap?.(gap);
      },
    };
    for (;;) {
      const started = performance.now();
      const wire = await Wire.open(url, deadline, handlers, options.tlsFingerprint);
      let error: WireError | undefined;
      try {
        const challenge = await wire.challenge(deadline);
        if (options.signDevice) {
          const { nonce, ts } = (challenge.payload ?? {}) as { nonce?: string; ts?: unknown };
          if (typeof ts !== "number" || !Number.isFinite(ts)) {
            wire.closeWith(1008, "connect failed");
            throw new GatewayClientError("protocol", "gateway connect challenge timestamp invalid", { url, gatewayAnswered: true });
          }
          params.device = options.signDevice(params, { nonce: nonce!, ts });
        }
        const response = await wire.call("connect", params, deadline);
        if (response.ok) {
          client = new GatewayClient(url, wire, response.payload as HelloOk, Math.round(performance.now() - started));
          if (options.onEvent) client.subscribe(options.onEvent);
          return client;
        }
        error = response.error ?? { code: "UNAVAILABLE", message: "connect refused without an error" };
      } catch (failure) {
        wire.abort();
        throw failure;
      }
      if (shouldRetry(error, deadline)) {
        await wire.close();
        await sleepWithin(error.retryAfterMs!, deadline);
        continue;
      }
      wire.closeWith(1008, "connect failed");
      throw new GatewayClientError("connect", error.message, {
        url,
        code: error.code,
        details: error.details,
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
      });
    }
  }

  /**
   * Calls a method and resolves with its payload; `ok:false` throws kind "request". `params` undefined
   * sends no `params` key. `UNAVAILABLE` with `retryAfterMs` is retried while the deadline allows.
   */
  async request<T = unknown>(method: string, params: unknown, options: RequestOptions): Promise<T> {
    for (;;) {
      const response = await this.#wire.call(method, params, options.deadline, options);
      if (response.ok) return response.payload as T;
      const error = response.error ?? { code: "UNAVAILABLE", message: `${method} failed without an error` };
      if (shouldRetry(error, options.deadline)) {
        await sleepWithin(error.retryAfterMs!, options.deadline);
        continue;
      }
      throw new GatewayClientError("request", error.message, {
        url: this.url,
        code: error.code,
        details: error.details,
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
      });
    }
  }

  /** Receives every event after hello (`tick`, `health`, `presence`, `shutdown`…); returns an unsubscribe. */
  subscribe(listener: (frame: EventFrame) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get isOpen(): boolean {
    return this.#wire.isOpen;
  }

  /** Closes normally (empty close frame) and resolves once the socket is closed. Safe to call twice. */
  close(): Promise<void> {
    return this.#wire.close();
  }

  #emit(frame: EventFrame): void {
    for (const listener of this.#listeners) listener(frame);
  }
}

/** UNAVAILABLE with a retry hint that still fits in the deadline (spec §2.7: "gateway starting"). */
function shouldRetry(error: WireError, deadline: Deadline): boolean {
  return (
    error.code === "UNAVAILABLE" &&
    error.retryable !== false &&
    typeof error.retryAfterMs === "number" &&
    error.retryAfterMs < deadline.remaining()
  );
}
