// Shared set-up for the automation tests that need a whole gateway whose scheduler runs on a fake clock: the
// gateway runs in process (a spawned one could not take the clock), in its own state dir, with an operator socket.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveProfilePaths } from "../../src/config/paths.ts";
import { composeFeatures } from "../../src/features.ts";
import { createGatewayLogger } from "../../src/logging/index.ts";
import { startGateway, type GatewayHandle } from "../../src/server/gateway.ts";
import { STANDIN_ENV } from "../agents/_setup.ts";
import { freePort } from "../helpers/gateway.ts";
import { connectOperator, type Frame, type TestSocket } from "../helpers/ws.ts";
import type { FakeClock } from "./_clock.ts";

export interface ClockedGateway {
  gw: GatewayHandle;
  op: TestSocket;
  /** One request; its payload, or a throw naming the method when the answer is an error. */
  rpc(method: string, params?: unknown): Promise<any>;
  /** The payload of the next `event` frame matching `match` that no earlier nextEvent call returned. */
  nextEvent(event: string, match?: (payload: any) => boolean): Promise<any>;
}

const started: Array<{ gw: GatewayHandle; op?: TestSocket; dir: string }> = [];

/**
 * Starts a gateway on `config` (its gateway.mode/port/auth are filled in) with `clock` driving the scheduler,
 * and returns once the automations runtime is loaded and its heartbeat jobs are armed.
 */
export async function startClockedGateway(config: Record<string, any>, clock: FakeClock, extraEnv: Record<string, string> = {}): Promise<ClockedGateway> {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-auto-"));
  const token = "auto-token-" + crypto.randomUUID();
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify({ ...config, gateway: { ...config.gateway, mode: "local", port: freePort(), auth: { token } } }));
  const env = { OPENCLAW_STATE_DIR: dir, ...STANDIN_ENV, ...extraEnv };
  const logger = createGatewayLogger({ file: join(dir, "gateway.log"), console: { out() {}, err() {} } });
  let entry: (typeof started)[number] | undefined;
  try {
    const gw = await startGateway({ paths: resolveProfilePaths(undefined, { env }), env, version: "0.0.0-test", logger, features: composeFeatures({ clock }) });
    entry = { gw, dir };
    started.push(entry);
    const op = (entry.op = await connectOperator(gw.urls[0]!, token));
    const rpc = async (method: string, params?: unknown) => {
      const res = await op.request(method, params);
      if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
      return res.payload;
    };
    const taken = new Set<Frame>();
    const nextEvent = async (event: string, match: (payload: any) => boolean = () => true) => {
      const frame = await op.next((f) => f.event === event && !taken.has(f) && match(f.payload), 15_000);
      taken.add(frame);
      return frame.payload;
    };
    await rpc("cron.status");
    return { gw, op, rpc, nextEvent };
  } catch (error) {
    if (!entry) rmSync(dir, { recursive: true, force: true });
    await stopClockedGateways();
    throw error;
  }
}

/** Closes every socket, stops every gateway this file started, and removes their state dirs (pass to afterAll). */
export async function stopClockedGateways(): Promise<void> {
  for (const { gw, op, dir } of started.splice(0)) {
    op?.close();
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
