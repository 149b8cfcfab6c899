// Opt-in wire compatibility check (`npm run test:compat`, or `bun tests/compat/run.ts [--json out.json]`):
// starts our gateway from source with a stand-in model provider, calls every method it advertises, collects
// every event, and judges each answer with the reference package's own published protocol schemas.
// Exits 1 on any mismatch. Not part of `npm test`: it needs the reference package (installed on demand).
import { writeFileSync } from "node:fs";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn } from "../agents/stand-in.ts";
import { spawnGateway } from "../helpers/gateway.ts";
import { connectParams, handshake, type Frame, type TestSocket } from "../helpers/ws.ts";
import { CONNECT_CASES, runConnectCase } from "./connect-cases.ts";
import { Judge, type Call, type Row } from "./judge.ts";
import { PLAN, type PlannedCall, type PlanState } from "./plan.ts";
import { loadReference, locateReference } from "./reference.ts";

const log = (line: string) => process.stderr.write(`compat: ${line}\n`);

async function main(): Promise<number> {
  const jsonOut = process.argv.includes("--json") ? process.argv[process.argv.indexOf("--json") + 1] : undefined;
  const ref = await loadReference(locateReference(log));
  log(`reference openclaw@${ref.version} (${ref.packageDir}), ${Object.keys(ref.schemas).length} schemas`);
  const judge = new Judge(ref);
  const standIn = startStandIn();
  // A model that asks for one workspace tool, so session.tool events and tool transcripts are judged too.
  standIn.script("compat", [{ tools: [{ name: "ls", args: {} }] }, { text: "listed" }]);
  const gateway = await spawnGateway({ config: agentsConfig(standIn, false), env: STANDIN_ENV });
  const rows: Row[] = [];
  try {
    const { socket, hello } = await handshake(gateway.url, connectParams({ auth: { token: gateway.token }, scopes: ["operator.admin"] }));
    if (!hello.ok) throw new Error(`operator connect refused: ${JSON.stringify(hello.error)}`);
    rows.push(judge.hello(hello));
    const calls = await callEverything(socket, hello.payload.features.methods as string[]);
    for (const c of CONNECT_CASES) {
      const outcome = await runConnectCase(gateway.url, c);
      rows.push({ kind: "connect", name: outcome.name, status: outcome.errors.length ? "mismatch" : "ok", schema: "observed reference frame", errors: outcome.errors, notes: [], fails: outcome.errors.length > 0, sample: outcome.actual });
    }
    // Stopping with the socket open makes the gateway send `shutdown`, which is judged with the rest.
    await gateway.stop();
    await socket.closed;
    const responses = new Map<string, Frame[]>();
    for (const f of socket.frames) if (f.type === "res" && typeof f.id === "string") responses.set(f.id, [...(responses.get(f.id) ?? []), f]);
    for (const call of calls) rows.push(judge.method(call, responses.get(call.id) ?? []));
    rows.push(...judgeEvents(judge, socket.frames, hello.payload.features.events as string[]));
  } finally {
    await gateway.stop();
    standIn.stop();
  }
  print(rows);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
  const failing = rows.filter((r) => r.fails);
  log(failing.length ? `${failing.length} row(s) fail: ${failing.map((r) => r.name).join(", ")}` : "all judged shapes match the reference");
  return failing.length ? 1 : 0;
}

/** The planned calls in order, then every other advertised method with `{}`; one at a time. */
async function callEverything(socket: TestSocket, methods: string[]): Promise<Call[]> {
  const state: PlanState = {};
  const calls: Call[] = [];
  const planned = PLAN.filter((p) => methods.includes(p.method));
  const rest = methods.filter((m) => !PLAN.some((p) => p.method === m));
  for (const step of [...planned, ...rest.map((method): PlannedCall => ({ method, params: () => ({}) }))]) {
    const params = step.params(state);
    const id = `compat-${calls.length + 1}`;
    calls.push({ method: step.method, label: step.label ?? step.method, id, params, planned: PLAN.includes(step) });
    socket.send({ type: "req", id, method: step.method, params });
    const res = await socket.response(id, 30_000).catch(() => undefined);
    if (!res?.ok) continue;
    step.after?.(res.payload, state);
    await step.settle?.(socket, res.payload).catch((e: Error) => log(`${step.method}: events did not settle: ${e.message.slice(0, 200)}`));
  }
  return calls;
}

/** One row per event name: advertised ones never seen say so; seen but unadvertised ones are judged too. */
function judgeEvents(judge: Judge, frames: Frame[], advertised: string[]): Row[] {
  const byName = new Map<string, Frame[]>(advertised.map((e) => [e, []]));
  for (const f of frames) if (f.type === "event" && f.event) byName.set(f.event, [...(byName.get(f.event) ?? []), f]);
  return [...byName].map(([name, list]) => {
    const r = judge.event(name, list);
    if (!advertised.includes(name)) r.notes.push("sent but not in hello-ok features.events");
    return r;
  });
}

function print(rows: Row[]): void {
  const width = Math.max(...rows.map((r) => `${r.kind} ${r.name}`.length));
  const out: string[] = [];
  for (const r of rows) {
    out.push(`${`${r.kind} ${r.name}`.padEnd(width)}  ${r.status.padEnd(9)}  ${r.schema}`);
    for (const e of r.errors.slice(0, 4)) out.push(`${" ".repeat(width + 2)}- ${e.length > 200 ? `${e.slice(0, 200)}…` : e}`);
    if (r.errors.length > 4) out.push(`${" ".repeat(width + 2)}- … ${r.errors.length - 4} more`);
    for (const n of r.notes) out.push(`${" ".repeat(width + 2)}note: ${n}`);
  }
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  out.push("", `ok ${count("ok")} · mismatch ${count("mismatch")} · error ${count("error")} · no-schema ${count("no-schema")} · not-seen ${count("not-seen")}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exit(2);
  },
);
