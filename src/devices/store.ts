// The pairing store under `<state dir>/devices/`: pending requests, paired devices and their role tokens.
// One JSON file, rewritten atomically (state-file.ts: 0600 in a 0700 dir); tokens are kept only as SHA-256 hashes.
import { readFileSync } from "node:fs";
import { nodeCrypto } from "../platform/node.ts";
import { join } from "node:path";
import { missingScope, normalizeScopes } from "./scopes.ts";
import { saveDeviceState } from "./state-file.ts";
import type { IssuedToken, NodeSurface, PairedDevice, PendingNodeSurface, PendingRequest, StoredToken, TokenCheck } from "./records.ts";

export type { IssuedToken, NodeSurface, PairedDevice, PendingNodeSurface, PendingRequest, StoredToken, TokenCheck } from "./records.ts";

/** Pending requests expire after five minutes (the reference's DEVICE_PAIRING_PENDING_TTL_MS). */
export const PENDING_TTL_MS = 300_000;
/** At most this many pending requests are kept; the oldest goes first (a flood cannot grow the file). */
export const MAX_PENDING = 256;
/** Live tokens per device and role: each connect over a shared secret issues one; older ones retire. */
const MAX_TOKEN_HASHES = 8;

interface State {
  version: 1;
  pending: Record<string, PendingRequest>;
  paired: Record<string, PairedDevice>;
}

/** Metadata-only changes (last seen, last used) are written at most this often: a connect costs no write. */
const METADATA_FLUSH_MS = 2_000;

const hash = (token: string) => nodeCrypto().createHash("sha256").update(token, "utf8").digest("hex");

function hashMatches(token: string, hashes: readonly string[]): boolean {
  const presented = Buffer.from(hash(token), "hex");
  return hashes.some((h) => {
    const stored = Buffer.from(h, "hex");
    return stored.length === presented.length && nodeCrypto().timingSafeEqual(stored, presented);
  });
}

/** The file-backed pairing state; every mutation is persisted before it returns. */
export class PairingStore {
  readonly #file: string;
  #state: State | undefined;
  readonly #now: () => number;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  // Device tokens are derived from this per-process secret (never stored): a device reconnecting over the shared
  // secret gets the same token back without a new hash or a write; after a restart it gets a new one.
  readonly #tokenKey = nodeCrypto().randomBytes(32);

  constructor(stateDir: string, now: () => number = Date.now) {
    this.#file = join(stateDir, "devices", "pairing.json");
    this.#now = now;
  }

