// The job store: `<state dir>/cron/jobs.sqlite`, bun:sqlite in WAL mode with full sync, so a kill -9 at any
// moment leaves the last committed job and run rows intact. Jobs are whole JSON documents (the shape evolves
// with the reference's); runs are rows with the fields history filters on pulled out.
import type { Database } from "bun:sqlite";
import { bunSqlite } from "../platform/node.ts";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { cronStorePath } from "./store-path.ts";
import type { CronJob, RunLogEntry, RunStatus } from "./types.ts";

/** The reference keeps the newest 2000 runs per job and 7 days of history. */
const RUNS_PER_JOB = 2000;
const RUN_RETENTION_MS = 7 * 86_400_000;

export { cronStorePath };

export interface RunQuery {
  jobId?: string;
  statuses?: RunStatus[];
  limit: number;
  offset: number;
  sortDir: "asc" | "desc";
}

export class CronStore {
  #db: Database;
  readonly path: string;

  private constructor(path: string, db: Database) {
    this.path = path;
    this.#db = db;
  }

  static open(path: string): CronStore {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const db = new (bunSqlite().Database)(path, { create: true, strict: true });
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
    db.exec(`CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, ts INTEGER NOT NULL, status TEXT, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS runs_job_ts ON runs (job_id, ts);`);
    // Runs carry model output: owner-only, like every transcript under the state dir (WAL side files too).
    for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
    return new CronStore(path, db);
  }

  jobs(): CronJob[] {
    return this.#db.query<{ data: string }, []>("SELECT data FROM jobs").all().map((row) => JSON.parse(row.data) as CronJob);
  }

  count(): number {
    return this.#db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM jobs").get()!.n;
  }

  put(job: CronJob): void {
    this.#db.query("INSERT INTO jobs (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data").run(job.id, JSON.stringify(job));
  }

  /** Writes several jobs in one transaction (start-up catch-up). */
  putAll(jobs: CronJob[]): void {
    if (jobs.length) this.#db.transaction(() => jobs.forEach((job) => this.put(job)))();
  }

  remove(jobId: string): boolean {
    return this.#db.query("DELETE FROM jobs WHERE id = ?").run(jobId).changes > 0;
  }

  /** Writes a run row (a `running` marker first, the finished entry later) and the job state in one transaction. */
  record(entry: RunLogEntry, job?: CronJob): void {
    this.#db.transaction(() => {
      this.#db
        .query("INSERT INTO runs (run_id, job_id, ts, status, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT(run_id) DO UPDATE SET ts = excluded.ts, status = excluded.status, data = excluded.data")
        .run(entry.runId, entry.jobId, entry.ts, entry.action === "running" ? "running" : (entry.status ?? null), JSON.stringify(entry));
      if (job) this.put(job);
    })();
  }

  /** Run rows still marked running: left by a process that died mid-run. */
  unfinished(): RunLogEntry[] {
    return this.#db.query<{ data: string }, []>("SELECT data FROM runs WHERE status = 'running'").all().map((row) => JSON.parse(row.data) as RunLogEntry);
  }

  runs(query: RunQuery): { entries: RunLogEntry[]; total: number } {
    const where: string[] = ["status != 'running'"];
    const args: (string | number)[] = [];
    if (query.jobId) {
      where.push("job_id = ?");
      args.push(query.jobId);
    }
    if (query.statuses?.length) {
      where.push(`status IN (${query.statuses.map(() => "?").join(",")})`);
      args.push(...query.statuses);
    }
    const clause = `WHERE ${where.join(" AND ")}`;
    const total = this.#db.query<{ n: number }, (string | number)[]>(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(...args)!.n;
    const rows = this.#db
      .query<{ data: string }, (string | number)[]>(`SELECT data FROM runs ${clause} ORDER BY ts ${query.sortDir === "asc" ? "ASC" : "DESC"}, rowid ${query.sortDir === "asc" ? "ASC" : "DESC"} LIMIT ? OFFSET ?`)
      .all(...args, query.limit, query.offset);
    return { entries: rows.map((row) => JSON.parse(row.data) as RunLogEntry), total };
  }

  /** Drops history older than 7 days and beyond the newest 2000 rows of the job. */
  prune(jobId: string, nowMs: number): void {
    this.#db.query("DELETE FROM runs WHERE job_id = ? AND status != 'running' AND ts < ?").run(jobId, nowMs - RUN_RETENTION_MS);
    this.#db
      .query("DELETE FROM runs WHERE job_id = ? AND status != 'running' AND run_id NOT IN (SELECT run_id FROM runs WHERE job_id = ? ORDER BY ts DESC LIMIT ?)")
      .run(jobId, jobId, RUNS_PER_JOB);
  }

  close(): void {
    this.#db.close();
  }
}
