// Handshake failures whose exact answer was observed on the reference gateway (2026.9.6, loopback, token
// auth configured). No schema pins these down, so the observed frame is the expectation.
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { connectParams, openSocket } from "../helpers/ws.ts";

export interface ConnectCase {
  name: string;
  /** Connect params for the challenge's nonce and ts. */
  params(nonce: string, ts: number): Record<string, unknown>;
  expected: { code: string; message: string; details: Record<string, unknown>; close: number };
}

export interface ConnectOutcome {
  name: string;
  errors: string[];
  /** The error frame and close our gateway answered with. */
  actual: unknown;
}

/** A freshly generated device, signed over the v3 string (spec §2.4) for these params. */
function signedDevice(params: any, nonce: string, ts: number, token: string) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const id = createHash("sha256").update(raw).digest("hex");
  const c = params.client;
  const payload = ["v3", id, c.id, c.mode, params.role, params.scopes.join(","), String(ts), token, nonce, c.platform.toLowerCase(), String(c.deviceFamily ?? "").toLowerCase()].join("|");
  return { id, publicKey: raw.toString("base64url"), signature: sign(null, Buffer.from(payload), privateKey).toString("base64url"), signedAt: ts, nonce };
}

export const CONNECT_CASES: ConnectCase[] = [
  {
    name: "connect: signed device, no auth",
    params(nonce, ts) {
      const params: any = connectParams({ scopes: ["operator.admin"] });
      params.device = signedDevice(params, nonce, ts, "");
      return params;
    },
    expected: {
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token missing (use this gateway's gateway.auth.token or pair the device)",
      details: { code: "AUTH_TOKEN_MISSING", authReason: "token_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" },
      close: 1008,
    },
  },
  {
    name: "connect: no device, no auth",
    params: () => connectParams({ scopes: ["operator.admin"] }),
    expected: { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" }, close: 1008 },
  },
];

/** Runs one case on a fresh socket and compares code, message, details and the close code. */
export async function runConnectCase(url: string, c: ConnectCase): Promise<ConnectOutcome> {
  const socket = openSocket(url);
  try {
    const challenge = await socket.next((f) => f.event === "connect.challenge");
    socket.send({ type: "req", id: "compat-connect", method: "connect", params: c.params(challenge.payload.nonce, challenge.payload.ts) });
    const res = await socket.response("compat-connect", 15_000);
    const closed = res.ok ? undefined : await socket.closed;
    const errors: string[] = [];
    if (res.ok) errors.push(`admitted (hello-ok) where the reference answers ${c.expected.code}`);
    else {
      const e = res.error!;
      if (e.code !== c.expected.code) errors.push(`code ${e.code}, reference ${c.expected.code}`);
      if (e.message !== c.expected.message) errors.push(`message ${JSON.stringify(e.message)}, reference ${JSON.stringify(c.expected.message)}`);
      if (JSON.stringify(e.details ?? null) !== JSON.stringify(c.expected.details)) {
        errors.push(`details ${JSON.stringify(e.details ?? null)}, reference ${JSON.stringify(c.expected.details)}`);
      }
      if (closed?.code !== c.expected.close) errors.push(`close ${closed?.code}, reference ${c.expected.close}`);
    }
    return { name: c.name, errors, actual: { error: res.error, close: closed } };
  } finally {
    socket.close();
  }
}
