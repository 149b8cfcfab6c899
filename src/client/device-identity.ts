// The CLI's own device identity: an Ed25519 key kept in `<state dir>/identity/device.json` (0600, dir 0700),
// used to sign `connect` for non-loopback gateways exactly as the reference CLI does (spec §2.4), and the
// device token a gateway issued to it (`identity/device-auth.json`, 0600).
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { nodeCrypto } from "../platform/node.ts";
import { deviceIdOf, deviceSignatureStrings, signedToken } from "../protocol/device-signature.ts";
import { join } from "node:path";

/** A loaded identity: the id (hex SHA-256 of the raw key), the raw key (base64url) and the private key. */
export interface DeviceIdentity {
  deviceId: string;
  publicKey: string;
  privateKey: KeyObject;
}

/** The `device` block of `connect`, signed over this connection's challenge. */
export interface SignedDevice {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

interface StoredIdentity {
  version: 1;
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAtMs: number;
}

function writePrivate(dir: string, file: string, text: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

function rawOf(publicKey: KeyObject): Buffer {
  return Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
}

/** Loads the identity, creating it on first use; a damaged file is an error (never silently replaced). */
export function loadOrCreateIdentity(stateDir: string, now: () => number = Date.now): DeviceIdentity {
  const dir = join(stateDir, "identity");
  const file = join(dir, "device.json");
  let stored: StoredIdentity;
  try {
    stored = JSON.parse(readFileSync(file, "utf8")) as StoredIdentity;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`device identity unreadable (${file}): ${(error as Error).message}`);
    const { publicKey, privateKey } = nodeCrypto().generateKeyPairSync("ed25519");
    stored = {
      version: 1,
      deviceId: deviceIdOf(rawOf(publicKey)),
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      createdAtMs: now(),
    };
    writePrivate(dir, file, `${JSON.stringify(stored, null, 2)}\n`);
  }
  const raw = rawOf(nodeCrypto().createPublicKey(stored.publicKeyPem));
  return { deviceId: deviceIdOf(raw), publicKey: raw.toString("base64url"), privateKey: nodeCrypto().createPrivateKey(stored.privateKeyPem) };
}

/** Signs the v3 string over these connect params and this challenge (signedAt = the challenge's ts). */
export function signConnect(identity: DeviceIdentity, params: Record<string, any>, challenge: { nonce: string; ts: number }): SignedDevice {
  const { v3: text } = deviceSignatureStrings({
    deviceId: identity.deviceId, clientId: params.client.id, clientMode: params.client.mode, role: params.role ?? "operator", scopes: params.scopes ?? [],
    signedAt: challenge.ts, token: signedToken(params.auth), nonce: challenge.nonce, platform: params.client.platform, deviceFamily: params.client.deviceFamily,
  });
  const signature = nodeCrypto().sign(null, Buffer.from(text, "utf8"), identity.privateKey).toString("base64url");
  return { id: identity.deviceId, publicKey: identity.publicKey, signature, signedAt: challenge.ts, nonce: challenge.nonce };
}

/** The device token a gateway issued (hello-ok `auth.deviceToken`), kept per gateway URL and role. */
export function saveDeviceToken(stateDir: string, url: string, role: string, token: string, scopes: readonly string[]): void {
  const dir = join(stateDir, "identity");
  const file = join(dir, "device-auth.json");
  let stored: { version: 1; tokens: Record<string, { token: string; role: string; scopes: string[]; updatedAtMs: number }> } = { version: 1, tokens: {} };
  try {
    stored = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // First token, or an unreadable file that is rewritten whole.
  }
  stored.tokens[`${url}|${role}`] = { token, role, scopes: [...scopes], updatedAtMs: Date.now() };
  writePrivate(dir, file, `${JSON.stringify(stored, null, 2)}\n`);
}

/** The stored device token for this gateway URL and role, if any. */
export function loadDeviceToken(stateDir: string, url: string, role: string): string | undefined {
  try {
    const stored = JSON.parse(readFileSync(join(stateDir, "identity", "device-auth.json"), "utf8"));
    return stored.tokens?.[`${url}|${role}`]?.token;
  } catch {
    return undefined;
  }
}
