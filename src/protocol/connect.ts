import { CLIENT_IDS, CLIENT_MODES } from "./constants.ts";
import type { ConnectParams } from "./connect-schema.ts";

export type { ConnectParams } from "./connect-schema.ts";

// The handshake's fast path. Every connect runs through here; the zod schema in connect-schema.ts (the
// source of truth, and the only place error messages come from) is loaded only when this check says no.
// Measured: zod cost ~70 µs of a ~257 µs cold handshake (BENCHMARKS.md). A test holds the two in step:
// whatever this accepts, the schema accepts too.

const TOP = new Set(["minProtocol", "maxProtocol", "client", "caps", "commands", "computerUse", "workerRuns", "permissions", "pathEnv", "role", "scopes", "modelCatalog", "device", "auth", "locale", "userAgent"]);
const CLIENT = new Set(["id", "version", "platform", "mode", "displayName", "buildId", "deviceFamily", "modelIdentifier", "timeZone", "instanceId"]);
const DEVICE = new Set(["id", "publicKey", "signature", "signedAt", "nonce"]);
const AUTH = new Set(["token", "bootstrapToken", "deviceToken", "password", "approvalRuntimeToken", "agentRuntimeIdentityToken"]);
const IDS: ReadonlySet<string> = new Set(CLIENT_IDS);
const MODES: ReadonlySet<string> = new Set(CLIENT_MODES);

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => v !== null && typeof v === "object" && !Array.isArray(v);
const onlyKeys = (o: Plain, allowed: ReadonlySet<string>) => Object.keys(o).every((k) => allowed.has(k));
const optString = (v: unknown, max = Infinity) => v === undefined || (typeof v === "string" && v.length <= max);
const stringArray = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === "string"));
const protocol = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 1;

function clientOk(c: unknown): boolean {
  return (
    isPlain(c) &&
    onlyKeys(c, CLIENT) &&
    typeof c.id === "string" &&
    IDS.has(c.id) &&
    typeof c.mode === "string" &&
    MODES.has(c.mode) &&
    typeof c.version === "string" &&
    typeof c.platform === "string" &&
    optString(c.displayName) &&
    optString(c.buildId, 96) &&
    optString(c.deviceFamily) &&
    optString(c.modelIdentifier) &&
    optString(c.timeZone, 64) &&
    optString(c.instanceId)
  );
}

function deviceOk(d: unknown): boolean {
  if (d === undefined) return true;
  return (
    isPlain(d) &&
    onlyKeys(d, DEVICE) &&
    typeof d.id === "string" &&
    typeof d.publicKey === "string" &&
    typeof d.signature === "string" &&
    Number.isSafeInteger(d.signedAt) &&
    typeof d.nonce === "string"
  );
}

function authOk(a: unknown): boolean {
  if (a === undefined) return true;
  return isPlain(a) && onlyKeys(a, AUTH) && Object.values(a).every((v) => optString(v));
}

function permissionsOk(p: unknown): boolean {
  return p === undefined || (isPlain(p) && Object.values(p).every((v) => typeof v === "boolean"));
}

/** True only when the zod schema would accept the params as they are (no defaults or coercions exist). */
export function looksValidConnect(params: unknown): params is ConnectParams {
  if (!isPlain(params) || !onlyKeys(params, TOP)) return false;
  return (
    protocol(params.minProtocol) &&
    protocol(params.maxProtocol) &&
    clientOk(params.client) &&
    stringArray(params.caps) &&
    permissionsOk(params.permissions) &&
    optString(params.role) &&
    stringArray(params.scopes) &&
    deviceOk(params.device) &&
    authOk(params.auth) &&
    optString(params.locale) &&
    optString(params.userAgent)
  );
}

/** Validates connect params; the failure text is the reference's `invalid connect params: …`. */
export async function parseConnectParams(params: unknown): Promise<{ ok: true; value: ConnectParams } | { ok: false; message: string }> {
  if (looksValidConnect(params)) return { ok: true, value: params };
  const { parseConnectParamsStrict } = await import("./connect-schema.ts");
  return parseConnectParamsStrict(params);
}
