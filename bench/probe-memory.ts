#!/usr/bin/env bun
// Where does idle RSS go? `bun bench/probe-memory.ts [--conns N]` compiles small variants with the release flags
// (each a bare Bun.serve plus one piece of what the gateway does at start, and the real `openclaw gateway`
// through runCli), starts each, and 2 s after ready reports RSS split into the binary's code/data pages and
// anonymous memory, with JSC's own heap figures. With `--conns N` it also holds N idle authenticated
// connections against the gateway variant and reports what they added. `--ablations` prints only the second
// table: the real gateway with one module stubbed out at a time. Findings: BENCHMARKS.md.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHeld } from "./_load.ts";
import { freePort, stopProcess, treeRssKiB } from "./_proc.ts";

const ROOT = join(import.meta.dir, "..");
const OUT = join(ROOT, ".tmp", "bench-probe");
const SRC = (path: string) => JSON.stringify(join(ROOT, "src", path));

// Every variant ends with this: from `settle` ms on it prints JSC's and the allocator-visible figures each second.
const REPORT = `
const { heapStats } = await import("bun:jsc");
const report = () => {
  if (process.env.PROBE_GC === "1") Bun.gc(true);
  const h = heapStats(); const m = process.memoryUsage();
  console.log("PROBE " + JSON.stringify({ heapSize: h.heapSize, heapCapacity: h.heapCapacity, extraMemorySize: h.extraMemorySize,
    objectCount: h.objectCount, rss: m.rss, external: m.external }));
};
// unref: a bare variant must still exit on SIGTERM and the gateway when it has stopped.
setTimeout(() => { report(); setInterval(report, 1000).unref(); }, Number(process.env.PROBE_SETTLE_MS ?? 2000)).unref();
`;
const BARE = `Bun.serve({ hostname: "127.0.0.1", port: Number(process.env.PROBE_PORT), fetch: () => new Response("{}"), websocket: { message() {} } });`;

// The pieces the gateway adds at start, in the order it adds them.
const PIECES = {
  config: `const { loadConfig } = await import(${SRC("config/load.ts")});\nconst { resolveProfilePaths } = await import(${SRC("config/paths.ts")});\nloadConfig(resolveProfilePaths(undefined, { env: process.env }), process.env);`,
  logger: `const { createGatewayLogger } = await import(${SRC("logging/index.ts")});\nconst log = createGatewayLogger({ file: process.env.OPENCLAW_STATE_DIR + "/p.log", subsystem: "gateway", console: () => {} });\nlog.info("hello");`,
  watch: `import("node:fs").then((fs) => fs.watch(process.env.OPENCLAW_STATE_DIR, { persistent: false }, () => {}));`,
  sqlite: `const { Database } = await import("bun:sqlite");\nconst db = new Database(process.env.OPENCLAW_STATE_DIR + "/p.sqlite", { create: true });\ndb.exec("PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t (k TEXT)");`,
};

/** name → entry source: single pieces on a bare server, the same pieces cumulatively, then the real gateway. */
const VARIANTS: Record<string, string> = {
  bare: BARE,
  "bare + import zod": `${BARE}\nawait import("zod");`,
  "bare + zod schema built (import schema.ts)": `${BARE}\nawait import(${SRC("config/schema.ts")});`,
  "bare + zod schema validate": `${BARE}\nconst { validateConfig } = await import(${SRC("config/schema.ts")});\nvalidateConfig({ gateway: { mode: "local", port: 1, auth: { token: "t" } } });`,
  "bare + config load (json5+zod+hash)": `${BARE}\n${PIECES.config}`,
  "bare + file logger": `${BARE}\n${PIECES.logger}`,
  "bare + local-time Date fields (ICU tz)": `${BARE}\nconst d = new Date(); d.getTimezoneOffset(); d.getHours();`,
  "bare + fs.watch": `${BARE}\n${PIECES.watch}`,
  "bare + bun:sqlite open": `${BARE}\n${PIECES.sqlite}`,
  "bare + config + logger": `${BARE}\n${PIECES.config}\n${PIECES.logger}`,
  "bare + config + logger + fs.watch": `${BARE}\n${PIECES.config}\n${PIECES.logger}\n${PIECES.watch}`,
  "bare + config + logger + fs.watch + sqlite": `${BARE}\n${PIECES.config}\n${PIECES.logger}\n${PIECES.watch}\n${PIECES.sqlite}`,
  "gateway (runCli)": `const { runCli } = await import(${SRC("cli/index.ts")});\nvoid runCli(["gateway"]);`,
};

