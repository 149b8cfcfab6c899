// The device proof of `connect` (spec §2.4): the exact string a client signs and the gateway verifies, and the device
// id of a raw Ed25519 key. One definition for both sides, so the CLI's signature and the gateway's check cannot drift.

/** The fields the signed string covers, in the reference's order. */
export interface DeviceSignatureFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAt: number;
  /** The shared token, else the device token, else the bootstrap token, else "". */
  token: string;
  nonce: string;
  platform?: unknown;
  deviceFamily?: unknown;
}

/** The reference lowers only ASCII A–Z after trimming; non-strings become "". */
function normalizeMeta(value: unknown): string {
  if (typeof value !== "string") return "";
  return value.trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The v3 string, and the older v2 form (without platform and device family) the gateway still accepts. */
export function deviceSignatureStrings(f: DeviceSignatureFields): { v3: string; v2: string } {
  const base = [f.deviceId, f.clientId, f.clientMode, f.role, f.scopes.join(","), String(f.signedAt), f.token, f.nonce];
  return { v3: ["v3", ...base, normalizeMeta(f.platform), normalizeMeta(f.deviceFamily)].join("|"), v2: ["v2", ...base].join("|") };
}

/** The token a connect's signature covers: the shared token, else the device token, else the bootstrap token. */
export function signedToken(auth: { token?: unknown; deviceToken?: unknown; bootstrapToken?: unknown } | undefined): string {
  const pick = auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? "";
  return typeof pick === "string" ? pick : "";
}

/** The device id for a raw key: hex SHA-256 of its 32 bytes. */
export function deviceIdOf(raw: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(raw).digest("hex");
}
