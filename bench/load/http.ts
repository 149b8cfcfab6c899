// HTTP scenario: GET /health over `conns` keep-alive TCP connections, one request outstanding on each.
// A raw HTTP/1.1 client over Bun.connect, so the generator's own cost stays small and every socket is reused.
import { latency } from "../_stats.ts";

const decoder = new TextDecoder();

/** Requests per second and latency of `/health` for `seconds`. */
export async function httpHealth(port: number, conns: number, seconds: number) {
  const request = `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;
  let completed = 0;
  let errors = 0;
  const samples: number[] = [];
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  const sockets: { end(): void }[] = [];
  const idle: Promise<void>[] = [];
  for (let i = 0; i < conns; i++) {
    let buffer = "";
    let sentAt = 0;
    let finish!: () => void;
    idle.push(new Promise<void>((resolve) => (finish = resolve)));
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data(s, chunk) {
          buffer += decoder.decode(chunk);
          for (;;) {
            const head = buffer.indexOf("\r\n\r\n");
            if (head < 0) return;
            const length = Number(/content-length: *(\d+)/i.exec(buffer.slice(0, head))?.[1] ?? Number.NaN);
            if (!Number.isFinite(length)) { errors++; s.end(); return finish(); }
            if (buffer.length < head + 4 + length) return;
            if (!buffer.startsWith("HTTP/1.1 200")) errors++;
            buffer = buffer.slice(head + 4 + length);
            const at = performance.now();
            if (at > stopAt) return finish();
            completed++;
            if (completed % 8 === 0) samples.push(at - sentAt);
            sentAt = at;
            s.write(request);
          }
        },
        close() { finish(); },
        error() { errors++; finish(); },
      },
    });
    sockets.push(socket);
    sentAt = performance.now();
    socket.write(request);
  }
  await Promise.race([Promise.all(idle), Bun.sleep(seconds * 1000 + 3000)]);
  for (const s of sockets) s.end();
  const elapsed = (Math.min(performance.now(), stopAt) - started) / 1000;
  return { rps: completed / elapsed, completed, errors, seconds: elapsed, ...latency(samples) };
}
