// RPC scenarios: sequential `health` on one connection, and pipelined `health` (or another method) over many connections.
import { latency } from "../_stats.ts";
import { closeAll, connect, connectMany, type Client } from "./_ws.ts";

const request = (id: number, method = "health") => `{"type":"req","id":"${id}","method":${JSON.stringify(method)}}`;
/** Reads the response id without parsing the whole payload; responses put `id` second (spec §3). */
const responseId = (text: string) => (text.startsWith('{"type":"res","id":"') ? text.slice(20, text.indexOf('"', 20)) : undefined);

/** `count` requests, each sent when the previous answered: per-request latency. */
export async function rpcSequential(url: string, token: string, count: number, maxMs: number) {
  const client = await connect(url, token, 10_000);
  const samples: number[] = [];
  const deadline = performance.now() + maxMs;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const sent = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to request ${i}`)), 10_000);
      client.onFrame = (text, at) => {
        if (responseId(text) !== String(i)) return;
        clearTimeout(timer);
        samples.push(at - sent);
        resolve();
      };
      client.ws.send(request(i));
    });
  }
  closeAll([client]);
  return { ...latency(samples), requested: count };
}

/** `conns` connections each keeping `depth` requests in flight for `seconds`: completed requests per second. */
export async function rpcPipelined(url: string, token: string, conns: number, depth: number, seconds: number, method = "health") {
  const { clients, failed } = await connectMany(url, token, conns, conns, performance.now() + 15_000);
  if (failed > 0) throw new Error(`${failed} of ${conns} connections failed`);
  let completed = 0;
  let inFlight = 0;
  const samples: number[] = [];
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  const drive = (client: Client) => {
    const sentAt = new Map<string, number>();
    let id = 0;
    const send = () => {
      const key = String(id++);
      sentAt.set(key, performance.now());
      inFlight++;
      client.ws.send(request(Number(key), method));
    };
    client.onFrame = (text, at) => {
      const key = responseId(text);
      const sent = key === undefined ? undefined : sentAt.get(key);
      if (sent === undefined) return;
      sentAt.delete(key!);
      inFlight--;
      if (at > stopAt) return;
      completed++;
      if (completed % 16 === 0) samples.push(at - sent); // a sample of latencies keeps memory flat
      send();
    };
    for (let i = 0; i < depth; i++) send();
  };
  clients.forEach(drive);
  await Bun.sleep(seconds * 1000);
  const drainUntil = performance.now() + 2000;
  while (inFlight > 0 && performance.now() < drainUntil) await Bun.sleep(10);
  closeAll(clients);
  const elapsed = (Math.min(performance.now(), stopAt) - started) / 1000;
  return { rps: completed / elapsed, completed, seconds: elapsed, ...latency(samples) };
}
