// A small, honest WebSocket test client: records every frame and the close, and speaks the v4 handshake.

export interface Frame {
  type: string;
  id?: string | number;
  ok?: boolean;
  event?: string;
  payload?: any;
  error?: { code: string; message: string; details?: any; retryable?: boolean; retryAfterMs?: number };
  seq?: number;
  stateVersion?: { presence: number; health: number };
}

export interface TestSocket {
  ws: WebSocket;
  frames: Frame[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  send(value: unknown): void;
  sendRaw(data: string | Uint8Array): void;
  /** Waits for the first frame (already received or future) matching the predicate. */
  next(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  response(id: string, timeoutMs?: number): Promise<Frame>;
  request(method: string, params?: unknown, timeoutMs?: number): Promise<Frame>;
  close(): void;
}

let counter = 0;

export function openSocket(url: string, headers: Record<string, string> = {}): TestSocket {
  const ws = new WebSocket(url, { headers } as any);
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`websocket error on ${url}`)));
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (e) => {
      resolve({ code: e.code, reason: e.reason });
      for (const wake of waiters) wake();
    });
  });
  ws.addEventListener("message", (e) => {
    const text = typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer);
    frames.push(JSON.parse(text));
    for (const wake of waiters) wake();
  });
  const socket: TestSocket = {
    ws,
    frames,
    opened,
    closed,
    send: (value) => ws.send(JSON.stringify(value)),
    sendRaw: (data) => ws.send(data),
    next(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < frames.length; seen++) {
            if (match(frames[seen]!)) {
              cleanup();
              return resolve(frames[seen]!);
            }
          }
          if (ws.readyState === WebSocket.CLOSED) {
            cleanup();
            reject(new Error(`socket closed before the expected frame; frames: ${JSON.stringify(frames).slice(0, 2000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for a frame; frames: ${JSON.stringify(frames).slice(0, 2000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    response(id, timeoutMs) {
      return socket.next((f) => f.type === "res" && f.id === id, timeoutMs);
    },
    async request(method, params, timeoutMs) {
      const id = `t${++counter}`;
      socket.send(params === undefined ? { type: "req", id, method } : { type: "req", id, method, params });
      return socket.response(id, timeoutMs);
    },
    close: () => ws.close(),
  };
  return socket;
}

/** The reference CLI's connect params for `gateway health` (spec §2.2), with overrides. */
export function connectParams(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "cli", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "cli", instanceId: crypto.randomUUID() },
    caps: [],
    role: "operator",
    scopes: ["operator.read"],
    ...overrides,
  };
}

/** Opens a socket, waits for the challenge, sends connect, and returns the socket and the connect response. */
export async function handshake(url: string, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ socket: TestSocket; hello: Frame }> {
  const socket = openSocket(url, headers);
  await socket.next((f) => f.event === "connect.challenge");
  const id = `1:${crypto.randomUUID()}`;
  socket.send({ type: "req", id, method: "connect", params });
  const hello = await socket.response(id);
  return { socket, hello };
}

/** Connects as the local CLI with the given token and scopes; throws unless hello-ok. */
export async function connectOperator(url: string, token: string, scopes: string[] = ["operator.admin"]): Promise<TestSocket> {
  const { socket, hello } = await handshake(url, connectParams({ auth: { token }, scopes }));
  if (!hello.ok) throw new Error(`connect failed: ${JSON.stringify(hello.error)}`);
  return socket;
}
