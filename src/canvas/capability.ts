// Capability URLs for node WebViews, which send no auth headers: a connected node that declares the `canvas`
// cap gets `hello-ok.pluginSurfaceUrls.canvas` = `<scheme>://<Host it dialed>/__openclaw__/cap/<token>`, and
// every canvas path below that prefix is served without the gateway secret while the token lives. A token is
// bound to its node connection (gone when it disconnects, replaced by `node.pluginSurface.refresh`) and expires
// after the reference's 10 minutes.
import { nodeCrypto } from "../platform/node.ts";
import { CAP_PREFIX } from "./settings.ts";
/** The reference's default capability lifetime. */
export const CAP_TTL_MS = 600_000;
/** Live tokens at once (one per node connection); past it the oldest is dropped. */
const MAX_TOKENS = 4096;

interface Entry {
  connId: string;
  expiresAtMs: number;
}

/** A minted capability: the URL a node loads documents under, and when it stops working. */
export interface MintedCapability {
  url: string;
  expiresAtMs: number;
}

/** `prefix` (`/__openclaw__/cap/<token>`), token and the path below it, or undefined for any other path. */
export function splitCapabilityPath(pathname: string): { prefix: string; token: string; rest: string } | undefined {
  if (!pathname.startsWith(`${CAP_PREFIX}/`)) return undefined;
  const after = pathname.slice(CAP_PREFIX.length + 1);
  const slash = after.indexOf("/");
  const token = slash < 0 ? after : after.slice(0, slash);
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return undefined;
  return { prefix: `${CAP_PREFIX}/${token}`, token, rest: slash < 0 ? "/" : after.slice(slash) };
}

/** The base URL a client is handed, from the Host it dialed; undefined for a Host that is not a host. */
export function baseUrlOf(host: string | undefined, tls: boolean): string | undefined {
  if (!host) return undefined;
  try {
    const url = new URL(`${tls ? "https" : "http"}://${host}`);
    return url.pathname === "/" && !url.username && !url.password ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The capabilities of one gateway generation. */
export class Capabilities {
  readonly #tokens = new Map<string, Entry>();
  readonly #byConn = new Map<string, { token: string; baseUrl: string }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A fresh capability for this connection, replacing the one it had (the old URL stops working). */
  mint(connId: string, baseUrl: string): MintedCapability {
    this.revoke(connId);
    const token = nodeCrypto().randomBytes(18).toString("base64url");
    const expiresAtMs = this.#now() + CAP_TTL_MS;
    if (this.#tokens.size >= MAX_TOKENS) this.#dropOldest();
    this.#tokens.set(token, { connId, expiresAtMs });
    this.#byConn.set(connId, { token, baseUrl });
    return { url: `${baseUrl}${CAP_PREFIX}/${token}`, expiresAtMs };
  }

  /** Mints again for a connection that got one at hello (the base URL it dialed is remembered). */
  refresh(connId: string): MintedCapability | undefined {
    const current = this.#byConn.get(connId);
    return current ? this.mint(connId, current.baseUrl) : undefined;
  }

  /** True while the token is live. */
  valid(token: string): boolean {
    const entry = this.#tokens.get(token);
    if (!entry) return false;
    if (entry.expiresAtMs > this.#now()) return true;
    this.#tokens.delete(token);
    return false;
  }

  /** The connection went away (or got a new token): its capability stops working at once. */
  revoke(connId: string): void {
    const current = this.#byConn.get(connId);
    if (!current) return;
    this.#tokens.delete(current.token);
    this.#byConn.delete(connId);
  }

  get size(): number {
    return this.#tokens.size;
  }

  #dropOldest(): void {
    const oldest = this.#tokens.entries().next().value;
    if (oldest) this.revoke(oldest[1].connId);
  }
}
