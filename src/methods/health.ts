import type { MethodFamily } from "./types.ts";

/**
 * `health`: the cached snapshot (ts/durationMs repeat until the 60 s refresh, spec §3.3); `{probe: true}`
 * forces a refresh, which is broadcast as a `health` event before this response (spec §4).
 */
export const healthMethods: MethodFamily = {
  // Params are deliberately unchecked: the reference accepts omitted, `{}` and even `[]` (spec §3.1).
  health: async (params, { gateway }) => gateway.health(Boolean((params as { probe?: unknown } | null)?.probe)),
};
