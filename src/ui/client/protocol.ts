// The page's side of the gateway WebSocket protocol (spec §2): wait for connect.challenge, send connect as
// `openclaw-control-ui` / mode `ui`, then requests by id and events by name.
import { win } from "./dom.ts";

export interface PresenceEntry {
  host?: string;
  ip?: string;
  version?: string;
  platform?: string;
  deviceFamily?: string;
  mode?: string;
  reason?: string;
  clientId?: string;
  instanceId?: string;
  onlineSince?: number;
  text?: string;
  ts?: number;
}

export interface HelloOk {
  type: "hello-ok";
  protocol: number;
  server: { version: string; connId: string; bootId?: string };
  features: { methods: string[]; events: string[] };
  snapshot: {
    presence: PresenceEntry[];
    health: Record<string, unknown>;
    uptimeMs: number;
    appliedConfigHash?: string;
  };
  auth: { method?: string; role: string; scopes: string[] };
  policy: { tickIntervalMs: number };
}

/** An error answer from the gateway (or a connection that ended before one). */
export class RpcError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
  /** True when the gateway refused our credentials: retrying the same token cannot help. */
  get isAuth(): boolean {
    const detail = String(this.details?.code ?? "");
    return detail.startsWith("AUTH_") || this.code === "NOT_PAIRED" || detail === "CONTROL_UI_ORIGIN_NOT_ALLOWED";
  }
}

export interface ConnectOptions {
  token: string;
  scopes: string[];
  displayName: string;
  onEvent?(event: string, payload: unknown): void;
  /** The socket closed after hello-ok. */
  onClose?(code: number, reason: string): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const HANDSHAKE_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;
const instanceId = crypto.randomUUID();
let counter = 0;

/** One open gateway connection. */
export class Connection {
  readonly hello: HelloOk;
  #ws: WebSocket;
  #pending: Map<string, Pending>;

  constructor(ws: WebSocket, hello: HelloOk, pending: Map<string, Pending>) {
    this.#ws = ws;
    this.hello = hello;
    this.#pending = pending;
  }

  request<T = unknown>(method: string, params: unknown = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#ws.readyState !== WebSocket.OPEN) return reject(new RpcError("UNAVAILABLE", "not connected"));
      const id = `ui${++counter}`;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RpcError("UNAVAILABLE", `${method} timed out`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.#ws.send(JSON.stringify({ type: "req", id, method, params }));
    });
  }

  can(method: string): boolean {
    return this.hello.features.methods.includes(method);
  }

  close(): void {
    this.#ws.close(1000, "");
  }
}

/** The gateway this page came from: same host, any path upgrades (spec §1). */
export function gatewayUrl(): string {
  return `${win.location.protocol === "https:" ? "wss" : "ws"}://${win.location.host}/`;
}

/** Opens a socket and completes the handshake; rejects with the gateway's error (auth, origin, starting…). */
export function connect(options: ConnectOptions): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(gatewayUrl());
    const pending = new Map<string, Pending>();
    const connectId = `connect${++counter}`;
    let connection: Connection | undefined;
    let failure: RpcError | undefined;
    let sent = false;
    const timer = setTimeout(() => {
      failure = new RpcError("UNAVAILABLE", "the gateway did not answer the handshake");
      ws.close();
    }, HANDSHAKE_TIMEOUT_MS);

    const sendConnect = () => {
      if (sent) return;
      sent = true;
      const nav = win.navigator;
      ws.send(
        JSON.stringify({
          type: "req",
          id: connectId,
          method: "connect",
          params: {
            minProtocol: 4,
            maxProtocol: 4,
            client: {
              id: "openclaw-control-ui",
              version: versionOfPage(),
              platform: nav.platform || "web",
              mode: "ui",
              displayName: options.displayName,
              instanceId,
            },
            caps: [],
            auth: { token: options.token },
            role: "operator",
            scopes: options.scopes,
            locale: nav.language,
            userAgent: nav.userAgent,
          },
        }),
      );
    };

    ws.onmessage = (message) => {
      let frame: { type?: string; id?: string; ok?: boolean; event?: string; payload?: unknown; error?: { code: string; message: string; details?: Record<string, unknown> } };
      try {
        frame = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (frame.type === "event") {
        if (frame.event === "connect.challenge") return sendConnect();
        if (connection) options.onEvent?.(frame.event ?? "", frame.payload);
        return;
      }
      if (frame.type !== "res" || typeof frame.id !== "string") return;
      if (frame.id === connectId) {
        clearTimeout(timer);
        if (frame.ok) {
          connection = new Connection(ws, frame.payload as HelloOk, pending);
          resolve(connection);
        } else {
          failure = new RpcError(frame.error?.code ?? "UNAVAILABLE", frame.error?.message ?? "connect refused", frame.error?.details);
        }
        return;
      }
      const waiter = pending.get(frame.id);
      if (!waiter) return;
      pending.delete(frame.id);
      clearTimeout(waiter.timer);
      if (frame.ok) waiter.resolve(frame.payload);
      else waiter.reject(new RpcError(frame.error?.code ?? "UNAVAILABLE", frame.error?.message ?? "request failed", frame.error?.details));
    };

    ws.onclose = (event) => {
      clearTimeout(timer);
      for (const waiter of pending.values()) {
        clearTimeout(waiter.timer);
        waiter.reject(new RpcError("UNAVAILABLE", "connection closed"));
      }
      pending.clear();
      if (connection) return options.onClose?.(event.code, event.reason);
      reject(failure ?? new RpcError("UNAVAILABLE", event.reason || `the gateway closed the connection (${event.code})`, { closeCode: event.code }));
    };
  });
}

/** One request on a short-lived connection with other scopes (the page's live connection is read-only). */
export async function requestOnce<T>(options: Omit<ConnectOptions, "onEvent" | "onClose">, method: string, params: unknown): Promise<T> {
  const connection = await connect(options);
  try {
    return await connection.request<T>(method, params);
  } finally {
    connection.close();
  }
}

function versionOfPage(): string {
  return win.document.querySelector('meta[name="openclaw-version"]')?.getAttribute("content") || "dev";
}
