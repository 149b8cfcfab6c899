// One WebSocket to a gateway, below the handshake: open (with optional certificate pinning), frames in
// and out, request/response matching by id, the challenge, event `seq` gap detection, and close. Every
// wait is bounded by the caller's Deadline; every failure is a GatewayClientError.
import type { Deadline } from "./deadline.ts";
import { GatewayClientError } from "./errors.ts";

/** A protocol error as the gateway sends it (spec §1 ErrorShape). */
export interface WireError {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** A response frame. */
export interface ResponseFrame {
  type: "res";
  id: string;
  ok: boolean;
  payload?: unknown;
  error?: WireError;
}

/** An event frame after hello (connect.challenge has no `seq`). */
export interface EventFrame {
  type: "event";
  event: string;
  payload?: unknown;
  seq?: number;
  stateVersion?: { presence: number; health: number };
}

/** A `seq` jump: events were missed (spec §4); reported, never fatal. */
export interface SeqGap {
  expected: number;
  received: number;
  event: string;
}

export interface WireHandlers {
  onEvent?(frame: EventFrame): void;
  onGap?(gap: SeqGap): void;
}

interface Pending {
  resolve(frame: ResponseFrame): void;
  reject(error: GatewayClientError): void;
  expectFinal: boolean;
  onAccepted?: (payload: unknown) => void;
}

const CLOSED = 3;

/** A live socket with the bookkeeping of one connection; ids count from 1 per connection (spec §1). */
export class Wire {
  readonly url: string;
  readonly #ws: WebSocket;
  readonly #handlers: WireHandlers;
  readonly #pending = new Map<string, Pending>();
  readonly #challengeWaiters = new Set<(frame: EventFrame | GatewayClientError) => void>();
  #challenge: EventFrame | undefined;
  #counter = 0;
  #lastSeq: number | undefined;
  #closeInfo: { code: number; reason: string } | undefined;
  readonly #closeWaiters = new Set<() => void>();

  private constructor(url: string, ws: WebSocket, handlers: WireHandlers) {
    this.url = url;
    this.#ws = ws;
    this.#handlers = handlers;
    ws.addEventListener("message", (event) => this.#onMessage(event.data));
    ws.addEventListener("close", (event) => this.#onClose(event.code, event.reason));
  }

  /** Opens the socket; resolves once it is open, with the challenge already being listened for. */
  static async open(url: string, deadline: Deadline, handlers: WireHandlers, tlsFingerprint?: string): Promise<Wire> {
    const parsed = new URL(url);
    let tls: Record<string, unknown> | undefined;
    let pinFailure: GatewayClientError | undefined;
    if (parsed.protocol === "wss:" && tlsFingerprint) {
      // node:tls loads only when a pin is configured.
      const { pinnedTlsOptions } = await import("./tls-pin.ts");
      const options = await pinnedTlsOptions(parsed, tlsFingerprint, deadline);
      const check = options.checkServerIdentity as (host: string, cert: object) => GatewayClientError | undefined;
      tls = {
        ...options,
        // Bun reports any identity failure as a generic handshake error, so remember ours to say why.
        checkServerIdentity: (host: string, cert: object) => (pinFailure = check(host, cert)),
      };
    }
    // No options at all for plain connections: then Bun sends no Origin and no User-Agent (engineering.md §6).
    const ws = tls ? new WebSocket(url, { tls } as Bun.WebSocketOptions) : new WebSocket(url);
    const wire = new Wire(url, ws, handlers);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        wire.abort();
        reject(new GatewayClientError("timeout", `gateway timeout after ${deadline.totalMs}ms opening ${url}`, { url }));
      }, deadline.remaining());
      const fail = (cause: unknown) => {
        clearTimeout(timer);
        reject(pinFailure ?? new GatewayClientError("unreachable", `gateway not reachable at ${url}`, { url, cause }));
      };
      ws.addEventListener("open", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
      ws.addEventListener("error", (event) => fail((event as ErrorEvent).message ?? event), { once: true });
      ws.addEventListener("close", (event) => fail(`closed ${event.code} before open`), { once: true });
    });
    return wire;
  }

  /** Waits for `connect.challenge` (spec §2.1) and checks it carries a nonce. */
  async challenge(deadline: Deadline): Promise<EventFrame> {
    const frame = this.#challenge ?? (await this.#waitForChallenge(deadline));
    const nonce = (frame.payload as { nonce?: unknown } | undefined)?.nonce;
    if (typeof nonce !== "string" || nonce === "") {
      this.closeWith(1008, "connect challenge missing nonce");
      throw new GatewayClientError("protocol", "gateway sent a connect.challenge without a nonce", { url: this.url, gatewayAnswered: true });
    }
    return frame;
  }

