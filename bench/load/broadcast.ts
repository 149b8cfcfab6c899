// Broadcast scenario: `listeners` clients wait while one more client asks for `health {probe:true}`, which the
// server broadcasts as a `health` event (spec §4); each arrival is timed from the moment the request left.
import { latency } from "../_stats.ts";
import { closeAll, connect, connectMany } from "./_ws.ts";

/** `rounds` broadcasts to `listeners` clients: pooled p50/p99 of arrival, and the worst round's p99. */
export async function broadcast(url: string, token: string, listeners: number, rounds: number) {
  const { clients, failed } = await connectMany(url, token, listeners, 64, performance.now() + 60_000);
  if (failed > 0) throw new Error(`${failed} of ${listeners} listeners failed to connect`);
  const trigger = await connect(url, token, 10_000);
  const all: number[] = [];
  const roundP99: number[] = [];
  let missing = 0;
  for (let r = 0; r < rounds; r++) {
    const arrivals: number[] = [];
    const wallStart = Date.now();
    let sentAt = 0;
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      for (const c of clients) {
        let seen = false;
        c.onFrame = (text, at) => {
          if (seen || !text.includes('"event":"health"')) return;
          // The periodic refresh (every 60 s) is also a `health` event: only count one produced by this round.
          const ts = Number(/"ts":(\d+)/.exec(text)?.[1] ?? 0);
          if (ts < wallStart - 1) return;
          seen = true;
          arrivals.push(at - sentAt);
          if (arrivals.length === clients.length) { clearTimeout(timer); resolve(); }
        };
      }
    });
    sentAt = performance.now();
    trigger.ws.send(`{"type":"req","id":"b${r}","method":"health","params":{"probe":true}}`);
    await done;
    missing += clients.length - arrivals.length;
    all.push(...arrivals);
    roundP99.push(latency(arrivals).p99);
    await Bun.sleep(200);
  }
  closeAll([...clients, trigger]);
  return { ...latency(all), worstRoundP99: Math.max(...roundP99), rounds, listeners, missing };
}
