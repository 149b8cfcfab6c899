// A test device: an Ed25519 key made with node:crypto, signing connect exactly as the reference CLI does (spec §2.4).
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { handshake, openSocket, type Frame, type TestSocket } from "../helpers/ws.ts";

export interface TestDevice {
  id: string;
  publicKey: string;
  privateKey: KeyObject;
}

export function makeDevice(): TestDevice {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  return { id: createHash("sha256").update(raw).digest("hex"), publicKey: raw.toString("base64url"), privateKey };
}

/** The v3 string over the connect params (or v2 when asked). */
export function payload(params: any, device: { id: string }, signedAt: number, nonce: string, version: "v3" | "v2" = "v3"): string {
  const token = params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken ?? "";
  const base = [device.id, params.client.id, params.client.mode, params.role ?? "operator", (params.scopes ?? []).join(","), String(signedAt), token, nonce];
  if (version === "v2") return ["v2", ...base].join("|");
  const low = (v: unknown) => (typeof v === "string" ? v.trim().replace(/[A-Z]/g, (c) => c.toLowerCase()) : "");
  return ["v3", ...base, low(params.client.platform), low(params.client.deviceFamily)].join("|");
}

export function signWith(device: TestDevice, text: string): string {
  return sign(null, Buffer.from(text, "utf8"), device.privateKey).toString("base64url");
}

/** Adds a correctly signed `device` to connect params for this challenge (tamper hooks for fuzzing). */
export function signedParams(params: any, device: TestDevice, challenge: { nonce: string; ts: number }, tweak: { signedAt?: number; nonce?: string; version?: "v3" | "v2"; id?: string; publicKey?: string; signature?: string } = {}): any {
  const signedAt = tweak.signedAt ?? challenge.ts;
  const nonce = tweak.nonce ?? challenge.nonce;
  const id = tweak.id ?? device.id;
  const signature = tweak.signature ?? signWith(device, payload(params, { id }, signedAt, nonce, tweak.version));
  return { ...params, device: { id, publicKey: tweak.publicKey ?? device.publicKey, signature, signedAt, nonce } };
}

/** Opens a socket, signs connect over its challenge, and returns the socket and the connect response. */
export async function deviceHandshake(url: string, params: any, device: TestDevice, tweak: Parameters<typeof signedParams>[3] = {}, headers: Record<string, string> = {}): Promise<{ socket: TestSocket; hello: Frame }> {
  const socket = openSocket(url, headers);
  const challenge = await socket.next((f) => f.event === "connect.challenge");
  const id = `1:${crypto.randomUUID()}`;
  socket.send({ type: "req", id, method: "connect", params: signedParams(params, device, challenge.payload, tweak) });
  const hello = await socket.response(id);
  return { socket, hello };
}

export { handshake };
