// The scale rows of issue 21 §4 (issue 19's and 18's bench acceptance): 100,000 sessions and a 10,000-message
// session, and 10,000 cron jobs, each against the compiled gateway next to a stated bound; the Telegram and
// agent-broadcast rows live in _rows-scale-io.ts. `scaleRows` runs them all and returns the table rows.
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cronStorePath } from "../src/automations/store-path.ts";
import { CronStore } from "../src/automations/store.ts";
import type { CronJob } from "../src/automations/types.ts";
import { spawnGateway } from "../tests/helpers/gateway.ts";
import { connectOperator } from "../tests/helpers/ws.ts";
import { cpuMs, startServer, type Binaries } from "./_proc.ts";
import type { Row } from "./_report.ts";
import { agentBroadcast, telegram, type ScaleIo } from "./_rows-scale-io.ts";
import { BIG_SESSION, RARE_LABEL, seedSessions } from "./_seed-sessions.ts";
import { latency } from "./_stats.ts";

/** Counts of the scale rows; `--quick` keeps the store and job counts of the issue and takes fewer samples. */
export interface ScalePlan {
  samples: number;
  idleSeconds: number;
  dueJobs: number;
  telegramLatency: number;
  telegramBurst: number;
  broadcastListeners: number;
}

const SCALE_PLANS: Record<"full" | "quick", ScalePlan> = {
  full: { samples: 200, idleSeconds: 5, dueJobs: 200, telegramLatency: 200, telegramBurst: 500, broadcastListeners: 1000 },
  quick: { samples: 50, idleSeconds: 3, dueJobs: 100, telegramLatency: 50, telegramBurst: 200, broadcastListeners: 1000 },
};

