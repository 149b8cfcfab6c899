// `health` answers with its snapshot serialized once per refresh (src/methods/health.ts): the frame that splices the
// text in must be byte for byte the frame serializing the object gives, whatever the request id.
import { describe, expect, test } from "bun:test";
import { responseFrame, SerializedPayload } from "../../src/protocol/frames.ts";
import { healthMethods } from "../../src/methods/health.ts";

const payload = { ok: true, ts: 1, channels: { a: { text: 'q"uote\u2028' } }, list: [1, null, "x"] };

describe("a pre-serialized payload", () => {
  test("gives the same response frame as the object", () => {
    for (const id of ["1", 'a"b\\c', "ünï\u0000", 7, 0]) {
      expect(responseFrame(id, { ok: true, payload: new SerializedPayload(JSON.stringify(payload)) })).toBe(responseFrame(id, { ok: true, payload }));
    }
  });

  test("health serializes a snapshot once and again after a refresh", async () => {
    let snapshot: Record<string, unknown> = { ...payload };
    const gateway = { health: async (refresh: boolean) => (refresh ? (snapshot = { ...payload, ts: 2 }) : snapshot) };
    const call = (params?: unknown) => healthMethods.health!(params, { gateway } as never) as Promise<SerializedPayload>;
    const first = await call();
    expect(await call({})).toBe(first);
    const refreshed = await call({ probe: true });
    expect(refreshed).not.toBe(first);
    expect(JSON.parse(refreshed.json)).toEqual({ ...payload, ts: 2 });
    expect(JSON.stringify({ payload: first })).toBe(JSON.stringify({ payload }));
  });
});
