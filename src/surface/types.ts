// What a feature mounted on the gateway is and what it is given. Features (agents, hooks, ui, discovery, and every
// feature to come) import this leaf, never `server/`; the server imports it too and knows no feature by name.
import type { ConfigSnapshot } from "../config/load.ts";
import type { GatewayLogger } from "../logging/index.ts";
import type { AutomationsSummary, EventLoopStats, MethodFamily } from "../methods/types.ts";
import type { ConnectParams } from "../protocol/connect.ts";
import type { ErrorShape } from "../protocol/errors.ts";
import type { AuthSettings } from "./auth.ts";
import type { AuthThrottle } from "./auth-throttle.ts";
import type { HttpRoute } from "./http.ts";
import type { BindPlan } from "./net.ts";

/** One connected client as a feature may see it (after hello). */
export interface ClientView {
  readonly connId: string;
  readonly clientId: string;
  readonly mode: string;
  readonly scopes: readonly string[];
  readonly role: string;
  /** The verified device id when the client signed a device identity. */
  readonly deviceId?: string;
  /** What the client declared in `connect` (secrets and the device proof removed): caps, commands, client info. */
  readonly connect: ClientDeclaration;
}

/** The parts of `connect` a feature may keep and show (never `auth` or the device signature). */
export type ClientDeclaration = Omit<ConnectParams, "auth" | "device">;

/** Options of a broadcast: only the clients a filter admits receive it. */
export interface BroadcastOptions {
  filter?: (client: ClientView) => boolean;
}

/** The running gateway as features see it: config, clients and events, and the shared failed-auth limiter. */
export interface GatewayView {
  readonly version: string;
  config(): ConfigSnapshot;
  /** Sends an event to every admitted client, serialized once for all of them; nothing when none is admitted. */
  broadcast(event: string, payload: unknown, options?: BroadcastOptions): void;
  /** True when at least one client passes the filter: lets a feature skip building an event nobody reads. */
  hasClient(filter?: (client: ClientView) => boolean): boolean;
  /** Event-loop health as `health` reports it (channels.status carries it too, as the reference's does). */
  eventLoop(): EventLoopStats;
  /** The one per-address failed-auth limiter: WS connect, every bearer-checked HTTP route and hooks feed it. */
  readonly throttle: AuthThrottle;
  /** Sends an event to one admitted client; false when it is gone (node invoke, per-device replies). */
  sendTo(connId: string, event: string, payload: unknown): boolean;
  /** Closes every admitted client the filter picks (revoked device tokens); returns how many. */
  disconnect(filter: (client: ClientView) => boolean, code: number, reason: string): number;
}

/** The certificate the listener really serves (gateway.tls); the beacon advertises exactly this. */
export interface ServedTls {
  /** SHA-256 fingerprint as Node prints it (`AB:CD:…`). */
  sha256: string;
  certPath: string;
  validTo: string;
  /** True when the gateway generated this self-signed pair itself. */
  generated: boolean;
}

/**
 * A `connect` that carries a `device` proof, as the handshake hands it to the feature that owns devices.
 * The shared-secret decision is already made but not yet answered: the device proof is checked first.
 */
export interface DeviceHandshake {
  readonly connId: string;
  /** This connection's `connect.challenge` nonce: the signature must be bound to it. */
  readonly nonce: string;
  readonly params: ConnectParams;
  readonly role: string;
  /** A loopback peer with no proxy headers (the reference's `direct_local`). */
  readonly local: boolean;
  readonly origin: string | undefined;
  readonly remoteAddress: string;
  /** The shared secret (token/password), `none` or trusted-proxy outcome; its refusal is sent if nothing else admits. */
  readonly shared: { ok: true; method: string } | { ok: false; error: ErrorShape; delayMs: number };
}

/** The device feature's answer: admitted with these scopes (and hello-ok `auth` extras), or refused with this frame. */
export type Admission =
  | { ok: true; authMethod: string; scopes: string[]; deviceId: string; helloAuth?: Record<string, unknown> }
  | { ok: false; error: ErrorShape; /** Close reason when it differs from the message. */ closeReason?: string; delayMs?: number };

