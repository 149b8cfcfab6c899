// Turns what the gateway sent into table rows: each result and event payload against the reference schema.
import type { Frame } from "../helpers/ws.ts";
import { eventSchema, paramsSchema, resultSchema, type SchemaRef } from "./catalog.ts";
import type { Reference, Validator } from "./reference.ts";

export type Status = "ok" | "mismatch" | "no-schema" | "error" | "not-seen";

export interface Row {
  kind: "hello" | "method" | "event" | "connect";
  name: string;
  status: Status;
  schema: string;
  /** Schema errors (or the error frame), first ones first. */
  errors: string[];
  /** Informational: the params we sent are not valid for the reference (the call proves less then). */
  notes: string[];
  /** Whether this row makes the check fail. */
  fails: boolean;
  /** The first payload that failed, for the report. */
  sample?: unknown;
}

export interface Call {
  method: string;
  label: string;
  id: string;
  params: unknown;
  planned: boolean;
}

/** Compiles each schema once; the same schema judges many frames. */
export class Judge {
  private cache = new Map<unknown, Validator>();
  constructor(readonly ref: Reference) {}

  check(schema: Record<string, any>, value: unknown): string[] {
    let v = this.cache.get(schema);
    if (!v) this.cache.set(schema, (v = this.ref.compile(schema)));
    return v.errors(value);
  }

  /** The envelope check every frame gets, whatever its payload. */
  frameErrors(frame: Frame): string[] {
    const name = frame.type === "res" ? "ResponseFrameSchema" : frame.type === "event" ? "EventFrameSchema" : "GatewayFrameSchema";
    const schema = this.ref.schemas[name];
    return schema ? this.check(schema, frame).map((e) => `frame ${e}`) : [];
  }

  hello(frame: Frame): Row {
    const schema = this.ref.schemas.HelloOkSchema;
    const errors = [...this.frameErrors(frame), ...(schema ? this.check(schema, frame.payload) : [])];
    return row("hello", "hello-ok", schema ? "HelloOkSchema" : "-", errors, schema !== undefined, frame.payload);
  }

  method(call: Call, responses: Frame[]): Row {
    const ref = resultSchema(this.ref.schemas, call.method);
    const label = ref?.label ?? "-";
    const notes = this.paramNotes(call);
    if (responses.length === 0) return { ...row("method", call.label, label, ["no response"], true), status: "error", fails: true, notes };
    const failed = responses.find((r) => !r.ok);
    if (failed) {
      const errors = [...this.frameErrors(failed), `${failed.error?.code}: ${failed.error?.message}`];
      // An unplanned call got `{}`, so an error there says nothing about our shapes.
      return { ...row("method", call.label, label, errors, true), status: "error", fails: call.planned, notes };
    }
    const errors = responses.flatMap((r) => [...this.frameErrors(r), ...(ref ? this.check(ref.schema, r.payload) : [])]);
    const sample = responses.find((r) => ref && this.check(ref.schema, r.payload).length > 0)?.payload;
    return { ...row("method", call.label, label, errors, ref !== undefined, sample), notes };
  }

  event(name: string, frames: Frame[]): Row {
    const ref: SchemaRef | undefined = eventSchema(this.ref.schemas, name);
    const label = ref?.label ?? "-";
    if (frames.length === 0) return { ...row("event", name, label, [], ref !== undefined), status: "not-seen", fails: false };
    const errors: string[] = [];
    let sample: unknown;
    for (const frame of frames) {
      const found = [...this.frameErrors(frame), ...(ref ? this.check(ref.schema, frame.payload) : [])];
      if (found.length > 0 && sample === undefined) sample = frame.payload;
      for (const e of found) if (!errors.includes(e)) errors.push(e);
    }
    const r = row("event", `${name} (${frames.length}×)`, label, errors, ref !== undefined, sample);
    return r;
  }

  private paramNotes(call: Call): string[] {
    const ref = paramsSchema(this.ref.schemas, call.method);
    if (!ref || !call.planned) return [];
    const errors = this.check(ref.schema, call.params);
    return errors.length ? [`our params fail ${ref.label}: ${errors.slice(0, 2).join("; ")}`] : [];
  }
}

function row(kind: Row["kind"], name: string, schema: string, errors: string[], hasSchema: boolean, sample?: unknown): Row {
  const status: Status = errors.length > 0 ? "mismatch" : hasSchema ? "ok" : "no-schema";
  return { kind, name, status, schema, errors, notes: [], fails: status === "mismatch", sample: status === "mismatch" ? sample : undefined };
}
