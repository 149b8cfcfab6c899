// Issue 19's scale row: a session with 10,000 messages and a store of 100,000 sessions. Times `chat.history`
// (one page of 200), `chat.startup`, `sessions.list` (default page and the Control UI's 10,000) and
// `sessions.describe` as RPC round trips on 127.0.0.1 against a gateway from source: the round trip is an
// upper bound on server time. Run: `bun bench/sessions-scale.ts [--json out.json]`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGateway, stopAllGateways } from "../tests/helpers/gateway.ts";
import { connectOperator } from "../tests/helpers/ws.ts";
import { BIG_SESSION as BIG, seedSessions } from "./_seed-sessions.ts";
import { latency, round } from "./_stats.ts";

const SESSIONS = 100_000;
const MESSAGES = 10_000;
const SAMPLES = 200;

async function main(): Promise<void> {
  const jsonOut = process.argv.includes("--json") ? process.argv[process.argv.indexOf("--json") + 1] : undefined;
  const stateDir = mkdtempSync(join(tmpdir(), "openclaw-scale-"));
  const seeded = performance.now();
  seedSessions(stateDir, SESSIONS, MESSAGES);
  process.stderr.write(`seeded ${SESSIONS} sessions and ${MESSAGES} messages in ${Math.round(performance.now() - seeded)} ms\n`);
  const gw = await spawnGateway({ stateDir, config: { models: { providers: { stand: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-none" } } }, agents: { defaults: { model: "stand/none" } } } });
  const op = await connectOperator(gw.url, gw.token, ["operator.read"]);
  const rows: Record<string, ReturnType<typeof latency>> = {};
  const calls: Array<[string, string, unknown]> = [
    ["chat.history (page of 200 of 10,000)", "chat.history", { sessionKey: BIG, limit: 200 }],
    ["chat.startup (page of 200 of 10,000)", "chat.startup", { sessionKey: BIG, limit: 200 }],
    ["sessions.list (100 of 100,000)", "sessions.list", {}],
    ["sessions.list (10,000 of 100,000)", "sessions.list", { limit: 10_000 }],
    ["sessions.list search (of 100,000)", "sessions.list", { search: "label 9999" }],
    ["sessions.describe (10,000 messages)", "sessions.describe", { key: BIG, includeLastMessage: true }],
    ["sessions.branches.list (10,000 messages)", "sessions.branches.list", { sessionKey: BIG }],
  ];
  try {
    for (const [label, method, params] of calls) {
      const samples: number[] = [];
      for (let i = 0; i < SAMPLES + 5; i++) {
        const t0 = performance.now();
        const res = await op.request(method, params);
        const ms = performance.now() - t0;
        if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
        if (i >= 5) samples.push(ms); // the first calls warm the statement cache
      }
      rows[label] = latency(samples);
    }
  } finally {
    op.close();
    await stopAllGateways();
    rmSync(stateDir, { recursive: true, force: true });
  }
  for (const [label, l] of Object.entries(rows)) console.log(`${label.padEnd(44)} p50 ${round(l.p50, 2)} ms  p99 ${round(l.p99, 2)} ms  max ${round(l.max, 2)} ms`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
}

await main();
