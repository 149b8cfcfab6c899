import { SerializedPayload } from "../protocol/frames.ts";
import type { MethodFamily } from "./types.ts";

// The snapshot object stays the same between refreshes, so its text is serialized once per refresh, not per call:
// `health` then costs what `system-presence` costs (BENCHMARKS.md). Keyed weakly: an old snapshot takes its text along.
const serialized = new WeakMap<object, SerializedPayload>();

/**
 * `health`: the cached snapshot (ts/durationMs repeat until the 60 s refresh, spec §3.3); `{probe: true}`
 * forces a refresh, which is broadcast as a `health` event before this response (spec §4).
 */
export const healthMethods: MethodFamily = {
  // Params are deliberately unchecked: the reference accepts omitted, `{}` and even `[]` (spec §3.1).
  health: async (params, { gateway }) => {
    const snapshot = await gateway.health(Boolean((params as { probe?: unknown } | null)?.probe));
    let text = serialized.get(snapshot);
    if (!text) serialized.set(snapshot, (text = new SerializedPayload(JSON.stringify(snapshot))));
    return text;
  },
};
