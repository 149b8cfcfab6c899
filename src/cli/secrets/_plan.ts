// The `secrets apply` plan contract (gateway/secrets-plan-contract): reading a plan file (a regular file of at
// most 16 MiB, JSON), and validating every target against the credential paths this gateway reads from
// SecretRefs. Validation is pure and complete before anything is written: an invalid plan changes nothing.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isSecretRef, type SecretRef } from "../../config/secret-ref.ts";

const PLAN_MAX_BYTES = 16 * 1024 * 1024;
const PROVIDER_ALIAS = /^[a-z][a-z0-9_-]{0,63}$/;
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

/** A credential path that may hold a SecretRef: its canonical type, accepted aliases, and `*` wildcards. */
interface TargetShape {
  type: string;
  aliases?: string[];
  pattern: string;
  /** Index of the segment `providerId` must equal (models.providers.<id>.apiKey). */
  providerIdIndex?: number;
  /** Index of the segment `accountId` must equal (channels.telegram.accounts.<id>.botToken). */
  accountIdIndex?: number;
}

/** The reference's registry, narrowed to the credentials this gateway consumes (plus hooks.token, ours). */
const TARGET_SHAPES: readonly TargetShape[] = [
  { type: "gateway.auth.token", pattern: "gateway.auth.token" },
  { type: "gateway.auth.password", pattern: "gateway.auth.password" },
  { type: "gateway.remote.token", pattern: "gateway.remote.token" },
  { type: "gateway.remote.password", pattern: "gateway.remote.password" },
  { type: "models.providers.apiKey", aliases: ["models.providers.*.apiKey"], pattern: "models.providers.*.apiKey", providerIdIndex: 2 },
  { type: "channels.telegram.botToken", pattern: "channels.telegram.botToken" },
  { type: "channels.telegram.webhookSecret", pattern: "channels.telegram.webhookSecret" },
  { type: "channels.telegram.accounts.*.botToken", pattern: "channels.telegram.accounts.*.botToken", accountIdIndex: 3 },
  { type: "channels.telegram.accounts.*.webhookSecret", pattern: "channels.telegram.accounts.*.webhookSecret", accountIdIndex: 3 },
  { type: "hooks.token", pattern: "hooks.token" },
];

/** Types the reference knows that live in stores this gateway does not have. */
const UNSUPPORTED_TYPES = new Set(["auth-profiles.api_key.key", "auth-profiles.token.token"]);

export interface PlanTarget {
  type: string;
  path: string;
  segments: string[];
  ref: SecretRef;
}

export interface ApplyPlan {
  targets: PlanTarget[];
  providerUpserts: Record<string, Record<string, unknown>>;
  providerDeletes: string[];
  options: { scrubEnv: boolean };
}

/** A plan that breaks the contract; the message names the offending target or field. */
export class PlanError extends Error {
  override readonly name = "PlanError";
}

/** Reads and validates a plan file; throws PlanError naming the first problem. */
export function readPlanFile(path: string): ApplyPlan {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not hang before the regular-file check refuses it.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlanError(code === "ENOENT" ? `Secrets plan file not found: ${path}` : `Cannot read secrets plan file ${path}: ${code ?? "error"}`);
  }
  let text: string;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new PlanError(`Secrets plan path is not a regular file: ${path}`);
    if (stat.size > PLAN_MAX_BYTES) throw new PlanError(`Secrets plan file exceeds ${PLAN_MAX_BYTES} bytes: ${path}`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    text = buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PlanError(`Malformed JSON in secrets plan file: ${path}`);
  }
  return validatePlan(parsed);
}

