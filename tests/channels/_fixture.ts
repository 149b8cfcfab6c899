// Shared set-up for the channel tests: the agents' gateway fixture (stand-in model, real gateway, operator
// socket) plus a stand-in Bot API it polls, so each test file states only its bots and config.
import { startAgentsGateway, stopAgentsGateways, stopLater, type AgentsGateway } from "../agents/_gateway.ts";
import type { StandIn } from "../agents/stand-in.ts";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { startTelegramStandIn, type BotIdentity, type SeenCall, type TelegramStandIn } from "./telegram-stand-in.ts";

export interface TelegramGateway {
  model: StandIn;
  tg: TelegramStandIn;
  gw: SpawnedGateway;
  /** An operator connection (operator.admin). */
  rpc: TestSocket;
  cliEnv: AgentsGateway["cliEnv"];
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

/** Starts the stand-ins and the gateway, and waits until the channel is up; stops what it started if that fails. */
export async function startTelegramGateway(options: TelegramGatewayOptions): Promise<TelegramGateway> {
  const tg = startTelegramStandIn(options.bots);
  stopLater(() => tg.kill());
  const { standIn: model, gw, op: rpc, cliEnv } = await startAgentsGateway({ port: options.port, config: (model) => options.config(model, tg) });
  const ready = options.ready === undefined ? (c: SeenCall) => c.method === "getUpdates" : options.ready;
  if (ready) await tg.waitFor(ready);
  return { model, tg, gw, rpc, cliEnv };
}

/** Closes the sockets, kills every gateway the file started, then the stand-ins (pass to afterAll). */
export const stopTelegramGateways = stopAgentsGateways;

/**
 * Polls channels.status until its payload satisfies `match` and returns it: an observable state, not a schedule.
 * A refused request fails at once rather than after the timeout.
 */
export async function untilStatus(rpc: TestSocket, match: (status: any) => boolean, timeoutMs = 15_000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const res = await rpc.request("channels.status", {});
    if (!res.ok) throw new Error(`channels.status refused: ${JSON.stringify(res.error)}`);
    if (match(res.payload)) return res.payload;
    if (Date.now() > end) throw new Error(`status never matched: ${JSON.stringify(res.payload)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The Telegram account `accountId` (default: "default") once it satisfies `match`, polled as untilStatus does. */
export async function untilAccount(rpc: TestSocket, match: (account: any) => boolean, accountId = "default", timeoutMs = 15_000): Promise<any> {
  const find = (status: any) => (status.channelAccounts.telegram ?? []).find((a: any) => a.accountId === accountId);
  return find(await untilStatus(rpc, (status) => find(status) !== undefined && match(find(status)), timeoutMs));
}
