// Verifies the Ed25519 device proof a client sends in `connect.device` (spec §2.4): the id is the key's hash,
// the signature covers the v3 (or v2) string bound to this connection's challenge nonce and a fresh `signedAt`.
import type { KeyObject } from "node:crypto";
import { nodeCrypto } from "../platform/node.ts";
import type { ConnectParams } from "../protocol/connect.ts";
import { deviceIdOf, deviceSignatureStrings, signedToken } from "../protocol/device-signature.ts";
import type { ErrorShape } from "../protocol/errors.ts";

/** How far `signedAt` may be from the gateway's clock (the reference's DEVICE_SIGNATURE_SKEW_MS). */
export const DEVICE_SIGNATURE_SKEW_MS = 120_000;

/** A proof that passed: the canonical raw key (base64url) and which signed string matched. */
export interface VerifiedDevice {
  deviceId: string;
  publicKey: string;
  version: "v3" | "v2";
}

export type ProofOutcome = { ok: true; device: VerifiedDevice } | { ok: false; error: ErrorShape };

// Ed25519 SPKI DER = this 12-byte prefix + the 32 raw key bytes.
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** The raw 32-byte key from base64url, base64 or PEM text; undefined when it is not an Ed25519 public key. */
export function rawPublicKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  try {
    if (trimmed.includes("BEGIN")) {
      const der = nodeCrypto().createPublicKey(trimmed).export({ type: "spki", format: "der" });
      if (der.length !== 44 || !der.subarray(0, 12).equals(SPKI_PREFIX)) return undefined;
      return Buffer.from(der.subarray(12));
    }
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
    const raw = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    return raw.length === 32 ? raw : undefined;
  } catch {
    return undefined;
  }
}

// Parsed keys of recent devices: a reconnecting device skips the key import. Bounded; oldest out first.
const KEY_CACHE_MAX = 256;
const keys = new Map<string, KeyObject>();

function keyObject(raw: Buffer): KeyObject {
  const x = raw.toString("base64url");
  let key = keys.get(x);
  if (!key) {
    key = nodeCrypto().createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    if (keys.size >= KEY_CACHE_MAX) keys.delete(keys.keys().next().value!);
    keys.set(x, key);
  }
  return key;
}

/** The exact strings a client signs (spec §2.4); v2 lacks the platform and device family. */
export function signedStrings(params: ConnectParams, role: string, scopes: readonly string[], signedAt: number, nonce: string): { v3: string; v2: string } {
  const { client } = params;
  return deviceSignatureStrings({ deviceId: params.device!.id, clientId: client.id, clientMode: client.mode, role, scopes, signedAt, token: signedToken(params.auth), nonce, platform: client.platform, deviceFamily: client.deviceFamily });
}

function refuse(reason: string, message: string, code: string): ProofOutcome {
  return { ok: false, error: { code: "INVALID_REQUEST", message, details: { code, reason } } };
}

/**
 * Checks in the reference's order: id matches key → signedAt within the skew → nonce present → nonce is this
 * connection's → v3/v2 signature. Each failure is the reference's INVALID_REQUEST frame (closed 1008 by the caller).
 */
export function verifyDeviceProof(params: ConnectParams, role: string, challengeNonce: string, now: number): ProofOutcome {
  const device = params.device!;
  const raw = rawPublicKey(device.publicKey);
  if (!raw || deviceIdOf(raw) !== device.id) return refuse("device-id-mismatch", "device identity mismatch", "DEVICE_AUTH_DEVICE_ID_MISMATCH");
  if (!Number.isFinite(device.signedAt) || Math.abs(now - device.signedAt) > DEVICE_SIGNATURE_SKEW_MS) {
    return refuse("device-signature-stale", "device signature expired", "DEVICE_AUTH_SIGNATURE_EXPIRED");
  }
  const nonce = device.nonce.trim();
  if (!nonce) return refuse("device-nonce-missing", "device nonce required", "DEVICE_AUTH_NONCE_REQUIRED");
  if (nonce !== challengeNonce) return refuse("device-nonce-mismatch", "device nonce mismatch", "DEVICE_AUTH_NONCE_MISMATCH");
  let key: KeyObject;
  try {
    key = keyObject(raw);
  } catch {
    return refuse("device-public-key", "device public key invalid", "DEVICE_AUTH_PUBLIC_KEY_INVALID");
  }
  const signature = decodeSignature(device.signature);
  const strings = signedStrings(params, role, params.scopes ?? [], device.signedAt, nonce);
  const version = signature && (check(key, strings.v3, signature) ? "v3" : check(key, strings.v2, signature) ? "v2" : undefined);
  if (!version) return refuse("device-signature", "device signature invalid", "DEVICE_AUTH_SIGNATURE_INVALID");
  return { ok: true, device: { deviceId: device.id, publicKey: raw.toString("base64url"), version } };
}

function decodeSignature(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === 64 ? bytes : undefined;
}

function check(key: KeyObject, text: string, signature: Buffer): boolean {
  try {
    return nodeCrypto().verify(null, Buffer.from(text, "utf8"), key, signature);
  } catch {
    return false;
  }
}
