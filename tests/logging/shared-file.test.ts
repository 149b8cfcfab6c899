// Two gateways on one host writing one log file (issue 15 §3.5): every record names its writer, and
// `logs.tail` (so `openclaw logs`) answers only the serving gateway's records.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator } from "../helpers/ws.ts";

const shared = mkdtempSync(join(tmpdir(), "openclaw-shared-log-"));
const logFile = join(shared, "openclaw.log");
let a: SpawnedGateway;
let b: SpawnedGateway;

beforeAll(async () => {
  [a, b] = await Promise.all([spawnGateway({ config: { logging: { file: logFile } } }), spawnGateway({ config: { logging: { file: logFile } } })]);
}, 30_000);

afterAll(async () => {
  await stopAllGateways();
  rmSync(shared, { recursive: true, force: true });
});

const records = () =>
  readFileSync(logFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { pid?: number; hostname?: string; message?: string });

describe("one log file, two gateways", () => {
  test("every record names the gateway that wrote it (hostname + pid)", () => {
    const all = records();
    const pids = new Set(all.map((r) => r.pid));
    expect(pids).toEqual(new Set([a.pid, b.pid]));
    for (const record of all) expect(record.hostname).toBe(hostname());
  });

  test("logs.tail answers only the serving gateway's records, from the first look and by cursor", async () => {
    for (const [gw, other] of [[a, b], [b, a]] as const) {
      const socket = await connectOperator(gw.url, gw.token, ["operator.read"]);
      try {
        const first = await socket.request("logs.tail", { limit: 5000 });
        expect(first.payload.file).toBe(logFile);
        const pids = new Set(first.payload.lines.map((line: string) => JSON.parse(line).pid));
        expect(pids).toEqual(new Set([gw.pid]));
        const mine = records().filter((r) => r.pid === gw.pid).length;
        const fromStart = await socket.request("logs.tail", { cursor: 0, limit: 5000 });
        expect(fromStart.payload.lines.map((line: string) => JSON.parse(line).pid)).toEqual(Array(fromStart.payload.lines.length).fill(gw.pid));
        expect(fromStart.payload.lines.length).toBeGreaterThanOrEqual(mine);
        expect(records().some((r) => r.pid === other.pid)).toBe(true);
      } finally {
        socket.close();
      }
    }
  });
});
