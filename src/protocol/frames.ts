import type { ErrorShape } from "./errors.ts";

/** A request frame that passed the envelope check. */
export interface RequestFrame {
  type: "req";
  id: string;
  method: string;
  params?: unknown;
  traceparent?: string;
}

/** The outcome of checking one inbound frame's envelope (spec §1, §3.1). */
export type FrameCheck =
  | { ok: true; frame: RequestFrame }
  | { ok: false; kind: "event" | "invalid"; /** The id to echo: a string or number as sent, else "invalid". */ id: string | number; message: string };

const REQUEST_KEYS = new Set(["type", "id", "method", "params", "traceparent", "expectedProfileId"]);

/**
 * Checks a parsed frame against the closed request envelope. Hand-written rather than a zod schema so the
 * messages match the reference's Ajv output exactly, in its order: required properties first, then types.
 */
export function checkRequestFrame(value: unknown): FrameCheck {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, kind: "invalid", id: "invalid", message: "invalid request frame: must be object" };
  }
  const frame = value as Record<string, unknown>;
  const echoId = typeof frame.id === "string" && frame.id !== "" ? frame.id : typeof frame.id === "number" ? frame.id : "invalid";
  if (frame.type === "event") return { ok: false, kind: "event", id: echoId, message: "invalid request frame" };
  const problems: string[] = [];
  for (const key of ["type", "id", "method"]) {
    if (!(key in frame)) problems.push(`must have required property '${key}'`);
  }
  if ("type" in frame && frame.type !== "req") problems.push("at /type: must be equal to constant");
  for (const key of ["id", "method"] as const) {
    if (!(key in frame)) continue;
    if (typeof frame[key] !== "string") problems.push(`at /${key}: must be string`);
    else if (frame[key] === "") problems.push(`at /${key}: must NOT have fewer than 1 characters`);
  }
  if ("traceparent" in frame && (typeof frame.traceparent !== "string" || frame.traceparent.length > 128)) {
    problems.push("at /traceparent: must be string of at most 128 characters");
  }
  for (const key of Object.keys(frame)) {
    if (!REQUEST_KEYS.has(key)) problems.push(`at root: unexpected property '${key}'`);
  }
  if (problems.length > 0) return { ok: false, kind: "invalid", id: echoId, message: `invalid request frame: ${problems.join("; ")}` };
  return { ok: true, frame: frame as unknown as RequestFrame };
}

/**
 * A payload serialized once and answered many times (the cached `health` snapshot): the response frame splices the
 * text in, byte for byte what serializing the object would give, instead of stringifying it per request.
 */
export class SerializedPayload {
  constructor(readonly json: string) {}
  /** Anything that serializes the frame another way still gets the object. */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** Serializes a response frame. */
export function responseFrame(id: string | number, result: { ok: true; payload: unknown } | { ok: false; error: ErrorShape }): string {
  if (result.ok && result.payload instanceof SerializedPayload) return `{"type":"res","id":${JSON.stringify(id)},"ok":true,"payload":${result.payload.json}}`;
  return result.ok
    ? JSON.stringify({ type: "res", id, ok: true, payload: result.payload })
    : JSON.stringify({ type: "res", id, ok: false, error: result.error });
}

/** Serializes an event frame; `seq` and `stateVersion` are omitted when not given (connect.challenge has none). */
export function eventFrame(event: string, payload: unknown, seq?: number, stateVersion?: { presence: number; health: number }): string {
  const frame: Record<string, unknown> = { type: "event", event, payload };
  if (seq !== undefined) frame.seq = seq;
  if (stateVersion !== undefined) frame.stateVersion = stateVersion;
  return JSON.stringify(frame);
}