// Ablations of the real gateway: each stubs one module out at bundle time (a Bun.build plugin), so the
// difference to the full gateway is what that piece costs in place, shared code and all.
const STUBS: Record<string, [RegExp, string]> = {
  // Every `import … from "zod"` gets a chainable no-op whose safeParse accepts anything: no schema is built anywhere.
  zod: [/^zod$/, `const z = new Proxy(function () {}, { get: (_t, k) => k === "safeParse" ? (data) => ({ success: true, data })
    : k === "parse" ? (data) => data : k === "then" ? undefined : z, apply: () => z, construct: () => z });
    export { z }; export default z;`],
  "file logger": [/src\/logging\/gateway-logger\.ts$/, `const noop = new Proxy(function () {}, { get: (_t, k) => (k === "then" ? undefined : noop), apply: () => noop });
    export const ROOT_SUBSYSTEM = "gateway"; export const createGatewayLogger = () => noop;`],
  // Same signatures in UTC: a local wall time needs the host's time zone, which JSC reads through ICU.
  "local-time log stamps": [/src\/logging\/time-format\.ts$/, `const iso = (d) => d.toISOString();
    export const localDateKey = (d) => iso(d).slice(0, 10); export const localClock = (d) => iso(d).slice(11, 19);
    export const localIsoWithOffset = (d) => iso(d); export const localDayBounds = (d) => { const s = Math.floor(d.getTime() / 864e5) * 864e5; return { start: s, end: s + 864e5 }; };
    export const localDateKeyDaysBefore = (d, n) => localDateKey(new Date(d.getTime() - n * 864e5));`],
  "fs.watch": [/src\/server\/config-watcher\.ts$/, `export function watchConfigFile() { return { close() {} }; }`],
  "agents surface": [/src\/agents\/surface\.ts$/, `export const sessionStorePath = (d) => d + "/sessions/sessions.sqlite"; export const agentsSurface = () => ({ name: "agents", service: { runs: { useStartHook() {} } } });`],
  "hooks surface": [/src\/hooks\/surface\.ts$/, `export const hooksSurface = () => undefined;`],
  "control UI surface": [/src\/ui\/surface\.ts$/, `export const controlUiSurface = () => undefined;`],
};

interface Ablation { stubs: string[]; env?: Record<string, string>; execArgv?: string[]; source?: string }
const ABLATIONS: Record<string, Ablation> = {
  "bare Bun.serve (reference)": { stubs: [], source: BARE },
  "gateway, nothing stubbed": { stubs: [] },
  ...Object.fromEntries(Object.keys(STUBS).map((name) => [`gateway without ${name}`, { stubs: [name] }])),
  "gateway without all of these": { stubs: Object.keys(STUBS) },
  // Runtime switches, not code changes: what the JIT tiers and JSC's small-heap mode account for.
  "gateway, BUN_JSC_useDFGJIT=0 (no DFG/FTL)": { stubs: [], env: { BUN_JSC_useDFGJIT: "0" } },
  "gateway, BUN_JSC_useJIT=0 (interpreter only)": { stubs: [], env: { BUN_JSC_useJIT: "0" } },
  "gateway, compiled with --smol": { stubs: [], execArgv: ["--smol"] },
};

