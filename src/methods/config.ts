import { z } from "zod";
import JSON5 from "json5";
import { editConfig } from "../config/edit.ts";
import { ConfigError } from "../config/errors.ts";
import { parseKeyPath, setAtPath } from "../config/key-path.ts";
import { inspectConfig } from "../config/load.ts";
import { REDACTED, redactConfig } from "../config/redact.ts";
import { configSchemaResponse } from "../config/schema-response.ts";
import { GatewayError } from "../protocol/errors.ts";
import { parseParams } from "./_params.ts";
import { isAdmin, type MethodContext, type MethodFamily } from "./types.ts";

const DeliveryContext = z
  .object({ channel: z.string().optional(), to: z.string().optional(), accountId: z.string().optional(), threadId: z.union([z.string(), z.number()]).optional() })
  .strict();

const writeCommon = {
  baseHash: z.string().optional(),
  sessionKey: z.string().optional(),
  deliveryContext: DeliveryContext.optional(),
  note: z.string().optional(),
  restartDelayMs: z.number().int().min(0).max(600_000).optional(),
};
type WriteCommon = { baseHash?: string; sessionKey?: string; deliveryContext?: z.infer<typeof DeliveryContext>; note?: string; restartDelayMs?: number };

const SetParams = z
  .object({ path: z.string().min(1).optional(), value: z.unknown().optional(), raw: z.string().optional(), ...writeCommon })
  .strict();
const PatchParams = z.object({ raw: z.string(), replacePaths: z.array(z.string()).optional(), ...writeCommon }).strict();
const ApplyParams = z.object({ raw: z.string(), ...writeCommon }).strict();

/** `config.*`: read with secrets redacted unless admin; writes validate, check `baseHash`, write atomically, then reload. */
export const configMethods: MethodFamily = {
  "config.get": (params, ctx) => {
    parseParams("config.get", z.object({}).loose(), params);
    return describeConfig(ctx);
  },
  "config.schema": (params) => {
    parseParams("config.schema", z.object({}).strict(), params ?? {});
    return configSchemaResponse();
  },
  "config.set": (params, ctx) => {
    const p = parseParams("config.set", SetParams, params);
    if (p.raw !== undefined) return write(ctx, "config.set", () => parseRaw(p.raw!), p, true);
    if (!p.path) throw new GatewayError("INVALID_REQUEST", "invalid config.set params: must have required property 'path' or 'raw'");
    const segments = toSegments(p.path);
    return write(ctx, "config.set", (authored) => setAtPath(authored, segments, p.value), p, false);
  },
  "config.patch": (params, ctx) => {
    const p = parseParams("config.patch", PatchParams, params);
    const patch = parseRaw(p.raw);
    return write(ctx, "config.patch", (authored) => mergePatch(authored, patch, p.replacePaths ?? []), p, false);
  },
  "config.apply": (params, ctx) => {
    const p = parseParams("config.apply", ApplyParams, params);
    const next = parseRaw(p.raw);
    return write(ctx, "config.apply", () => next, p, true);
  },
};

function describeConfig({ gateway, caller }: MethodContext) {
  const current = gateway.config();
  const inspection = inspectConfig(current.paths, gateway.env);
  const admin = isAdmin(caller);
  const show = <T>(value: T): T => (admin ? value : redactConfig(value));
  const resolved = inspection.snapshot?.config ?? null;
  return {
    path: current.paths.configPath,
    includedPaths: [],
    exists: inspection.exists,
    raw: inspection.exists ? (admin ? inspection.raw : redactRaw(inspection.raw, inspection.authored)) : null,
    parsed: show(inspection.authored ?? {}),
    sourceConfig: show(inspection.authored ?? {}),
    resolved: show(resolved),
    valid: inspection.issues.length === 0,
    runtimeConfig: show(current.config),
    config: show(current.config),
    hash: inspection.hash,
    issues: inspection.issues,
    warnings: [],
    legacyIssues: [],
    configRevisionHash: inspection.hash,
    appliedConfigHash: current.hash,
  };
}

type WriteMethod = "config.set" | "config.patch" | "config.apply";

/**
 * One guarded write. Once a config file exists every write names the `baseHash` it was based on (from
 * `config.get`), so a client that never read the file cannot replace it, token included; the very first
 * write (no file yet) needs none, as in the reference. The answer has the reference's fields.
 */
