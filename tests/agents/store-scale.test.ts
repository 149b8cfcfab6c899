// sessions.list on a large store (issue 19/21): the indexed page, the trigram search and the kept per-agent
// counts must answer exactly what a plain LIKE/OFFSET scan answers, through inserts, label edits and deletes,
// and a store written before the search index existed gets it filled on open.
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SessionStore } from "../../src/agents/store.ts";
import { MIGRATIONS } from "../../src/agents/store-schema.ts";

const dir = mkdtempSync(join(tmpdir(), "openclaw-store-scale-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SESSIONS = 20_000;
const T0 = 1_700_000_000_000;

/** Rows straight into SQLite: three agents, some labels (one upper-case, one non-ASCII), ties on updated_at. */
function seed(db: Database): void {
  db.transaction(() => {
    const q = db.query("INSERT INTO sessions (key, agent_id, session_id, created_at, updated_at, label) VALUES (?, ?, ?, ?, ?, ?)");
    for (let i = 0; i < SESSIONS; i++) {
      const label = i % 7 === 0 ? `Label ${i}` : i % 101 === 0 ? `Ünïcode ${i}` : null;
      const agent = ["main", "ops", "dev"][i % 3]!;
      q.run(`agent:${agent}:s${i}`, agent, `sid-${i}`, T0, T0 + Math.floor(i / 3) * 1000, label);
    }
  })();
}

/** What sessions.list answered before the indexes: a LIKE and OFFSET over every row. */
function naive(db: Database, o: { agentId?: string; search?: string; activeSinceMs?: number; limit?: number; offset?: number }) {
  const where: string[] = [];
  const args: Array<string | number> = [];
  if (o.agentId) where.push("agent_id = ?") && args.push(o.agentId);
  if (o.search) where.push("(key LIKE ? OR label LIKE ?)") && args.push(`%${o.search}%`, `%${o.search}%`);
  if (o.activeSinceMs !== undefined) where.push("updated_at >= ?") && args.push(o.activeSinceMs);
  const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const total = (db.query(`SELECT COUNT(*) AS n FROM sessions ${clause}`).get(...args) as { n: number }).n;
  const keys = db
    .query(`SELECT key FROM sessions ${clause} ORDER BY updated_at DESC, key ASC LIMIT ? OFFSET ?`)
    .values(...args, o.limit ?? 100, o.offset ?? 0)
    .map((r) => String(r[0]));
  return { keys, total };
}

const CASES = [
  {},
  { limit: 10_000 },
  { offset: 12_345, limit: 50 },
  { offset: SESSIONS - 10 },
  { agentId: "ops" },
  { agentId: "ops", offset: 5000 },
  { agentId: "nobody" },
  { search: "s1999" }, // selective: trigram candidates
  { search: "LABEL 7" }, // case-insensitive like LIKE
  { search: "ünïcode" }, // LIKE folds ASCII only: no match for the lower-case Ü
  { search: "Ünïcode 1" },
  { search: "s1" }, // too short for a trigram: plain scan
  { search: "agent:main" }, // broad: more candidates than the index is worth
  { search: "s1_9" }, // a LIKE wildcard in the text, as before
  { search: "%" },
  { search: "a\"b OR c" }, // FTS query syntax means nothing here: the text is a LIKE pattern
  { search: "NEAR(abc" },
  { search: "abel", agentId: "dev", offset: 3 },
  { search: "s19", activeSinceMs: T0 + 5_000_000 },
  { activeSinceMs: T0 + 6_000_000, limit: 7 },
];

function check(store: SessionStore, db: Database): void {
  for (const c of CASES) {
    const got = store.list(c);
    const want = naive(db, c);
    expect({ case: c, keys: got.rows.map((r) => r.key), total: got.total }).toEqual({ case: c, keys: want.keys, total: want.total });
  }
}

describe("session store at scale", () => {
  test("pages, searches and per-agent counts match a plain scan, through inserts, label edits and deletes", () => {
    const path = join(dir, "big.sqlite");
    SessionStore.open(path).close();
    const db = new Database(path);
    seed(db);
    const store = SessionStore.open(path);
    check(store, db);

    store.ensure("agent:ops:fresh-one", "ops");
    store.patch("agent:main:s0", { label: "renamed zebra" });
    store.patch("agent:ops:s7", { label: null });
    store.patch("agent:dev:s5", { label: 'say "NEAR(abc" now' });
    store.delete("agent:main:s1999");
    store.delete("agent:dev:s2");
    expect(store.list({ search: "zebra" }).rows.map((r) => r.key)).toEqual(["agent:main:s0"]);
    expect(store.list({ search: "s1999" }).rows.map((r) => r.key)).not.toContain("agent:main:s1999");
    expect(store.list({ search: "NEAR(abc" }).rows.map((r) => r.key)).toEqual(["agent:dev:s5"]);
    check(store, db);
    store.close();
    db.close();
  });

  test("a store from before the search index gets it filled, and its agent counts, on open", () => {
    const path = join(dir, "v4.sqlite");
    const db = new Database(path);
    for (const [version, sql] of MIGRATIONS.slice(0, 4).entries()) {
      db.exec(sql);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    }
    seed(db);
    db.close();
    const store = SessionStore.open(path);
    const plain = new Database(path, { readonly: true });
    expect(plain.query("SELECT COUNT(*) AS n FROM sessions_search WHERE key LIKE '%s1999%'").get()).toEqual({ n: 11 });
    check(store, plain);
    plain.close();
    store.close();
  });
});
