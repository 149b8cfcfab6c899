// Shared set-up for the channel tests: a stand-in model, a stand-in Bot API and a real gateway polling it,
// started and torn down the same way in every file so each test file states only its bots and config.
import { STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";
import { startTelegramStandIn, type BotIdentity, type SeenCall, type TelegramStandIn } from "./telegram-stand-in.ts";

export interface TelegramGateway {
  model: StandIn;
  tg: TelegramStandIn;
  gw: SpawnedGateway;
  /** An operator connection (operator.admin). */
  rpc: TestSocket;
  /** The environment for in-process `cli(...)` calls against this gateway's state dir. */
  cliEnv: Record<string, string | undefined>;
}

export interface TelegramGatewayOptions {
  bots: Record<string, BotIdentity>;
  /** The config merged into the generated one; built after the stand-ins start, so it can name their URLs. */
  config(model: StandIn, tg: TelegramStandIn): Record<string, unknown>;
  port?: number;
  /**
   * The Bot API call that means the gateway's channel is up (default: a first getUpdates); null when no
   * account is configured, so there is nothing to wait for.
   */
  ready?: ((call: SeenCall) => boolean) | null;
}

/** What the fixture started and has not stopped yet: operator sockets, and the stand-ins (model, Bot API). */
const sockets: TestSocket[] = [];
const standIns: Array<() => void> = [];

/** Starts the stand-ins and the gateway, and waits until the channel is up; stops what it started if that fails. */
export async function startTelegramGateway(options: TelegramGatewayOptions): Promise<TelegramGateway> {
  const model = startStandIn();
  const tg = startTelegramStandIn(options.bots);
  standIns.push(() => model.stop(), () => tg.kill());
  try {
    const gw = await spawnGateway({ port: options.port, config: options.config(model, tg), env: STANDIN_ENV });
    const rpc = await connectOperator(gw.url, gw.token);
    sockets.push(rpc);
    const ready = options.ready === undefined ? (c: SeenCall) => c.method === "getUpdates" : options.ready;
    if (ready) await tg.waitFor(ready);
    const cliEnv = { HOME: gw.stateDir, OPENCLAW_STATE_DIR: gw.stateDir, NO_COLOR: "1", ...STANDIN_ENV };
    return { model, tg, gw, rpc, cliEnv };
  } catch (error) {
    await stopTelegramGateways();
    throw error;
  }
}

/**
 * Stops everything the fixture and the file started (pass to afterAll): sockets first, then every gateway, then
 * the stand-ins last so a gateway shutting down can still reach them.
 */
export async function stopTelegramGateways(): Promise<void> {
  for (const socket of sockets.splice(0)) socket.close();
  await stopAllGateways();
  for (const stop of standIns.splice(0)) stop();
}