function write(
  { gateway }: MethodContext,
  method: WriteMethod,
  mutate: (authored: Record<string, unknown>) => Record<string, unknown>,
  params: WriteCommon,
  replace: boolean,
) {
  const paths = gateway.config().paths;
  const current = inspectConfig(paths, gateway.env);
  const baseHash = params.baseHash?.trim() || undefined;
  if (current.exists) {
    if (baseHash === undefined) throw baseHashError("config base hash required; re-run config.get and retry", "CONFIG_BASE_HASH_REQUIRED");
    if (baseHash !== current.hash) throw baseHashError(STALE, "CONFIG_BASE_HASH_MISMATCH");
  }
  let result;
  try {
    // The hash is checked again against the bytes read for the write, so a change in between is refused too.
    result = editConfig(paths, mutate, { env: gateway.env, baseHash: current.exists ? baseHash : undefined, replace });
  } catch (error) {
    if (error instanceof ConfigError && error.code === "ECONFLICT") throw baseHashError(STALE, "CONFIG_BASE_HASH_MISMATCH");
    if (error instanceof ConfigError) {
      throw new GatewayError("INVALID_REQUEST", error.message, { details: { code: "CONFIG_INVALID", issues: error.issues } });
    }
    throw error;
  }
  const applied = result.changed
    ? gateway.adoptConfig(result.snapshot, method)
    : { restartRequired: false, changedPaths: [] as string[] };
  const restart =
    applied.restartRequired && params.restartDelayMs !== undefined ? gateway.requestRestart(method, params.restartDelayMs) : undefined;
  const common = {
    ok: true as const,
    path: paths.configPath,
    hash: result.snapshot.hash,
    config: redactConfig(result.snapshot.authored),
    // Ours, beside the reference's fields: the Control UI reads them.
    changed: result.changed,
    restartRequired: applied.restartRequired,
  };
  if (method === "config.set") return common;
  if (method === "config.patch" && !result.changed) return { ...common, noop: true, changedPaths: [] };
  return {
    ...common,
    ...(method === "config.patch" ? { changedPaths: applied.changedPaths } : {}),
    ...(restart ? { restart } : {}),
    sentinel: { persisted: false, payload: sentinelPayload(method, paths.configPath, applied.restartRequired, params) },
  };
}

const STALE = "config changed since last load; re-run config.get and retry";

function baseHashError(message: string, code: string): GatewayError {
  return new GatewayError("INVALID_REQUEST", message, { details: { code } });
}

/**
 * The reference's restart-sentinel record for a patch/apply: who asked, why, and whether a restart
 * follows. We keep no sentinel store (nothing reports back to a channel after a restart), hence
 * `persisted: false`.
 */
function sentinelPayload(method: WriteMethod, configPath: string, requiresRestart: boolean, params: WriteCommon) {
  return {
    kind: method === "config.patch" ? "config-patch" : "config-apply",
    status: "ok",
    ts: Date.now(),
    sessionKey: params.sessionKey,
    deliveryContext: params.deliveryContext,
    threadId: params.deliveryContext?.threadId,
    message: params.note ?? null,
    doctorHint: "If the gateway misbehaves after this change, check it with: openclaw doctor",
    stats: { mode: method, root: configPath, requiresRestart },
  };
}

function parseRaw(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON5.parse(raw);
  } catch (error) {
    throw new GatewayError("INVALID_REQUEST", `invalid config raw: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new GatewayError("INVALID_REQUEST", "invalid config raw: expected a JSON5 object");
  }
  return value as Record<string, unknown>;
}

function toSegments(path: string): string[] {
  try {
    return parseKeyPath(path);
  } catch (error) {
    throw new GatewayError("INVALID_REQUEST", (error as Error).message);
  }
}

/**
 * RFC 7386 merge patch: objects merge, `null` deletes, arrays replace. Removing array entries must be
 * confirmed in `replacePaths`, so a truncated read can never silently clobber a list (reference rule).
 */
export function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>, replacePaths: string[], prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const current = out[key];
    if (value === null) {
      if (Array.isArray(current) && !replacePaths.includes(path)) refuseArrayLoss(path);
      delete out[key];
    } else if (isObject(value) && isObject(current)) {
      out[key] = mergePatch(current, value, replacePaths, path);
    } else {
      if (Array.isArray(current) && Array.isArray(value) && value.length < current.length && !replacePaths.includes(path)) {
        refuseArrayLoss(path);
      }
      out[key] = value;
    }
  }
  return out;
}

function refuseArrayLoss(path: string): never {
  throw new GatewayError("INVALID_REQUEST", `config.patch would remove entries of the array ${path}; list it in replacePaths to confirm`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Replaces every secret value of the authored config inside the raw text. */
function redactRaw(raw: string, authored: Record<string, unknown> | null): string {
  let text = raw;
  for (const secret of collectSecrets(authored)) text = text.split(secret).join(REDACTED);
  return text;
}

function collectSecrets(value: unknown): string[] {
  const redacted = redactConfig(value);
  const found: string[] = [];
  const walk = (a: unknown, b: unknown) => {
    if (typeof a === "string" && b === REDACTED && a.length > 0) found.push(a);
    else if (a && typeof a === "object" && b && typeof b === "object") {
      for (const key of Object.keys(a)) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
    }
  };
  walk(value, redacted);
  return found;
}

