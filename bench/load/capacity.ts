// Capacity scenario: open `count` authenticated connections and hold them idle while the harness reads the
// server's memory; the harness says "close" on stdin (or the hold times out) and the result follows.
import { closeAll, connectMany } from "./_ws.ts";

/** Connects, reports `{phase:"held"}` on stdout, waits for "close" on stdin at most `holdMs`, then closes all. */
export async function capacity(url: string, token: string, count: number, parallel: number, maxMs: number, holdMs: number) {
  const started = performance.now();
  const { clients, failed, errors } = await connectMany(url, token, count, parallel, started + maxMs);
  const connectSeconds = (performance.now() - started) / 1000;
  let closedByServer = 0;
  for (const c of clients) c.ws.addEventListener("close", () => closedByServer++);
  console.log(JSON.stringify({ phase: "held", held: clients.length, failed, errors, connectSeconds }));
  await Promise.race([waitForLine("close"), Bun.sleep(holdMs)]);
  const stillOpen = clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length;
  closeAll(clients);
  return { requested: count, held: clients.length, failed, errors, connectSeconds, stillOpen, closedByServer };
}

async function waitForLine(word: string): Promise<void> {
  const reader = Bun.stdin.stream().getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    text += new TextDecoder().decode(value);
    if (text.includes(word)) return;
  }
}