const SESSIONS = 100_000;
const MESSAGES = 10_000;
const CRON_JOBS = 10_000;
const TEN_MS = 10;
/** Any provider: the sessions rows run no model, but the agents feature wants one configured. */
const NO_MODEL = { models: { providers: { stand: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-none" } } }, agents: { defaults: { model: "stand/none" } } };

interface Call { server: { cpuUs: number; p50: number; p99: number }; floorUs: number }

/**
 * Server CPU per call (the gateway is one thread: its CPU per sequential call is its time per call) and the
 * round trip, over `samples` calls after 5 warm-up calls; the floor is the same rows read with bun:sqlite in
 * this process and serialized to JSON, the least any server could do.
 */
async function timeCall(gw: { pid: number }, op: Awaited<ReturnType<typeof connectOperator>>, method: string, params: unknown, samples: number, floor: () => unknown): Promise<Call> {
  for (let i = 0; i < 5; i++) await op.request(method, params);
  const rtt: number[] = [];
  const cpu0 = cpuMs(gw.pid);
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await op.request(method, params);
    rtt.push(performance.now() - t0);
    if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  }
  const cpuUs = ((cpuMs(gw.pid) - cpu0) * 1000) / samples;
  const floorSamples: number[] = [];
  for (let i = 0; i < samples + 5; i++) {
    const t0 = performance.now();
    JSON.stringify(floor());
    if (i >= 5) floorSamples.push((performance.now() - t0) * 1000);
  }
  const l = latency(rtt);
  return { server: { cpuUs, p50: l.p50, p99: l.p99 }, floorUs: latency(floorSamples).p50 };
}

/** sessions.list and chat.history on a store of 100,000 sessions, one of them 10,000 messages long. */
async function sessionsRows(bins: Binaries, plan: ScalePlan): Promise<Row[]> {
  const stateDir = mkdtempSync(join(tmpdir(), "openclaw-bench-scale-"));
  const path = seedSessions(stateDir, SESSIONS, MESSAGES);
  const gw = await spawnGateway({ binary: bins.ours, stateDir, config: NO_MODEL });
  const op = await connectOperator(gw.url, gw.token, ["operator.read"]);
  const db = new Database(path, { readonly: true });
  const page = (sql: string, ...args: Array<string | number>) => () => db.query(sql).all(...args);
  const order = "ORDER BY updated_at DESC, key";
  try {
    const list = await timeCall(gw, op, "sessions.list", {}, plan.samples, page(`SELECT * FROM sessions ${order} LIMIT 100`));
    // The search's floor reads its matching rows by key (found once by a scan): what an index lookup costs.
    const hits = db.query(`SELECT key FROM sessions WHERE key LIKE ?1 OR label LIKE ?1`).values(`%${RARE_LABEL}%`).map((r) => String(r[0]));
    const search = await timeCall(gw, op, "sessions.list", { search: RARE_LABEL }, plan.samples, page(`SELECT * FROM sessions WHERE key IN (SELECT value FROM json_each(?)) ${order}`, JSON.stringify(hits)));
    const deep = await timeCall(gw, op, "sessions.list", { offset: 90_000 }, plan.samples, page(`SELECT * FROM sessions ${order} LIMIT 100 OFFSET 90000`));
    const big = await timeCall(gw, op, "sessions.list", { limit: 10_000 }, Math.ceil(plan.samples / 4), page(`SELECT * FROM sessions ${order} LIMIT 10000`));
    const history = await timeCall(gw, op, "chat.history", { sessionKey: BIG_SESSION, limit: 200 }, plan.samples, page("SELECT * FROM messages WHERE session_id = 'big-session' ORDER BY id DESC LIMIT 200"));
    const row = (figure: string, c: Call, limitMs: number | undefined): Row => ({
      figure, unit: "ms", ours: c.server.cpuUs / 1000, ceiling: c.floorUs / 1000,
      oursNote: `(round trip p50 ${c.server.p50.toFixed(2)}, p99 ${c.server.p99.toFixed(2)})`,
      ...(limitMs === undefined ? { target: "(≤ 3× floor)", pass: c.server.cpuUs <= 3 * c.floorUs } : { target: `≤ ${limitMs} ms`, pass: c.server.cpuUs / 1000 <= limitMs }),
    });
    return [
      row("sessions.list page of 100 of 100,000: server time (ceiling column: SQLite read + JSON floor)", list, TEN_MS),
      row(`sessions.list search "${RARE_LABEL}" of 100,000: server time`, search, TEN_MS),
      row("sessions.list page at offset 90,000: server time", deep, TEN_MS),
      row("sessions.list 10,000 rows of 100,000: server time", big, undefined),
      row("chat.history page of 200 of 10,000 messages: server time", history, TEN_MS),
    ];
  } finally {
    db.close();
    op.close();
    await gw.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** A daily job that is not due for hours: the idle scheduler's load. */
function idleJob(i: number, now: number): CronJob {
  return {
    id: `j${i}`, name: `job ${i}`, enabled: true, createdAtMs: now, updatedAtMs: now,
    schedule: { kind: "every", everyMs: 86_400_000, anchorMs: now + 3_600_000 + i * 1000 },
    sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "x" }, state: {},
  };
}

/**
 * The floor under a batch of due runs: the store work the scheduler does per run, one run after another (a
 * `running` entry with its job, the finished entry, the one-shot job's removal, the prune; synchronous=FULL),
 * timed here on a store in the same file system.
 */
function commitBound(dir: string, runs: number): number {
  const store = CronStore.open(cronStorePath(dir));
  const now = Date.now();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const job = idleJob(i, now);
    store.record({ ts: now, jobId: job.id, action: "running", runId: `b${i}`, runAtMs: now }, job);
    store.record({ ts: now, jobId: job.id, action: "finished", runId: `b${i}`, runAtMs: now, status: "ok", durationMs: 1 });
    store.remove(job.id); // a one-shot job is deleted after its run (cron.add's default for `at`)
    store.prune(job.id, now);
  }
  const ms = performance.now() - t0;
  store.close();
  return ms;
}

/**
 * 10,000 stored jobs: the gateway's CPU over an idle window next to the ceiling's over the same window (both
 * idle at once), then `dueJobs` one-shot jobs due together on the real clock; due→start is the `cron` event's
 * `started` arrival at a client minus its `runAtMs` (an upper bound: it includes the broadcast).
 */
async function cronRows(bins: Binaries, plan: ScalePlan): Promise<Row[]> {
  const stateDir = mkdtempSync(join(tmpdir(), "openclaw-bench-cron-"));
  const store = CronStore.open(cronStorePath(stateDir));
  const now = Date.now();
  for (let i = 0; i < CRON_JOBS; i++) store.put(idleJob(i, now));
  store.close();
  const gw = await spawnGateway({ binary: bins.ours, stateDir, config: NO_MODEL });
  const ceiling = await startServer("ceiling", bins);
  const op = await connectOperator(gw.url, gw.token, ["operator.admin"]);
  try {
    // The store loads at start; a first cron.list makes sure it has before the idle window opens.
    const listed = await op.request("cron.status", {});
    if (!listed.ok) throw new Error(`cron.status: ${JSON.stringify(listed.error)}`);
    await Bun.sleep(500);
    const before = { ours: cpuMs(gw.pid), ceiling: cpuMs(ceiling.pid), wall: performance.now() };
    await Bun.sleep(plan.idleSeconds * 1000);
    const wall = performance.now() - before.wall;
    const idlePct = { ours: ((cpuMs(gw.pid) - before.ours) / wall) * 100, ceiling: ((cpuMs(ceiling.pid) - before.ceiling) / wall) * 100 };

    const lateness: number[] = [];
    const done = new Promise<void>((resolve) => {
      op.ws.addEventListener("message", (e) => {
        const f = JSON.parse(String(e.data));
        if (f.event !== "cron" || f.payload?.action !== "started") return;
        lateness.push(Date.now() - f.payload.runAtMs);
        if (lateness.length === plan.dueJobs) resolve();
      });
    });
    // Far enough ahead that every add has landed before the instant (checked: a late add would be counted late).
    const dueAt = Date.now() + 1000 + plan.dueJobs * 20;
    for (let i = 0; i < plan.dueJobs; i++) {
      const res = await op.request("cron.add", { name: `due ${i}`, schedule: { kind: "at", at: new Date(dueAt).toISOString() }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "due" } });
      if (!res.ok) throw new Error(`cron.add: ${JSON.stringify(res.error)}`);
    }
    if (Date.now() >= dueAt) throw new Error(`cron: adding ${plan.dueJobs} jobs took past their due instant; the row would measure the adds`);
    await Promise.race([done, Bun.sleep(30_000)]);
    const l = latency(lateness);
    const boundMs = commitBound(join(stateDir, "bound"), plan.dueJobs);
    return [
      { figure: `cron: ${CRON_JOBS.toLocaleString("en-US")} jobs stored, idle CPU over ${plan.idleSeconds} s (ceiling idle beside it)`, unit: "%", ours: idlePct.ours, ceiling: idlePct.ceiling, target: "≤ 1 % of a core", pass: idlePct.ours <= 1 },
      { figure: "cron: due→start of the first job due (real clock; seen by a client)", unit: "ms", ours: Math.min(...lateness), ceiling: Number.NaN, target: "≤ 20 ms", pass: Math.min(...lateness) <= 20 },
      {
        figure: `cron: due→start p99, ${plan.dueJobs} jobs due at once (ceiling column: their store writes alone)`, unit: "ms", ours: l.p99, ceiling: boundMs,
        oursNote: `(p50 ${l.p50.toFixed(1)}, ${lateness.length}/${plan.dueJobs} started)`, target: "≤ 2× store writes + 20 ms", pass: l.p99 <= 2 * boundMs + 20 && lateness.length === plan.dueJobs,
      },
    ];
  } finally {
    op.close();
    await Promise.all([gw.stop(), ceiling.stop()]);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Every scale row, in order; `step` logs progress like the rest of the run. */
export async function scaleRows(bins: Binaries, mode: "full" | "quick", step: (what: string) => void, only?: "cron"): Promise<{ rows: Row[]; io: ScaleIo }> {
  const plan = SCALE_PLANS[mode];
  if (only === "cron") {
    step(`scale: ${CRON_JOBS.toLocaleString("en-US")} cron jobs (${plan.idleSeconds} s idle, ${plan.dueJobs} due)`);
    return { rows: await cronRows(bins, plan), io: { telegram: null, broadcast: null } };
  }
  step(`scale: ${SESSIONS.toLocaleString("en-US")} sessions, one of ${MESSAGES.toLocaleString("en-US")} messages (${plan.samples} calls per row)`);
  const sessions = await sessionsRows(bins, plan);
  step(`scale: ${CRON_JOBS.toLocaleString("en-US")} cron jobs (${plan.idleSeconds} s idle, ${plan.dueJobs} due)`);
  const cron = await cronRows(bins, plan);
  step(`scale: Telegram, ${plan.telegramLatency} sequential updates, burst of ${plan.telegramBurst}`);
  const tg = await telegram(bins, plan.telegramLatency, plan.telegramBurst);
  step(`scale: an agent's deltas to ${plan.broadcastListeners} clients`);
  const bc = await agentBroadcast(bins, plan.broadcastListeners);
  return { rows: [...sessions, ...cron, ...tg.rows, ...bc.rows], io: { telegram: tg.raw, broadcast: bc.raw } };
}
