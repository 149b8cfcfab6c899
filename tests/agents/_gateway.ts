// Shared set-up for the gateway-level agent tests: the stand-in model and a real gateway pointed at it, with an
// operator socket, started and torn down the same way in every file.
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";
import { agentsConfig, STANDIN_ENV } from "./_setup.ts";
import { startStandIn, type StandIn } from "./stand-in.ts";

export interface AgentsGateway {
  standIn: StandIn;
  gw: SpawnedGateway;
  /** An operator connection with the scopes asked for (operator.admin by default). */
  op: TestSocket;
  /** The environment for in-process `cli(...)` calls against this gateway's state dir. */
  cliEnv: Record<string, string | undefined>;
}

export interface AgentsGatewayOptions {
  /** The gateway config, built once the stand-in listens (default: agentsConfig with the HTTP endpoints off). */
  config?: (standIn: StandIn) => Record<string, unknown>;
  port?: number;
  args?: string[];
  scopes?: string[];
}

/** What this file started and has not stopped yet: operator sockets, and stand-ins (stopped last). */
const sockets: TestSocket[] = [];
const standIns: Array<() => void> = [];

/** Registers a remote-party stand-in to stop after the gateways, so a gateway shutting down can still reach it. */
export function stopLater(stop: () => void): void {
  standIns.push(stop);
}

/** Starts the stand-in model and the gateway; stops what it started if that fails. */
export async function startAgentsGateway(options: AgentsGatewayOptions = {}): Promise<AgentsGateway> {
  const standIn = startStandIn();
  stopLater(() => standIn.stop());
  try {
    const config = options.config ? options.config(standIn) : agentsConfig(standIn, false);
    const gw = await spawnGateway({ port: options.port, config, env: STANDIN_ENV, args: options.args });
    const op = await connectOperator(gw.url, gw.token, options.scopes);
    sockets.push(op);
    const cliEnv = { HOME: gw.stateDir, OPENCLAW_STATE_DIR: gw.stateDir, NO_COLOR: "1", ...STANDIN_ENV };
    return { standIn, gw, op, cliEnv };
  } catch (error) {
    await stopAgentsGateways();
    throw error;
  }
}

/** Closes the sockets, kills every gateway the file started, then the stand-ins (pass to afterAll). */
export async function stopAgentsGateways(): Promise<void> {
  for (const socket of sockets.splice(0)) socket.close();
  await stopAllGateways();
  for (const stop of standIns.splice(0)) stop();
}