  #waitForChallenge(deadline: Deadline): Promise<EventFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#challengeWaiters.delete(done);
        this.closeWith(1008, "connect challenge timeout");
        reject(new GatewayClientError("timeout", `gateway timeout after ${deadline.totalMs}ms waiting for connect.challenge from ${this.url}`, { url: this.url }));
      }, deadline.remaining());
      const done = (result: EventFrame | GatewayClientError) => {
        clearTimeout(timer);
        this.#challengeWaiters.delete(done);
        result instanceof GatewayClientError ? reject(result) : resolve(result);
      };
      this.#challengeWaiters.add(done);
    });
  }

  /**
   * Sends a request and resolves with its response frame (ok or not). `params` undefined sends no
   * `params` key (`gateway health` does not, spec §1). With `expectFinal`, an `accepted` answer of a
   * two-phase call is passed to `onAccepted` and the wait goes on for the final one with the same id.
   */
  call(
    method: string,
    params: unknown,
    deadline: Deadline,
    options: { expectFinal?: boolean; onAccepted?: (payload: unknown) => void } = {},
  ): Promise<ResponseFrame> {
    if (this.#closeInfo) return Promise.reject(this.#closedError());
    const id = `${++this.#counter}:${crypto.randomUUID()}`;
    const frame: Record<string, unknown> = { type: "req", id, method };
    if (params !== undefined) frame.params = params;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new GatewayClientError("timeout", `gateway timeout after ${deadline.totalMs}ms waiting for ${method} from ${this.url}`, { url: this.url }));
      }, deadline.remaining());
      this.#pending.set(id, {
        expectFinal: Boolean(options.expectFinal),
        onAccepted: options.onAccepted,
        resolve: (response) => {
          clearTimeout(timer);
          resolve(response);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#ws.send(JSON.stringify(frame));
    });
  }

  /** Normal close: an empty close frame, as the reference CLI sends (spec §3.1). */
  close(): Promise<void> {
    if (this.#closeInfo || this.#ws.readyState === CLOSED) return Promise.resolve();
    const closed = this.#whenClosed();
    try {
      this.#ws.close();
    } catch {
      // Already closing.
    }
    return closed;
  }

  /** Closes with a code and reason (`1008 connect failed` after a refused connect, spec §2.7). */
  closeWith(code: number, reason: string): void {
    if (this.#closeInfo || this.#ws.readyState === CLOSED) return;
    try {
      this.#ws.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  /** Drops the socket without waiting (a timeout or an abandoned attempt). */
  abort(): void {
    try {
      this.#ws.terminate?.();
    } catch {
      // Not open yet or already gone.
    }
    this.closeWith(1000, "");
  }

  get isOpen(): boolean {
    return !this.#closeInfo && this.#ws.readyState === 1;
  }

  #whenClosed(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#closeWaiters.delete(done);
        resolve();
      }, 1000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#closeWaiters.add(done);
    });
  }

  #onMessage(data: unknown): void {
    let frame: { type?: unknown; [key: string]: unknown };
    try {
      const text = typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer);
      frame = JSON.parse(text);
    } catch {
      return; // Not JSON: nothing to match it with; the deadline decides.
    }
    if (frame === null || typeof frame !== "object") return;
    if (frame.type === "res") return this.#onResponse(frame as unknown as ResponseFrame);
    if (frame.type === "event") return this.#onEvent(frame as unknown as EventFrame);
  }

  #onResponse(frame: ResponseFrame): void {
    const pending = this.#pending.get(String(frame.id));
    if (!pending) return;
    const status = (frame.payload as { status?: unknown } | null | undefined)?.status;
    if (pending.expectFinal && frame.ok && status === "accepted") {
      pending.onAccepted?.(frame.payload);
      return;
    }
    this.#pending.delete(String(frame.id));
    pending.resolve(frame);
  }

  #onEvent(frame: EventFrame): void {
    if (frame.event === "connect.challenge") {
      this.#challenge ??= frame;
      for (const waiter of [...this.#challengeWaiters]) waiter(frame);
      return;
    }
    if (typeof frame.seq === "number") {
      if (this.#lastSeq !== undefined && frame.seq > this.#lastSeq + 1) {
        this.#handlers.onGap?.({ expected: this.#lastSeq + 1, received: frame.seq, event: frame.event });
      }
      this.#lastSeq = frame.seq;
    }
    this.#handlers.onEvent?.(frame);
  }

  #onClose(code: number, reason: string): void {
    if (this.#closeInfo) return;
    this.#closeInfo = { code, reason };
    const error = this.#closedError();
    for (const waiter of [...this.#challengeWaiters]) waiter(error);
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    for (const done of [...this.#closeWaiters]) done();
  }

  #closedError(): GatewayClientError {
    const { code, reason } = this.#closeInfo ?? { code: 1006, reason: "" };
    return new GatewayClientError("closed", `gateway closed (${code}): ${reason || "no close reason"}`, {
      url: this.url,
      close: { code, reason },
    });
  }
}