  #load(): State {
    if (!this.#state) {
      try {
        const parsed = JSON.parse(readFileSync(this.#file, "utf8")) as State;
        this.#state = { version: 1, pending: parsed.pending ?? {}, paired: parsed.paired ?? {} };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`device pairing store unreadable: ${(error as Error).message}`);
        this.#state = { version: 1, pending: {}, paired: {} };
      }
    }
    const now = this.#now();
    for (const [id, request] of Object.entries(this.#state.pending)) if (now - request.ts > PENDING_TTL_MS) delete this.#state.pending[id];
    return this.#state;
  }

  /** Persists metadata-only changes soon (coalesced); a security-relevant mutation saves at once and covers them. */
  #saveSoon(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      try {
        this.#save();
      } catch {
        // The next mutation retries the write; metadata is not worth failing anything for.
      }
    }, METADATA_FLUSH_MS);
    this.#flushTimer.unref?.();
  }

  /** Writes pending metadata now (gateway stop). */
  flush(): void {
    if (!this.#flushTimer) return;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#save();
  }

  #save(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    saveDeviceState(this.#file, this.#state);
  }

  listPending(): PendingRequest[] {
    return Object.values(this.#load().pending).sort((a, b) => b.ts - a.ts);
  }

  listPaired(): PairedDevice[] {
    return Object.values(this.#load().paired).sort((a, b) => a.approvedAtMs - b.approvedAtMs);
  }

  getPaired(deviceId: string): PairedDevice | undefined {
    return this.#load().paired[deviceId];
  }

  getPending(requestId: string): PendingRequest | undefined {
    return this.#load().pending[requestId];
  }

  /** Files a request (or refreshes this device's open one); `created` tells whether it is new. */
  request(input: Omit<PendingRequest, "requestId" | "ts" | "isRepair">): { request: PendingRequest; created: boolean; superseded: PendingRequest[] } {
    const state = this.#load();
    const open = Object.values(state.pending).filter((p) => p.deviceId === input.deviceId);
    const same = open.find((p) => p.publicKey === input.publicKey && p.role === input.role && sameList(p.scopes, input.scopes));
    const superseded = open.filter((p) => p !== same);
    for (const p of superseded) delete state.pending[p.requestId];
    const isRepair = state.paired[input.deviceId] !== undefined;
    const request: PendingRequest = same
      ? { ...same, ...strip(input), ts: this.#now() }
      : { requestId: nodeCrypto().randomUUID(), ...strip(input), isRepair, ts: this.#now() };
    state.pending[request.requestId] = request;
    const ids = Object.keys(state.pending);
    if (ids.length > MAX_PENDING) for (const old of this.listPending().slice(MAX_PENDING)) delete state.pending[old.requestId];
    this.#save();
    return { request, created: !same, superseded };
  }

  /** Approves a request: the device gains the request's role and scopes. Undefined when the id is unknown. */
  approve(requestId: string, approvedVia: "owner" | "silent" | "bootstrap", seen?: { reason: string; remoteIp?: string }): PairedDevice | undefined {
    const state = this.#load();
    const request = state.pending[requestId];
    if (!request) return undefined;
    delete state.pending[requestId];
    const now = this.#now();
    const prior = state.paired[request.deviceId];
    const sameKey = prior?.publicKey === request.publicKey;
    const roles = [...new Set([...(sameKey ? (prior.roles ?? []) : []), ...(request.roles ?? []), ...(request.role ? [request.role] : [])])];
    const scopes = normalizeScopes([...(sameKey ? (prior.approvedScopes ?? prior.scopes ?? []) : []), ...(request.scopes ?? [])]);
    const device: PairedDevice = {
      ...(sameKey ? prior : {}),
      deviceId: request.deviceId,
      publicKey: request.publicKey,
      ...pick(request, ["displayName", "platform", "deviceFamily", "clientId", "clientMode", "remoteIp"]),
      role: request.role,
      roles,
      scopes,
      approvedScopes: scopes,
      approvedVia,
      createdAtMs: sameKey ? prior.createdAtMs : now,
      approvedAtMs: now,
      ...(seen ? { lastSeenAtMs: now, lastSeenReason: seen.reason } : {}),
      tokens: sameKey ? prior.tokens : undefined,
    };
    // Approval grants the role a token entry at once (the reference lists it); its secret is issued on connect.
    const tokens = (device.tokens ??= {});
    for (const role of roles) tokens[role] ??= { role, scopes: role === "operator" ? scopes : [], hashes: [], createdAtMs: now };
    state.paired[device.deviceId] = device;
    this.#save();
    return device;
  }

  reject(requestId: string): PendingRequest | undefined {
    const state = this.#load();
    const request = state.pending[requestId];
    if (!request) return undefined;
    delete state.pending[requestId];
    this.#save();
    return request;
  }

  remove(deviceId: string): PairedDevice | undefined {
    const state = this.#load();
    const device = state.paired[deviceId];
    if (!device) return undefined;
    delete state.paired[deviceId];
    for (const p of Object.values(state.pending)) if (p.deviceId === deviceId) delete state.pending[p.requestId];
    this.#save();
    return device;
  }

  /** Updates what the device last said about itself and when it was seen. */
  touch(deviceId: string, patch: Partial<Pick<PairedDevice, "displayName" | "operatorLabel" | "remoteIp" | "lastSeenAtMs" | "lastSeenReason" | "lastHostStats" | "nodeSurface" | "clientId" | "clientMode">>): PairedDevice | undefined {
    const device = this.#load().paired[deviceId];
    if (!device) return undefined;
    const metadataOnly = Object.keys(patch).every((k) => k === "lastSeenAtMs" || k === "lastSeenReason" || k === "lastHostStats" || k === "remoteIp" || k === "displayName");
    Object.assign(device, strip(patch));
    if (metadataOnly) this.#saveSoon();
    else this.#save();
    return device;
  }

  /** Files (or refreshes) the node's declared surface for approval; `created` when it is a new request. */
  requestNodeSurface(deviceId: string, surface: Omit<PendingNodeSurface, "requestId" | "ts">): { request: PendingNodeSurface; created: boolean } | undefined {
    const device = this.#load().paired[deviceId];
    if (!device) return undefined;
    const prior = device.pendingNodeSurface;
    const same = prior && sameList(prior.caps, surface.caps) && sameList(prior.commands, surface.commands) && samePermissions(prior.permissions, surface.permissions);
    const request: PendingNodeSurface = { ...strip(surface), requestId: same ? prior.requestId : nodeCrypto().randomUUID(), ts: this.#now() };
    device.pendingNodeSurface = request;
    this.#save();
    return { request, created: !same };
  }

  /** Makes a surface the approved one (an owner's node.pair.approve, or a silent local approval). */
  approveNodeSurface(deviceId: string, surface: Omit<NodeSurface, "createdAtMs" | "approvedAtMs">): PairedDevice | undefined {
    const device = this.#load().paired[deviceId];
    if (!device) return undefined;
    const now = this.#now();
    device.nodeSurface = { ...strip(surface), createdAtMs: device.nodeSurface?.createdAtMs ?? now, approvedAtMs: now };
    delete device.pendingNodeSurface;
    this.#save();
    return device;
  }

  /** The device whose pending node surface has this request id. */
  findNodeSurfaceRequest(requestId: string): PairedDevice | undefined {
    return Object.values(this.#load().paired).find((d) => d.pendingNodeSurface?.requestId === requestId);
  }

  rejectNodeSurface(requestId: string): { requestId: string; nodeId: string } | undefined {
    const device = this.findNodeSurfaceRequest(requestId);
    if (!device) return undefined;
    delete device.pendingNodeSurface;
    this.#save();
    return { requestId, nodeId: device.deviceId };
  }

  /**
   * A token for this role within the approved scopes: the presented one when it is still valid (no churn for
   * clients that reconnect with it), else a fresh one added beside the others. Undefined when the role is not approved.
   */
  issueToken(deviceId: string, role: string, scopes: readonly string[], presented?: string): IssuedToken | undefined {
    const device = this.#load().paired[deviceId];
    if (!device || !(device.roles ?? []).includes(role)) return undefined;
    const requested = normalizeScopes(scopes);
    if (missingScope(role, requested, device.approvedScopes ?? device.scopes ?? []) !== undefined) return undefined;
    const now = this.#now();
    const tokens = (device.tokens ??= {});
    const existing = tokens[role];
    const live = existing && !existing.revokedAtMs ? existing : undefined;
    if (live && presented && hashMatches(presented, live.hashes) && missingScope(role, requested, live.scopes) === undefined) {
      return { token: presented, role, scopes: live.scopes, createdAtMs: live.createdAtMs, ...(live.rotatedAtMs ? { rotatedAtMs: live.rotatedAtMs } : {}) };
    }
    const keep = live && missingScope(role, requested, live.scopes) === undefined;
    if (keep) {
      const derived = this.#derive(deviceId, role, live);
      if (live.hashes.includes(hash(derived))) return { token: derived, role, scopes: live.scopes, createdAtMs: live.createdAtMs, ...(live.rotatedAtMs ? { rotatedAtMs: live.rotatedAtMs } : {}) };
    }
    const token = keep ? this.#derive(deviceId, role, live) : nodeCrypto().randomBytes(32).toString("base64url");
    const next: StoredToken = keep
      ? { ...live, hashes: [...live.hashes, hash(token)].slice(-MAX_TOKEN_HASHES) }
      : { role, scopes: requested, hashes: [hash(token)], createdAtMs: existing?.createdAtMs ?? now, ...(existing ? { rotatedAtMs: now } : {}) };
    tokens[role] = next;
    this.#save();
    return { token, role, scopes: next.scopes, createdAtMs: next.createdAtMs, ...(next.rotatedAtMs ? { rotatedAtMs: next.rotatedAtMs } : {}) };
  }

  /** This process's token for a live role entry: same inputs, same token; a rotation or restart changes it. */
  #derive(deviceId: string, role: string, entry: StoredToken): string {
    return nodeCrypto().createHmac("sha256", this.#tokenKey).update(`${deviceId}|${role}|${entry.createdAtMs}|${entry.rotatedAtMs ?? 0}|${entry.revokedAtMs ?? 0}`).digest("base64url");
  }

  /** Checks a presented device token for this role and requested scopes; marks it used on success. */
  verifyToken(deviceId: string, role: string, token: string, scopes: readonly string[]): TokenCheck {
    const device = this.#load().paired[deviceId];
    if (!device) return { ok: false, reason: "device-not-paired" };
    const entry = device.tokens?.[role];
    if (!entry) return { ok: false, reason: "token-missing" };
    if (entry.revokedAtMs) return { ok: false, reason: "token-revoked" };
    if (!hashMatches(token, entry.hashes)) return { ok: false, reason: "token-mismatch" };
    const approved = device.approvedScopes ?? device.scopes ?? [];
    if (missingScope(role, entry.scopes, approved) !== undefined || missingScope(role, scopes, entry.scopes) !== undefined) return { ok: false, reason: "scope-mismatch" };
    const now = this.#now();
    entry.lastUsedAtMs = now;
    device.lastSeenAtMs = now;
    device.lastSeenReason = "device-token-auth";
    this.#saveSoon();
    return { ok: true };
  }

  /** Replaces every token of the role with one new token (scopes default to the current ones). */
  rotateToken(deviceId: string, role: string, scopes?: readonly string[]): IssuedToken | { denied: string } {
    const device = this.#load().paired[deviceId];
    if (!device) return { denied: "unknown-device" };
    if (!(device.roles ?? []).includes(role)) return { denied: "unknown-role" };
    const existing = device.tokens?.[role];
    const next = normalizeScopes(scopes ?? existing?.scopes ?? device.approvedScopes ?? []);
    if (missingScope(role, next, device.approvedScopes ?? device.scopes ?? []) !== undefined) return { denied: "scope-outside-approval" };
    const now = this.#now();
    const token = nodeCrypto().randomBytes(32).toString("base64url");
    (device.tokens ??= {})[role] = { role, scopes: next, hashes: [hash(token)], createdAtMs: existing?.createdAtMs ?? now, rotatedAtMs: now };
    this.#save();
    return { token, role, scopes: next, createdAtMs: existing?.createdAtMs ?? now, rotatedAtMs: now };
  }

  /** Revokes the role's tokens; undefined when the device or role has none. */
  revokeToken(deviceId: string, role: string): { revokedAtMs: number } | undefined {
    const entry = this.#load().paired[deviceId]?.tokens?.[role];
    if (!entry) return undefined;
    entry.revokedAtMs = this.#now();
    entry.hashes = [];
    this.#save();
    return { revokedAtMs: entry.revokedAtMs };
  }
}

/** Same members, any order (declared caps and commands are sets). */
export function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return normalizeScopes(a).join("\u0000") === normalizeScopes(b).join("\u0000");
}

export function samePermissions(a: Record<string, boolean> | undefined, b: Record<string, boolean> | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].every((k) => Boolean(a?.[k]) === Boolean(b?.[k]));
}

/** Drops keys whose value is undefined so stored records stay minimal. */
function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Partial<Pick<T, K>> {
  return strip(Object.fromEntries(keys.map((k) => [k, value[k]])) as Partial<Pick<T, K>>);
}
