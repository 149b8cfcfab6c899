// What a run's events cost a client: a 20 KB answer streamed in 5,000 deltas used to send the whole answer so
// far with every delta, in both the `agent` and the `chat` event (98 MB per operator client). Now the bytes a
// client receives for the run stay within a small multiple of the answer, however the model paces its stream.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";
import { bulkPieces } from "./stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

const PIECES = 5000;
const PIECE_CHARS = 4;
const ANSWER = bulkPieces(PIECES, PIECE_CHARS).join("");
/** The bound: live copies ≤ 8× the answer + 32 K (src/agents/live-text.ts), one flush and the final, envelopes. */
const MAX_MULTIPLE = 16;

let gw: SpawnedGateway;
let writer: TestSocket;
let reader: TestSocket;
let readerBytes = 0;

beforeAll(async () => {
  ({ gw, op: writer } = await startAgentsGateway({ scopes: ["operator.write"] }));
  reader = await connectOperator(gw.url, gw.token, ["operator.read"]);
  reader.ws.addEventListener("message", (e) => {
    readerBytes += typeof e.data === "string" ? Buffer.byteLength(e.data) : (e.data as ArrayBuffer).byteLength;
  });
});
afterAll(async () => {
  reader?.close();
  await stopAgentsGateways();
});

test(`a ${ANSWER.length / 1000} KB answer in ${PIECES} deltas costs a reader < ${MAX_MULTIPLE}× the answer, with nothing lost`, async () => {
  const before = readerBytes;
  const model = `stand/bulk-${PIECES}x${PIECE_CHARS}`;
  const sent = await writer.request("agent", { message: "go", sessionKey: "bytes", model, idempotencyKey: "bytes-1" });
  expect(sent.payload?.status).toBe("accepted");
  await reader.next((f) => f.event === "agent" && f.payload?.runId === "bytes-1" && f.payload.data?.phase === "end", 30_000);
  const received = readerBytes - before;
  const chat = reader.frames.filter((f) => f.event === "chat" && f.payload?.runId === "bytes-1");
  const deltas = chat.filter((f) => f.payload.state === "delta");
  const final = chat.find((f) => f.payload.state === "final")!;
  // Shapes: each delta carries the part since the previous one and the whole text so far (as the reference).
  expect(deltas.map((d) => d.payload.deltaText).join("")).toBe(ANSWER);
  expect(deltas.at(-1)!.payload.message.content[0].text).toBe(ANSWER);
  expect(final.payload.message.content[0].text).toBe(ANSWER);
  const assistant = reader.frames.filter((f) => f.event === "agent" && f.payload?.runId === "bytes-1" && f.payload.stream === "assistant");
  expect(assistant.map((a) => a.payload.data.delta).join("")).toBe(ANSWER);
  expect(assistant.map((a) => a.payload.seq)).toEqual([...assistant.map((a) => a.payload.seq)].sort((a, b) => a - b));
  expect(received).toBeGreaterThan(ANSWER.length);
  expect(received).toBeLessThan(MAX_MULTIPLE * ANSWER.length);
});
