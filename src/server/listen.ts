import type { Server, ServerWebSocket } from "bun";
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES } from "../protocol/constants.ts";
import { IdleCollector } from "./idle-gc.ts";
import { GatewayStartError } from "./start-errors.ts";

/** What the upgrade request told us about a WebSocket client (kept in `ws.data`, style habit 8). */
export interface UpgradeInfo {
  remoteAddress: string;
  origin?: string;
  host?: string;
  headers: Record<string, string>;
}

/** The transport side of one connection, as the transport-agnostic connection core sees it. */
export interface WireSocket {
  send(text: string): number;
  close(code: number, reason: string): void;
  bufferedAmount(): number;
  ping(): void;
  readonly remoteAddress: string;
}

/** The protocol side of one connection. */
export interface ConnectionHandler {
  onMessage(data: string | Uint8Array): void;
  onClose(code: number, reason: string): void;
}

type SocketData = BunWire;

/** What a listener needs from the gateway: HTTP answers and a connection per upgrade. */
export interface ListenerApp {
  http(request: Request, remoteAddress: string): Response | Promise<Response>;
  /**
   * Constant GET/HEAD answers Bun serves without running any JavaScript (liveness probes). Other methods
   * and WebSocket upgrades on the same paths still reach `http`/`connect`.
   */
  staticGets?: Readonly<Record<string, Response>>;
  connect(socket: WireSocket, upgrade: UpgradeInfo): ConnectionHandler;
}

/** PEM material for `https://`/`wss://` on the same port. */
export interface ListenerTls {
  cert: string;
  key: string;
  ca?: string;
}

/** The listeners of one bind plan: same port on every host. */
export interface Listeners {
  port: number;
  hosts: string[];
  /**
   * Serves a renewed certificate to new connections without dropping open ones. Bun's `server.reload` keeps
   * the old certificate (measured on 1.4.5), so each host is re-served: the old server stops accepting and
   * keeps its connections, a new one takes the port.
   */
  renewTls(tls: ListenerTls): void;
  stop(): void;
}

/** Opens one Bun.serve per host (HTTP and WebSocket on the same port, any path upgrades, spec §1). */
export function openListeners(hosts: string[], port: number, app: ListenerApp, optionalHosts: string[] = [], tls?: ListenerTls): Listeners {
  const servers = new Map<string, Server<SocketData>>();
  // Servers replaced by a renewal: they accept nothing new but still carry connections until stop().
  const retired: Server<SocketData>[] = [];
  let actualPort = port;
  const collector = new IdleCollector();
  for (const host of hosts) {
    try {
      const server = serveOne(host, actualPort, app, tls, collector);
      servers.set(host, server);
      actualPort = server.port ?? actualPort;
    } catch (error) {
      if (optionalHosts.includes(host)) continue;
      for (const s of servers.values()) s.stop(true);
      collector.stop();
      throw toStartError(error, host, actualPort);
    }
  }
  return {
    port: actualPort,
    hosts: [...servers.keys()],
    renewTls(next) {
      for (const [host, server] of servers) {
        server.stop(false);
        retired.push(server);
        servers.set(host, serveOne(host, actualPort, app, next, collector));
      }
    },
    stop() {
      collector.stop();
      for (const server of [...servers.values(), ...retired]) server.stop(true);
    },
  };
}

function serveOne(hostname: string, port: number, app: ListenerApp, tls: ListenerTls | undefined, collector: IdleCollector): Server<SocketData> {
  return Bun.serve<SocketData>({
    hostname,
    port,
    ...(tls ? { tls: { cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}) } } : {}),
    // Errors are ours to render; Bun's development page would leak internals.
    development: false,
    routes: Object.fromEntries(Object.entries(app.staticGets ?? {}).map(([path, response]) => [path, { GET: response, HEAD: response }])),
    // Explicit: with `development: false` Bun 1.4.5 otherwise sets SO_REUSEPORT, and a second gateway would
    // silently share the port instead of failing with "already listening" (measured).
    reusePort: false,
    fetch(request, server) {
      const remoteAddress = server.requestIP(request)?.address ?? "unknown";
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        const headers: Record<string, string> = Object.create(null);
        request.headers.forEach((value, key) => {
          headers[key] = value;
        });
        if (server.upgrade(request, { data: new BunWire(remoteAddress, headers) })) return undefined;
        return new Response("Upgrade failed", { status: 400 });
      }
      return app.http(request, remoteAddress);
    },
    websocket: {
      // Bun enforces the post-hello cap (close 1009, spec §1); the 64 KiB pre-hello cap is the core's.
      maxPayloadLength: MAX_PAYLOAD_BYTES,
      perMessageDeflate: false,
      // We send our own pings every 25 s and judge slow consumers by buffered bytes ourselves
      // (close 1008 past MAX_BUFFERED_BYTES); the limit only has to sit above that so nothing is dropped first.
      sendPings: false,
      idleTimeout: 0,
      backpressureLimit: MAX_BUFFERED_BYTES + 16 * 1024 * 1024,
      closeOnBackpressureLimit: false,
      open(ws) {
        collector.connected();
        const wire = ws.data;
        wire.ws = ws;
        wire.handler = app.connect(wire, wire);
      },
      message(ws, message) {
        ws.data.handler?.onMessage(typeof message === "string" ? message : new Uint8Array(message));
      },
      close(ws, code, reason) {
        ws.data.handler?.onClose(code, reason);
      },
    },
  });
}

// Methods on a prototype rather than four closures per connection: ~0.3 KB less for each idle client. The same
// object is the socket's `ws.data` and its UpgradeInfo, so a connection costs one wrapper object, not three.
class BunWire implements WireSocket, UpgradeInfo {
  /** Set when the socket opens (the upgrade creates the data before the socket exists). */
  ws!: ServerWebSocket<SocketData>;
  handler?: ConnectionHandler;
  origin?: string;
  host?: string;
  constructor(
    readonly remoteAddress: string,
    public headers: Record<string, string>,
  ) {
    this.origin = headers.origin;
    this.host = headers.host;
  }
  send(text: string): number {
    return this.ws.send(text);
  }
  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }
  bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }
  ping(): void {
    this.ws.ping();
  }
}

function toStartError(error: unknown, host: string, port: number): GatewayStartError {
  const code = (error as { code?: string }).code;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (code === "EADDRINUSE" || /address already in use|EADDRINUSE/i.test(String((error as Error).message))) {
    return new GatewayStartError(
      "port-in-use",
      `another gateway instance is already listening on ${where}`,
      "Stop it (`openclaw gateway stop`), pick another --port, or start with --force to take the port over.",
      { cause: error },
    );
  }
  return new GatewayStartError("bind-failed", `cannot listen on ${where}: ${(error as Error).message}`, undefined, { cause: error });
}
