// The load generator's WebSocket client: the handshake exactly as the reference CLI sends it (spec §2.2).

/** One authenticated connection; `onFrame` receives every text frame after hello-ok. */
export interface Client {
  ws: WebSocket;
  /** open socket → hello-ok, ms */
  handshakeMs: number;
  onFrame: (text: string, at: number) => void;
}

const connectFrame = (token: string) =>
  JSON.stringify({
    type: "req", id: "c", method: "connect",
    params: {
      minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "bench", platform: "linux", mode: "cli" },
      auth: { token }, role: "operator", scopes: ["operator.read"],
    },
  });

/** Opens a socket and completes the handshake; rejects on refusal, close or after `timeoutMs`. */
export function connect(url: string, token: string, timeoutMs: number): Promise<Client> {
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
      if (text.startsWith('{"type":"event","event":"connect.challenge"')) return ws.send(connectFrame(token));
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
