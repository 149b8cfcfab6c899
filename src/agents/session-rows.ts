// A session's row as the store holds it, and the sessions.list query over it: one page read in index order
// (keyset-cheap even behind a large offset) and a search answered by the trigram index when it is selective.
import type { Database } from "bun:sqlite";

export interface SessionRow {
  key: string;
  agentId: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  label: string | null;
  channel: string | null;
  modelProvider: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  lastRunId: string | null;
  modelOverride: string | null;
  queueMode: string | null;
}

export interface ListOptions {
  agentId?: string;
  limit?: number;
  offset?: number;
  search?: string;
  activeSinceMs?: number;
}

/** Past this many trigram candidates a search is broad: one ordered scan of the covering index is cheaper. */
const SEARCH_CANDIDATES = 1000;
/** The trigram index can only narrow a LIKE pattern holding three characters in a row that are no wildcard. */
const INDEXABLE = /[^%_]{3}/;
const ORDER = "ORDER BY updated_at DESC, key ASC";

export function toRow(r: Record<string, any>): SessionRow {
  return {
    key: r.key,
    agentId: r.agent_id,
    sessionId: r.session_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    label: r.label,
    channel: r.channel,
    modelProvider: r.model_provider,
    model: r.model,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    totalTokens: r.total_tokens,
    lastRunId: r.last_run_id,
    modelOverride: r.model_override ?? null,
    queueMode: r.queue_mode ?? null,
  };
}

/**
 * Rowids of the sessions whose key or label may contain `search`, or undefined when the index cannot narrow
 * it (short or wildcard-only text) or it matches too many rows to be worth it. A superset: the caller still
 * applies the LIKE itself, so both paths answer exactly what the plain LIKE scan would.
 */
function searchCandidates(db: Database, pattern: string, search: string): number[] | undefined {
  if (!INDEXABLE.test(search)) return undefined;
  const ids = db
    .query(`SELECT rowid FROM sessions_search WHERE key LIKE ?1 OR label LIKE ?1 LIMIT ${SEARCH_CANDIDATES + 1}`)
    .values(pattern)
    .map((r) => r[0] as number);
  return ids.length > SEARCH_CANDIDATES ? undefined : ids;
}

/** Sessions in the store, from the per-agent counts the triggers keep (no index walk; health asks often). */
export function sessionCount(db: Database): number {
  return (db.query("SELECT COALESCE(SUM(n), 0) AS n FROM session_counts").get() as { n: number }).n;
}

/** One page of sessions, newest first, and how many match in all. */
export function listSessions(db: Database, options: ListOptions): { rows: SessionRow[]; total: number } {
  const where: string[] = [];
  const args: Array<string | number> = [];
  if (options.agentId) {
    where.push("agent_id = ?");
    args.push(options.agentId);
  }
  if (options.activeSinceMs !== undefined) {
    where.push("updated_at >= ?");
    args.push(options.activeSinceMs);
  }
  if (options.search) {
    const pattern = `%${options.search}%`;
    const ids = searchCandidates(db, pattern, options.search);
    if (ids) {
      where.push("rowid IN (SELECT value FROM json_each(?))");
      args.push(JSON.stringify(ids));
    }
    where.push("(key LIKE ? OR label LIKE ?)");
    args.push(pattern, pattern);
  }
  const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
  // Counts per agent are kept by triggers (store-schema.ts): counting 100,000 index entries costs ~5 ms.
  let total: number;
  if (where.length === 0) total = sessionCount(db);
  else if (where.length === 1 && options.agentId) total = (db.query("SELECT n FROM session_counts WHERE agent_id = ?").get(options.agentId) as { n: number } | null)?.n ?? 0;
  else total = (db.query(`SELECT COUNT(*) AS n FROM sessions ${clause}`).get(...args) as { n: number }).n;
  const limit = options.limit ?? 100;
  const offset = options.offset ?? 0;
  // Behind an offset, the skipped rows are skipped in the index alone; only the page's rows are read whole.
  const sql = offset > 0
    ? `SELECT * FROM sessions WHERE rowid IN (SELECT rowid FROM sessions ${clause} ${ORDER} LIMIT ? OFFSET ?) ${ORDER}`
    : `SELECT * FROM sessions ${clause} ${ORDER} LIMIT ? OFFSET ?`;
  const rows = db.query(sql).all(...args, limit, offset) as Record<string, any>[];
  return { rows: rows.map(toRow), total };
}
