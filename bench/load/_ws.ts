// The load generator's WebSocket client: the handshake exactly as the reference CLI sends it (spec §2.2).

/** One authenticated connection; `onFrame` receives every text frame after hello-ok. */
export interface Client {
  ws: WebSocket;
  /** open socket → hello-ok, ms */
  handshakeMs: number;
  onFrame: (text: string, at: number) => void;
}

import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";

/** A signing device for the signed-handshake row: one Ed25519 key per load process (paired on first connect). */
export interface BenchDevice { id: string; publicKey: string; privateKey: KeyObject }

export function benchDevice(): BenchDevice {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  return { id: createHash("sha256").update(raw).digest("hex"), publicKey: raw.toString("base64url"), privateKey };
}

const connectFrame = (token: string, device?: BenchDevice, challenge?: { nonce: string; ts: number }) => {
  const params: Record<string, unknown> = {
    minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "bench", platform: "linux", mode: "cli" },
    auth: { token }, role: "operator", scopes: ["operator.read"],
  };
  if (device && challenge) {
    // The v3 string as the reference CLI signs it (spec §2.4); deviceFamily absent → empty last field.
    const text = ["v3", device.id, "cli", "cli", "operator", "operator.read", String(challenge.ts), token, challenge.nonce, "linux", ""].join("|");
    const signature = sign(null, Buffer.from(text), device.privateKey).toString("base64url");
    params.device = { id: device.id, publicKey: device.publicKey, signature, signedAt: challenge.ts, nonce: challenge.nonce };
  }
  return JSON.stringify({ type: "req", id: "c", method: "connect", params });
};

/** Opens a socket and completes the handshake; rejects on refusal, close or after `timeoutMs`. */
export function connect(url: string, token: string, timeoutMs: number, device?: BenchDevice): Promise<Client> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const ws = new WebSocket(url);
    let client: Client | undefined;
    const timer = setTimeout(() => fail(new Error(`handshake timeout after ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (!client) {
        try { ws.close(); } catch { /* already closed */ }
        reject(error);
      }
    };
    ws.onmessage = (event) => {
      const at = performance.now();
      const text = typeof event.data === "string" ? event.data : String(event.data);
      if (client) return client.onFrame(text, at);
      if (text.startsWith('{"type":"res","id":"c","ok":true')) {
        clearTimeout(timer);
        client = { ws, handshakeMs: at - started, onFrame: () => {} };
        return resolve(client);
      }
      // hello-ok lists "connect.challenge" among its events, so match the event frame's own prefix.
      if (text.startsWith('{"type":"event","event":"connect.challenge"')) {
        return ws.send(connectFrame(token, device, device ? (JSON.parse(text).payload as { nonce: string; ts: number }) : undefined));
      }
      fail(new Error(`handshake refused: ${text.slice(0, 200)}`));
    };
    ws.onerror = () => fail(new Error("socket error"));
    ws.onclose = (event) => fail(new Error(`closed ${event.code} before hello-ok`));
  });
}

/** Opens `count` connections with at most `parallel` handshakes in flight, stopping at `deadline` (performance.now()). */
export async function connectMany(url: string, token: string, count: number, parallel: number, deadline: number) {
  const clients: Client[] = [];
  const errors = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      next++;
      try {
        clients.push(await connect(url, token, Math.max(1, Math.min(30_000, deadline - performance.now()))));
      } catch (error) {
        const key = (error as Error).message.slice(0, 80);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return { clients, failed: count - clients.length, errors: Object.fromEntries(errors) };
}

/** Closes every client (best effort; the process exits right after). */
export function closeAll(clients: readonly Client[]): void {
  for (const c of clients) {
    try { c.ws.close(); } catch { /* gone */ }
  }
}
