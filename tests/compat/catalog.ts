// Which reference schema judges which frame: the reference names its schemas after the method
// (`sessions.delete` → `SessionsDeleteParamsSchema` / `SessionsDeleteResultSchema`); a few are named otherwise
// or exist only inside a larger schema (the health summary lives in `SnapshotSchema`).
import { agentEventAsSent, HOOKS_STATUS_RESULT } from "./observed.ts";

export interface SchemaRef {
  /** What the table prints: the export name, or how the schema was taken from one. */
  label: string;
  schema: Record<string, any>;
}

type Schemas = Record<string, Record<string, any>>;

/** `sessions.delete` → `SessionsDelete`, `system-presence` → `SystemPresence`. */
export function pascal(name: string): string {
  return name
    .split(/[.\-_:]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

function named(schemas: Schemas, name: string): SchemaRef | undefined {
  const schema = schemas[name];
  return schema ? { label: name, schema } : undefined;
}

/** The health summary the reference sends in `snapshot.health` and every `health` event. */
function healthSummary(schemas: Schemas): SchemaRef | undefined {
  const health = schemas.SnapshotSchema?.properties?.health;
  return health ? { label: "SnapshotSchema.properties.health", schema: health } : undefined;
}

/** Result schemas whose export name does not follow `<Method>ResultSchema`. */
const RESULT_ALIASES: Record<string, string> = {
  "config.schema": "ConfigSchemaResponseSchema",
  "config.schema.lookup": "ConfigSchemaLookupResultSchema",
  "cron.add": "CronAddResultSchema",
};

/** Event payload schemas whose export name does not follow `<Event>EventSchema`. */
const EVENT_ALIASES: Record<string, string> = {};

export function paramsSchema(schemas: Schemas, method: string): SchemaRef | undefined {
  return named(schemas, `${pascal(method)}ParamsSchema`);
}

export function resultSchema(schemas: Schemas, method: string): SchemaRef | undefined {
  if (method === "health") {
    // The RPC answers the same summary plus `modelRuntime` (spec §3.3), which the snapshot copy leaves out.
    const health = healthSummary(schemas);
    if (!health) return undefined;
    return {
      label: `${health.label} + modelRuntime`,
      schema: { ...health.schema, properties: { ...health.schema.properties, modelRuntime: {} } },
    };
  }
  if (method === "system-presence") {
    const entry = schemas.PresenceEntrySchema;
    return entry ? { label: "PresenceEntrySchema[]", schema: { type: "array", items: entry } } : undefined;
  }
  if (method === "hooks.status") return { label: "observed reference shape (observed.ts)", schema: HOOKS_STATUS_RESULT };
  const alias = RESULT_ALIASES[method];
  return alias ? named(schemas, alias) : named(schemas, `${pascal(method)}ResultSchema`);
}

export function eventSchema(schemas: Schemas, event: string): SchemaRef | undefined {
  if (event === "health") return healthSummary(schemas);
  if (event === "presence") {
    const entry = schemas.PresenceEntrySchema;
    if (!entry) return undefined;
    return {
      label: "{ presence: PresenceEntrySchema[] }",
      schema: { type: "object", required: ["presence"], properties: { presence: { type: "array", items: entry } } },
    };
  }
  if (event === "agent" && schemas.AgentEventSchema) {
    return { label: "AgentEventSchema + sessionKey/agentId (as sent)", schema: agentEventAsSent(schemas.AgentEventSchema) };
  }
  const alias = EVENT_ALIASES[event];
  return alias ? named(schemas, alias) : named(schemas, `${pascal(event)}EventSchema`);
}