interface Pages { text: number; rodata: number; data: number; anon: number; other: number; threads: number }

/** RSS (KiB) of one process split by mapping: the binary's r-x / r-- / rw- pages, anonymous memory, the rest. */
function pages(pid: number, binary: string): Pages {
  const out: Pages = { text: 0, rodata: 0, data: 0, anon: 0, other: 0, threads: 0 };
  let key: keyof Pages = "other";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const [, perms, path] = head;
      key = path === binary ? (perms!.includes("x") ? "text" : perms!.includes("w") ? "data" : "rodata") : !path || path.startsWith("[heap]") || path.startsWith("[anon") ? "anon" : "other";
    } else if (line.startsWith("Rss:")) out[key] += Number(line.split(/\s+/)[1]);
  }
  out.threads = Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return out;
}

async function build(name: string, source: string, stubs: string[] = [], execArgv: string[] = []): Promise<string> {
  const slug = name.replace(/[^a-z0-9]+/gi, "-");
  const entry = join(OUT, `${slug}.ts`);
  writeFileSync(entry, `${source}\n${REPORT}`);
  const outfile = join(OUT, slug);
  const plugin: Bun.BunPlugin = {
    name: "stub",
    setup(b) {
      for (const [filter, contents] of stubs.map((n) => STUBS[n]!)) {
        // Bare specifiers (zod) are resolved into a namespace of our own; files are replaced where they load.
        if (filter.source.startsWith("^")) {
          b.onResolve({ filter }, () => ({ path: filter.source, namespace: "stub" }));
          b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents, loader: "js" }));
        } else b.onLoad({ filter }, () => ({ contents, loader: "js" }));
      }
    },
  };
  const result = await Bun.build({ entrypoints: [entry], compile: { outfile, autoloadBunfig: false, execArgv }, minify: true, bytecode: true, format: "esm", plugins: [plugin], throw: false });
  if (!result.success) throw new Error(`${name}: ${result.logs.map(String).join("\n")}`);
  return outfile;
}

/** A fresh state dir with a config for `port`, and the environment every variant runs with. */
function setup(extra: Record<string, string> = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), "openclaw-probe-"));
  const port = freePort();
  const token = "probe-token";
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port, auth: { token } }, logging: { file: join(stateDir, "g.log") } }));
  const env = { PATH: process.env.PATH ?? "", HOME: stateDir, OPENCLAW_STATE_DIR: stateDir, PROBE_PORT: String(port), NO_COLOR: "1", ...extra };
  return { stateDir, port, token, env };
}

/** Median spawn → first `/health` 200 of `runs` fresh starts (what the bench's cold-start row measures). */
async function coldMs(binary: string, extraEnv: Record<string, string> = {}, runs = 7): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stateDir, port, env } = setup(extraEnv);
    const started = performance.now();
    const proc = Bun.spawn([binary], { env, stdout: "ignore", stderr: "ignore", stdin: "ignore" });
    while (performance.now() - started < 10_000) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await Bun.sleep(1);
    }
    samples.push(performance.now() - started);
    proc.kill("SIGKILL"); // a throwaway state dir: no graceful stop needed, and it keeps the probe quick
    await proc.exited;
    rmSync(stateDir, { recursive: true, force: true });
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

