// A client that stops reading while asking for megabytes is closed 1008 "slow consumer"; others are unaffected.
import { afterAll, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnGateway, stopAllGateways } from "../helpers/gateway.ts";
import { connectOperator, connectParams } from "../helpers/ws.ts";

afterAll(stopAllGateways);

/** One masked client text frame (RFC 6455 §5.2). */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const len = payload.length;
  const header = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.from([0x81, 0xfe, len >> 8, len & 255]) : (() => {
    const h = Buffer.alloc(10);
    h[0] = 0x81;
    h[1] = 0xff;
    h.writeBigUInt64BE(BigInt(len), 2);
    return h;
  })();
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

test("a reader that stops reading is closed as a slow consumer; the gateway and other clients carry on", async () => {
  // A log file of ~1.5 MB so each logs.tail answer is about 1 MB.
  const stateDir = mkdtempSync(join(tmpdir(), "openclaw-slow-"));
  const logFile = join(stateDir, "logs", "gateway.log");
  mkdirSync(dirname(logFile), { recursive: true });
  const gw = await spawnGateway({ stateDir });
  // Written as the serving gateway's own records (its pid): logs.tail shows no other writer's.
  const line = JSON.stringify({ time: new Date().toISOString(), level: "info", subsystem: "test", message: "x".repeat(200), pid: gw.pid });
  appendFileSync(logFile, (line + "\n").repeat(6000));
  const observer = await connectOperator(gw.url, gw.token, ["operator.read"]);

  const socket: Socket = connect({ host: "127.0.0.1", port: gw.port });
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let received = "";
  const onData = (chunk: Buffer) => (received += chunk.toString("latin1"));
  socket.on("data", onData);
  const connect_ = { type: "req", id: "c", method: "connect", params: connectParams({ auth: { token: gw.token } }) };
  socket.write(clientFrame(JSON.stringify(connect_)));
  const deadline = Date.now() + 10_000;
  while (!received.includes('"hello-ok"') && Date.now() < deadline) await Bun.sleep(20);
  expect(received).toContain('"hello-ok"');
  // From now on, read nothing: the kernel buffers fill, then the gateway's own buffer grows.
  socket.off("data", onData);
  socket.pause();
  for (let i = 0; i < 80; i++) {
    socket.write(clientFrame(JSON.stringify({ type: "req", id: `t${i}`, method: "logs.tail", params: { cursor: 0, limit: 5000, maxBytes: 1_000_000 } })));
  }
  const until = Date.now() + 20_000;
  let logged = false;
  while (!logged && Date.now() < until) {
    await Bun.sleep(100);
    logged = readFileSync(logFile, "utf8").includes("closing slow consumer");
  }
  expect(logged).toBe(true);
  expect((await observer.request("health")).ok).toBe(true);
  expect((await fetch(gw.httpUrl + "/health")).status).toBe(200);
  socket.destroy();
  observer.close();
}, 40_000);
