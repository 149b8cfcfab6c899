// Handshake scenario: open socket → hello-ok, one connection at a time.
import { latency } from "../_stats.ts";
import { benchDevice, connect } from "./_ws.ts";

/**
 * `count` sequential connections, each closed before the next opens; fails loudly on the first refusal.
 * `signed`: each connect also carries an Ed25519 device proof (one key, paired silently on its first connect).
 */
export async function handshakes(url: string, token: string, count: number, maxMs: number, signed = false) {
  const samples: number[] = [];
  const device = signed ? benchDevice() : undefined;
  const deadline = performance.now() + maxMs;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const client = await connect(url, token, 10_000, device);
    samples.push(client.handshakeMs);
    // Wait for the close to finish so sockets do not pile up and later handshakes measure only themselves.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      client.ws.onclose = () => { clearTimeout(timer); resolve(); };
      client.ws.close();
    });
  }
  // The raw samples too: the harness pools slices of ceiling and ours run alternately.
  return { ...latency(samples), requested: count, samples: samples.map((ms) => Math.round(ms * 1000) / 1000) };
}
