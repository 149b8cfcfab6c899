// The agent-delta broadcast row: `listeners` operator.read clients watch one agent run whose model (the
// stand-in's "slow-" model: 60 pieces, 150 ms apart, so each piece is its own `agent` delta) streams an answer;
// for every delta the spread is the time from its first to its last arrival across the clients: the fan-out.
import { latency } from "../_stats.ts";
import { closeAll, connectMany, type Client } from "./_ws.ts";

/** A client allowed to start runs (the listeners only read); token auth, no device. */
function writer(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error("writer handshake timeout")), 10_000);
    ws.onmessage = (e) => {
      const text = String(e.data);
      if (text.includes('"event":"connect.challenge"')) {
        const params = { minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "bench", platform: "linux", mode: "cli" }, auth: { token }, role: "operator", scopes: ["operator.write"] };
        return ws.send(JSON.stringify({ type: "req", id: "c", method: "connect", params }));
      }
      if (text.startsWith('{"type":"res","id":"c"')) {
        clearTimeout(timer);
        return text.includes('"ok":true') ? resolve(ws) : reject(new Error(`writer refused: ${text.slice(0, 200)}`));
      }
    };
    ws.onerror = () => reject(new Error("writer socket error"));
  });
}

type Spreads = Map<string, { first: number; last: number; n: number }>;

/** Records, per event instance (`key` of a matching frame), its first and last arrival across the clients. */
function track(clients: Client[], key: (text: string) => string | undefined): Spreads {
  const seen: Spreads = new Map();
  for (const c of clients) {
    c.onFrame = (text, at) => {
      const k = key(text);
      if (k === undefined) return;
      const s = seen.get(k);
      if (!s) seen.set(k, { first: at, last: at, n: 1 });
      else { s.last = at; s.n++; }
    };
  }
  return seen;
}

function result(seen: Spreads, listeners: number) {
  const spreads = [...seen.values()].map((s) => s.last - s.first);
  const missing = [...seen.values()].reduce((sum, s) => sum + listeners - s.n, 0);
  return { listeners, deltas: seen.size, missing, spread: latency(spreads) };
}

/** One agent run's `agent` assistant deltas, each keyed by its seq. */
export async function agentBroadcast(url: string, token: string, listeners: number) {
  const { clients, failed } = await connectMany(url, token, listeners, 64, performance.now() + 60_000);
  if (failed > 0) throw new Error(`${failed} of ${listeners} listeners failed to connect`);
  const seen = track(clients, (text) => (text.includes('"event":"agent"') && text.includes('"stream":"assistant"') ? /"seq":(\d+)/.exec(text)?.[1] : undefined));
  const w = await writer(url, token);
  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the run did not finish within 60 s")), 60_000);
    w.onmessage = (e) => {
      const text = String(e.data);
      if (text.includes('"stream":"lifecycle"') && !text.includes('"phase":"start"')) { clearTimeout(timer); resolve(); }
    };
  });
  w.send(JSON.stringify({ type: "req", id: "run", method: "agent", params: { message: "go", sessionKey: "bench-broadcast", idempotencyKey: "bench-broadcast" } }));
  await finished;
  await Bun.sleep(500); // the last delta's stragglers
  closeAll(clients);
  w.close();
  return result(seen, listeners);
}

/**
 * The same spread for `rounds` pairs of `health` broadcasts (a probe pair every 150 ms, the agent deltas' pace;
 * each delta is two frames too: `agent`, then `chat`). Against the ceiling this is the bound: the same fan-out
 * to the same clients, read by the same kind of process. Every client sees the broadcasts in one order, so the
 * k-th health frame is the same broadcast everywhere; the first of each pair is timed.
 */
export async function healthSpread(url: string, token: string, listeners: number, rounds: number) {
  const { clients, failed } = await connectMany(url, token, listeners, 64, performance.now() + 60_000);
  if (failed > 0) throw new Error(`${failed} of ${listeners} listeners failed to connect`);
  const counts = new Map<Client, number>();
  const seen: Spreads = new Map();
  for (const c of clients) {
    counts.set(c, 0);
    c.onFrame = (text, at) => {
      if (!text.includes('"event":"health"')) return;
      const k = counts.get(c)!;
      counts.set(c, k + 1);
      if (k % 2 !== 0) return;
      const s = seen.get(String(k));
      if (!s) seen.set(String(k), { first: at, last: at, n: 1 });
      else { s.last = at; s.n++; }
    };
  }
  const w = await writer(url, token);
  for (let r = 0; r < rounds; r++) {
    w.send(`{"type":"req","id":"h${r}a","method":"health","params":{"probe":true}}`);
    w.send(`{"type":"req","id":"h${r}b","method":"health","params":{"probe":true}}`);
    await Bun.sleep(150);
  }
  await Bun.sleep(500);
  closeAll(clients);
  w.close();
  return result(seen, listeners);
}
