// Idle RSS of a gateway at rest with typical work configured (issue 21, Deliver 1): one Telegram account long-polling
// a stand-in Bot API (tests/channels/telegram-stand-in.ts), 100 cron jobs and 10 paired devices. The jobs are added and
// the devices paired over the real protocol (loopback devices with the token pair silently, as the reference does);
// RSS is read after the same settle time as the idle row.
import { deviceHandshake, makeDevice } from "../tests/devices/_device.ts";
import { startTelegramStandIn } from "../tests/channels/telegram-stand-in.ts";
import { connectOperator, connectParams } from "../tests/helpers/ws.ts";
import { startServer, treeRssKiB, type Binaries } from "./_proc.ts";
import { kibToMB, type Row } from "./_report.ts";
import { IDLE_SETTLE_MS } from "./_rows.ts";

const BOT = "7373:bench-loaded";
const JOBS = 100;
const DEVICES = 10;

export async function loadedIdle(bins: Binaries): Promise<{ row: Row; raw: { kib: number; jobs: number; paired: number } }> {
  const tg = startTelegramStandIn({ [BOT]: { id: 7373, username: "loaded_bot", first_name: "Loaded" } });
  const server = await startServer("ours", bins, { config: { channels: { telegram: { botToken: BOT, apiRoot: tg.url } } } });
  try {
    await tg.waitFor((c) => c.method === "getUpdates" && c.token === BOT);
    const url = `ws://127.0.0.1:${server.port}`;
    const op = await connectOperator(url, server.token, ["operator.admin"]);
    for (let i = 0; i < JOBS; i++) {
      const added = await op.request("cron.add", { name: `job-${i}`, schedule: { kind: "every", everyMs: 3_600_000 + i * 1000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: `tick ${i}` } });
      if (!added.ok) throw new Error(`cron.add failed: ${JSON.stringify(added.error)}`);
    }
    for (let i = 0; i < DEVICES; i++) {
      const { socket, hello } = await deviceHandshake(url, connectParams({ auth: { token: server.token }, scopes: ["operator.read"] }), makeDevice());
      if (!hello.ok) throw new Error(`device ${i} refused: ${JSON.stringify(hello.error)}`);
      socket.close();
    }
    const jobs = ((await op.request("cron.list", { limit: 200 })).payload as { total: number }).total;
    const paired = ((await op.request("device.pair.list", {})).payload as { paired: unknown[] }).paired.length;
    op.close();
    await Bun.sleep(IDLE_SETTLE_MS);
    const kib = treeRssKiB(server.pid);
    const row: Row = {
      figure: `idle RSS with 1 Telegram account, ${jobs} cron jobs, ${paired} paired devices`,
      unit: "MB",
      ours: kibToMB(kib),
      ceiling: Number.NaN,
      target: "≤ 70 MB",
      pass: kibToMB(kib) <= 70 && jobs === JOBS && paired >= DEVICES,
    };
    return { row, raw: { kib, jobs, paired } };
  } finally {
    await server.stop();
    tg.kill();
  }
}
