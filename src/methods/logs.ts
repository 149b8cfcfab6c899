import { z } from "zod";
import { ownRecords, readLogTail } from "../logging/index.ts";
import { parseParams } from "./_params.ts";
import type { MethodFamily } from "./types.ts";

// Closed params, as the reference validates them (spec §3.3): anything else is "unexpected property".
const TailParams = z
  .object({
    cursor: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(5000).optional(),
    maxBytes: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

// Other gateways on this host may write to the same file; only this process's records are answered.
const ownLines = ownRecords();

/** `logs.tail`: this gateway's lines of its log file since a cursor, for `openclaw logs [--follow]`. */
export const logsMethods: MethodFamily = {
  "logs.tail": async (params, { gateway }) => {
    const p = parseParams("logs.tail", TailParams, params);
    return readLogTail({ file: gateway.logFile(), cursor: p.cursor, limit: p.limit ?? 200, maxBytes: p.maxBytes ?? 250_000, accept: ownLines });
  },
};