/** A connection at the moment it is welcomed, as a feature adding its own `hello-ok` fields sees it. */
export interface HelloView {
  readonly connId: string;
  readonly role: string;
  readonly deviceId?: string;
  readonly connect: ClientDeclaration;
  /** The Host header the client dialed: the base of any URL the client is handed (canvas capability URLs). */
  readonly host?: string;
}

/** What a feature is given when a generation of the gateway mounts it. */
export interface SurfaceContext {
  core: GatewayView;
  logger: GatewayLogger;
  bind: BindPlan;
  auth: () => AuthSettings;
  /** The port actually listened on (known once start() runs). */
  port: () => number;
  env: Record<string, string | undefined>;
  /** The resolved value of the SecretRef at this config path (`hooks.token`), from the runtime snapshot. */
  secret: (path: string) => string | undefined;
    /** The certificate being served now, or undefined when the gateway speaks plain HTTP/WS. */
  tls: () => ServedTls | undefined;
  /** `--raw-stream` / `--raw-stream-path`: append raw model stream events to this JSONL file. */
  rawStreamPath?: string;
}

/**
 * A feature mounted on the gateway beside the core protocol: agents and the OpenAI-compatible API, hooks,
 * the Control UI, the discovery beacon. Each brings what it adds; the server owns when.
 */
export interface Surface {
  readonly name: string;
  /** RPC methods this feature adds (merged into `hello-ok.features.methods`). */
  methods?: MethodFamily;
  /** Events this feature emits (merged into `hello-ok.features.events`). */
  events?: readonly string[];
  /** Counts for `health`/`status` when this feature owns sessions. */
  sessions?(): { path: string; count: number };
  /** Heartbeats and queued system events for `health`/`status`, from the feature that runs them (automations). */
  automations?(): AutomationsSummary;
  /** Linked channels for `health`/`status` when this feature owns channels: id → summary, and id → label. */
  channels?(): { channels: Record<string, unknown>; labels: Record<string, string> };
  /**
   * Methods of this feature with side effects: a repeat with the same `idempotencyKey` gets the first result
   * (the server dedupes them like its own config/restart methods; the handler never sees the key).
   */
  sideEffectMethods?: readonly string[];
  /** HTTP handler on the gateway port; returns undefined for paths it does not own. */
  http?: HttpRoute;
  /** Runs once the port is open (it never delays listening). Errors are logged, never fatal. */
  start?(): void | Promise<void>;
  /** A new config snapshot was adopted without a restart (hot reload); the feature re-reads what it needs. */
  configChanged?(next: ConfigSnapshot): void;
  /** `secrets.reload` swapped the secrets snapshot; features holding a resolved secret re-read it. */
  secretsChanged?(): void;
  /** The listener started serving a renewed certificate (features that advertise it re-announce). */
  tlsRenewed?(tls: ServedTls): void | Promise<void>;
  /** Runs on stop and before an in-process restart. */
  stop?(): void | Promise<void>;
  /**
   * Decides a `connect` that carries a device proof (verify, pair, issue a device token). One surface owns it;
   * without one the server keeps its device-less rules. Called only when `connect.device` is present.
   */
  admit?(handshake: DeviceHandshake): Promise<Admission>;
  /**
   * Top-level `hello-ok` fields this feature adds for one connection (`pluginSurfaceUrls` for nodes); never
   * replaces a field the core sets. Errors are logged, never fatal.
   */
  helloExtras?(view: HelloView): Record<string, unknown> | undefined;
  /** A client got hello-ok / went away (node presence, pending invokes). Errors are logged, never fatal. */
  clientConnected?(client: ClientView): void;
  clientDisconnected?(client: ClientView): void;
}

/** The features of one build, in HTTP precedence order; `src/features.ts` is the one list `gateway run` hands over. */
export type MountFeatures = (ctx: SurfaceContext) => Surface[];
