// Who our CLI says it is in `connect`, exactly as the reference CLI does per command (spec §2.2): the
// frame a reference gateway sees from us must be indistinguishable from the reference CLI's.
import { OPERATOR_SCOPES, PROTOCOL_VERSION, MIN_PROBE_PROTOCOL_VERSION } from "../protocol/constants.ts";
import { requiredScope } from "../protocol/method-scopes.ts";
import { VERSION } from "../version.ts";

/** The `client` block's identity part, one of the variants the reference CLI uses. */
export interface ClientIdentity {
  id: "cli" | "gateway-client";
  mode: "cli" | "probe" | "backend";
  version: string;
  minProtocol: number;
  /** Backend connections name their purpose (`gateway:status`, `gateway:logs.tail`). */
  displayName?: string;
}

/** `gateway health`, `gateway call`, `logs --url`: `cli/cli`, our version, protocol 4..4. */
export const CLI_IDENTITY: ClientIdentity = { id: "cli", mode: "cli", version: VERSION, minProtocol: PROTOCOL_VERSION };

/** `gateway probe`, `gateway status`, and any command without credentials: `cli/probe`, version "dev", 3..4. */
export const PROBE_IDENTITY: ClientIdentity = { id: "cli", mode: "probe", version: "dev", minProtocol: MIN_PROBE_PROTOCOL_VERSION };

/** `gateway-client/backend` with a purpose label (`openclaw status`, implicit-local `logs`). */
export function backendIdentity(displayName: string): ClientIdentity {
  return { id: "gateway-client", mode: "backend", version: VERSION, minProtocol: PROTOCOL_VERSION, displayName };
}

/** The shared secret as it goes on the wire: `auth.token` or `auth.password`. */
export interface ConnectAuth {
  token?: string;
  password?: string;
  /** A device token the gateway issued to this device (sent with a signed device block). */
  deviceToken?: string;
}

// One UUID per process, as the reference's `instanceId` (spec §2.2).
const INSTANCE_ID = crypto.randomUUID();

/**
 * The fewest scopes a method needs (spec §2.2): its least-privilege scope, or all seven operator scopes
 * for a method the table does not know (or one no operator scope grants), as the reference CLI asks.
 */
export function scopesFor(method: string): string[] {
  const scope = requiredScope(method);
  return scope === undefined || scope === "none" ? [...OPERATOR_SCOPES] : [scope];
}

/** `client.platform` / `client.deviceFamily` as Node reports them on the reference CLI. */
export function platformInfo(platform: string = process.platform): { platform: string; deviceFamily: string } {
  const family: Record<string, string> = { linux: "Linux", darwin: "Mac", win32: "Windows", freebsd: "FreeBSD" };
  return { platform, deviceFamily: family[platform] ?? platform };
}

/** The `connect` params, keys in the reference CLI's wire order; `auth` is left out when there is no secret. */
export function connectParams(identity: ClientIdentity, scopes: readonly string[], auth?: ConnectAuth): Record<string, unknown> {
  const { platform, deviceFamily } = platformInfo();
  const client: Record<string, unknown> = { id: identity.id };
  if (identity.displayName !== undefined) client.displayName = identity.displayName;
  Object.assign(client, { version: identity.version, platform, deviceFamily, mode: identity.mode, instanceId: INSTANCE_ID });
  const params: Record<string, unknown> = {
    minProtocol: identity.minProtocol,
    maxProtocol: PROTOCOL_VERSION,
    client,
    caps: [],
  };
  const wireAuth = authOnWire(auth);
  if (wireAuth) params.auth = wireAuth;
  params.role = "operator";
  params.scopes = [...scopes];
  return params;
}

function authOnWire(auth: ConnectAuth | undefined): ConnectAuth | undefined {
  if (!auth) return undefined;
  const out: ConnectAuth = {};
  if (auth.token) out.token = auth.token;
  if (auth.password) out.password = auth.password;
  if (auth.deviceToken) out.deviceToken = auth.deviceToken;
  return out.token || out.password || out.deviceToken ? out : undefined;
}