/** Checks the whole plan shape and every target; returns the normalized plan. */
function validatePlan(value: unknown): ApplyPlan {
  if (!isRecord(value)) throw new PlanError("Invalid secrets plan: expected an object");
  if (value.version !== 1 || value.protocolVersion !== 1) throw new PlanError("Invalid secrets plan: version and protocolVersion must both be 1");
  if (!Array.isArray(value.targets)) throw new PlanError("Invalid secrets plan: targets must be an array");
  const providerUpserts: ApplyPlan["providerUpserts"] = {};
  if (value.providerUpserts !== undefined) {
    if (!isRecord(value.providerUpserts)) throw new PlanError("Invalid secrets plan: providerUpserts must be an object");
    for (const [alias, provider] of Object.entries(value.providerUpserts)) {
      if (!PROVIDER_ALIAS.test(alias)) throw new PlanError(`Invalid provider alias in providerUpserts: ${JSON.stringify(alias)}`);
      if (!isRecord(provider) || !["env", "file", "exec"].includes(provider.source as string)) throw new PlanError(`Invalid provider definition for providerUpserts.${alias}: source must be env, file or exec`);
      providerUpserts[alias] = provider;
    }
  }
  const providerDeletes: string[] = [];
  if (value.providerDeletes !== undefined) {
    if (!Array.isArray(value.providerDeletes)) throw new PlanError("Invalid secrets plan: providerDeletes must be an array");
    for (const alias of value.providerDeletes) {
      if (typeof alias !== "string" || !PROVIDER_ALIAS.test(alias)) throw new PlanError(`Invalid provider alias in providerDeletes: ${JSON.stringify(alias)}`);
      providerDeletes.push(alias);
    }
  }
  const targets = value.targets.map((target, index) => validateTarget(target, index));
  const options = isRecord(value.options) ? value.options : {};
  return { targets, providerUpserts, providerDeletes, options: { scrubEnv: options.scrubEnv !== false } };
}

function validateTarget(value: unknown, index: number): PlanTarget {
  if (!isRecord(value)) throw new PlanError(`Invalid plan target #${index}: expected an object`);
  const type = value.type;
  if (typeof type !== "string" || !type) throw new PlanError(`Invalid plan target #${index}: type is missing`);
  if (UNSUPPORTED_TYPES.has(type)) throw new PlanError(`Unsupported plan target type ${type}: this gateway keeps no auth-profile store`);
  const shape = TARGET_SHAPES.find((s) => s.type === type || s.aliases?.includes(type));
  if (!shape) throw new PlanError(`Unknown plan target type: ${type}`);
  const path = typeof value.path === "string" ? value.path.trim() : "";
  if (!path) throw new PlanError(`Invalid plan target path for ${type}: path must be a non-empty dot path`);
  const segments = path.split(".");
  if (segments.some((s) => s === "")) throw new PlanError(`Invalid plan target path for ${type}: ${path}`);
  if (segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) throw new PlanError(`Invalid plan target path for ${type}: ${path} (forbidden segment)`);
  if (value.pathSegments !== undefined) {
    const given = value.pathSegments;
    if (!Array.isArray(given) || given.length !== segments.length || given.some((s, i) => s !== segments[i])) {
      throw new PlanError(`Invalid plan target path for ${type}: pathSegments do not match ${path}`);
    }
  }
  const pattern = shape.pattern.split(".");
  if (pattern.length !== segments.length || pattern.some((p, i) => p !== "*" && p !== segments[i])) throw new PlanError(`Invalid plan target path for ${type}: ${path}`);
  if (value.providerId !== undefined && (shape.providerIdIndex === undefined || value.providerId !== segments[shape.providerIdIndex])) {
    throw new PlanError(`Invalid plan target ${path}: providerId ${JSON.stringify(value.providerId)} does not match the path`);
  }
  if (value.accountId !== undefined && (shape.accountIdIndex === undefined || value.accountId !== segments[shape.accountIdIndex])) {
    throw new PlanError(`Invalid plan target ${path}: accountId ${JSON.stringify(value.accountId)} does not match the path`);
  }
  const ref = value.ref;
  if (!isSecretRef(ref) || typeof ref.provider !== "string" || !ref.provider.trim() || !ref.id.trim()) {
    throw new PlanError(`Invalid plan target ${path}: ref must be {source: env|file|exec, provider, id}`);
  }
  if (!PROVIDER_ALIAS.test(ref.provider)) throw new PlanError(`Invalid plan target ${path}: provider alias ${JSON.stringify(ref.provider)} is invalid`);
  const extra = Object.keys(ref).filter((k) => !["source", "provider", "id"].includes(k));
  if (extra.length > 0) throw new PlanError(`Invalid plan target ${path}: ref has unknown keys ${extra.join(", ")}`);
  return { type: shape.type, path, segments, ref: { source: ref.source, provider: ref.provider, id: ref.id } };
}

/** True when applying the plan could run a provider command (exec refs or exec providers). */
export function planUsesExec(plan: ApplyPlan): boolean {
  return plan.targets.some((t) => t.ref.source === "exec") || Object.values(plan.providerUpserts).some((p) => p.source === "exec");
}

function isRecord(value: unknown): value is Record<string, any> {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}