async function probe(name: string, binary: string, opts: { gc: boolean; conns: number; env?: Record<string, string> }) {
  const { stateDir, port, token, env } = setup({ PROBE_GC: opts.gc ? "1" : "0", ...opts.env });
  const argv = ["sh", "-c", `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`, "sh", binary];
  const proc = Bun.spawn(argv, { env, stdout: "pipe", stderr: "ignore", stdin: "ignore" });
  let text = "";
  const decoder = new TextDecoder();
  void (async () => {
    for await (const chunk of proc.stdout) text += decoder.decode(chunk);
  })();
  const latest = () => JSON.parse([...text.matchAll(/PROBE (.*)\n/g)].at(-1)?.[1] ?? "{}") as Record<string, number>;
  const deadline = Date.now() + 15_000;
  while (!text.includes("PROBE ") && Date.now() < deadline) await Bun.sleep(50);
  const report = latest();
  const idle = pages(proc.pid, binary);
  let held: { conns: number; perConnKiB: number; after: Pages; heapPerConn: number } | undefined;
  if (opts.conns > 0) {
    const before = treeRssKiB(proc.pid);
    let after = idle;
    let afterRss = before;
    let heapAfter = report;
    const { held: h } = await runHeld<{ held: number }, unknown>({ port, token, count: opts.conns, parallel: 128, maxMs: 120_000, holdMs: 60_000 }, 200_000, async () => {
      await Bun.sleep(2500);
      afterRss = treeRssKiB(proc.pid);
      after = pages(proc.pid, binary);
      heapAfter = latest();
    });
    held = { conns: h.held, perConnKiB: (afterRss - before) / h.held, after, heapPerConn: ((heapAfter.heapSize ?? 0) - (report.heapSize ?? 0)) / h.held };
  }
  await stopProcess(proc);
  rmSync(stateDir, { recursive: true, force: true });
  return { name, idle, report, held };
}

const kb = (kib: number) => `${((kib * 1024) / 1e6).toFixed(1)}`;
const mb = (n: number | undefined) => (n === undefined ? "?" : (n / 1e6).toFixed(1));
const row = (name: string, p: Pages, r: Record<string, number>) =>
  `${name} | ${kb(p.text + p.rodata + p.data + p.anon + p.other)} | ${kb(p.text)} | ${kb(p.rodata)} | ${kb(p.data)} | ${kb(p.anon)} | ${mb(r.heapSize)} / ${mb(r.heapCapacity)} | ${mb(r.extraMemorySize)} | ${p.threads}`;
const argv = process.argv.slice(2);
const conns = Number(argv[argv.indexOf("--conns") + 1] ?? 0) || 0;
const COLUMNS = ["variant", "RSS MB", "binary code (r-x)", "binary rodata", "binary data", "anon", "JSC heapSize / capacity MB", "extraMemory MB", "threads"];
const headerOf = (columns: string[]) => `${columns.join(" | ")}\n${columns.map(() => "---").join("|")}`;
const header = headerOf(COLUMNS);
mkdirSync(OUT, { recursive: true });
console.log(header);
// `--ablations` skips the first table (it takes a minute and rarely changes).
for (const [name, source] of argv.includes("--ablations") ? [] : Object.entries(VARIANTS)) {
  const binary = await build(name, source);
  for (const gc of name.startsWith("gateway") ? [false, true] : [false]) {
    const { idle, report, held } = await probe(name, binary, { gc, conns: name.startsWith("gateway") && !gc ? conns : 0 });
    console.log(row(`${name}${gc ? " + Bun.gc(true)" : ""}`, idle, report));
    if (held) console.log(`  ↳ ${held.conns} idle connections: RSS +${((held.perConnKiB * 1024) / 1000).toFixed(2)} KB each (JSC heap +${(held.heapPerConn / 1000).toFixed(2)} KB each); now anon ${kb(held.after.anon)} MB, code ${kb(held.after.text)} MB`);
  }
  rmSync(binary, { force: true }); // ~110 MB each
}
console.log(`\n${headerOf([...COLUMNS, "cold start ms (median of 7)"])}`);
for (const [name, { stubs, env, execArgv, source }] of Object.entries(ABLATIONS)) {
  const binary = await build(name, source ?? VARIANTS["gateway (runCli)"]!, stubs, execArgv);
  const { idle, report } = await probe(name, binary, { gc: false, conns: 0, env });
  console.log(`${row(name, idle, report)} | ${(await coldMs(binary, env)).toFixed(1)}`);
  rmSync(binary, { force: true });
}
