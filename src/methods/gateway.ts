import { z } from "zod";
import { parseParams } from "./_params.ts";
import type { MethodFamily, MethodHandler } from "./types.ts";

const RestartParams = z
  .object({ reason: z.string().max(200).optional(), delayMs: z.number().int().min(0).max(600_000).optional() })
  .strict();

const restart: MethodHandler = (params, { gateway, caller }) => {
  const p = parseParams("gateway.restart.request", RestartParams, params);
  return gateway.requestRestart(p.reason ?? `requested by ${caller.clientId}`, p.delayMs ?? 0);
};

/** `gateway.restart.request` (and the seed's `gateway.restart` alias): an in-process restart, coalesced. */
export const gatewayMethods: MethodFamily = {
  "gateway.restart.request": restart,
  "gateway.restart": restart,
};
