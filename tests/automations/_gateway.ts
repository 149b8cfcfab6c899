// Shared set-up for the automation tests that need a whole gateway whose scheduler runs on a fake clock: the
// gateway runs in process (a spawned one could not take the clock), with an operator socket and event helpers.
import { composeFeatures } from "../../src/features.ts";
import type { GatewayHandle } from "../../src/server/gateway.ts";
import { STANDIN_ENV } from "../agents/_setup.ts";
import { startInProcessGateway, stopInProcessGateways } from "../helpers/in-process.ts";
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

const sockets: TestSocket[] = [];

/**
 * Starts a gateway on `config` with `clock` driving the scheduler, and returns once the automations runtime is
 * loaded and its heartbeat jobs are armed.
 */
export async function startClockedGateway(config: Record<string, any>, clock: FakeClock, extraEnv: Record<string, string> = {}): Promise<ClockedGateway> {
  const { gw, token } = await startInProcessGateway({ config, env: { ...STANDIN_ENV, ...extraEnv }, features: composeFeatures({ clock }) });
  const op = await connectOperator(gw.urls[0]!, token);
  sockets.push(op);
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
}

/** Closes every socket, stops every gateway this file started and removes their state dirs (pass to afterAll). */
export async function stopClockedGateways(): Promise<void> {
  for (const socket of sockets.splice(0)) socket.close();
  await stopInProcessGateways();
}
