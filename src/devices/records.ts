// The records of the pairing store, as kept on disk (tokens only as hashes) and, redacted, shown on the wire.

/** What a device said about itself when it asked: shared by a pending request and the device once paired. */
export interface DeviceDescription {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  role?: string;
  roles?: string[];
  scopes?: string[];
  remoteIp?: string;
}

/** One pairing request as `device.pair.list` and `device.pair.requested` show it. */
export interface PendingRequest extends DeviceDescription {
  requestId: string;
  silent?: boolean;
  isRepair?: boolean;
  ts: number;
}

/** A role token as stored: hashes only, never the token. */
export interface StoredToken {
  role: string;
  scopes: string[];
  hashes: string[];
  createdAtMs: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

/** A node's command surface (caps, commands, permissions) as an owner approved it. */
export interface NodeSurface {
  caps?: string[];
  commands?: string[];
  permissions?: Record<string, boolean>;
  version?: string;
  displayName?: string;
  modelIdentifier?: string;
  createdAtMs?: number;
  approvedAtMs?: number;
  lastConnectedAtMs?: number;
}

/** A node's declared surface waiting for `node.pair.approve` (a device may be paired while this waits). */
export interface PendingNodeSurface {
  requestId: string;
  clientId?: string;
  clientMode?: string;
  displayName?: string;
  platform?: string;
  version?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  caps?: string[];
  commands?: string[];
  permissions?: Record<string, boolean>;
  remoteIp?: string;
  ts: number;
}

/** A paired device as stored. */
export interface PairedDevice extends DeviceDescription {
  operatorLabel?: string;
  approvedScopes?: string[];
  approvedVia?: "owner" | "silent" | "bootstrap";
  nodeSurface?: NodeSurface;
  pendingNodeSurface?: PendingNodeSurface;
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number;
  lastSeenReason?: string;
  /** The last `node.host.stats` snapshot a node sent (with the gateway's receipt time), kept for offline rows. */
  lastHostStats?: Record<string, unknown>;
  tokens?: Record<string, StoredToken>;
}

/** A token just issued: the only moment its plaintext exists on the gateway. */
export interface IssuedToken {
  token: string;
  role: string;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs?: number;
}

export type TokenCheck = { ok: true } | { ok: false; reason: "device-not-paired" | "token-missing" | "token-revoked" | "token-mismatch" | "scope-mismatch" };
