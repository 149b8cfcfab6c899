// Probing one gateway target as the reference's `gateway probe` does (spec §5): a `cli/probe` connect,
// then `health`, `status`, `system-presence` and `config.get` in parallel, all inside the command's one
// deadline; the result says whether it is reachable, what the handshake proved about auth, and who answered.
import { GatewayClient, type HelloOk } from "../../client/client.ts";
import type { Deadline } from "../../client/deadline.ts";
import { GatewayClientError } from "../../client/errors.ts";
import { PROBE_IDENTITY, type ConnectAuth } from "../../client/identity.ts";
import type { CredentialOrigin } from "../../client/target.ts";

export type ProbeTargetKind = "explicit" | "sshTunnel" | "configRemote" | "localLoopback";

export interface ProbeTarget {
  id: ProbeTargetKind;
  kind: ProbeTargetKind;
  url: string;
  /** A configured remote that gateway.mode does not select is probed but "inactive". */
  active: boolean;
  auth?: ConnectAuth;
  credential?: CredentialOrigin;
  tlsFingerprint?: string;
  tunnel?: { kind: "ssh"; target: string; localPort: number; remotePort: number };
}

export type Capability = "admin_capable" | "write_capable" | "read_only" | "connected_no_operator_scope" | "pairing_pending" | "unknown";

/** The gateway's own presence entry (`reason: "self"`), which tells two gateways apart. */
export interface GatewaySelf {
  host: string | null;
  ip: string | null;
  version: string | null;
  platform: string | null;
  instanceId: string | null;
}

export interface ProbeResult {
  /** hello-ok arrived, or the gateway answered the connect with a protocol error (wrong token counts). */
  reachable: boolean;
  /** Connected and all four read RPCs succeeded. */
  rpcOk: boolean;
  /** Connected, but read RPCs failed for a missing operator scope (degraded, not down). */
  scopeLimited: boolean;
  connectLatencyMs: number | null;
  error: string | null;
  close: { code: number; reason: string } | null;
  capability: Capability;
  auth: { method: string | null; role: string | null; scopes: string[] } | null;
  server: { version: string | null; buildId: string | null; bootId: string | null; connId: string | null } | null;
  self: GatewaySelf | null;
  health: unknown;
  status: unknown;
  presence: unknown;
  config: unknown;
}

const READ_RPCS = [
  ["health", undefined],
  ["status", {}],
  ["system-presence", undefined],
  ["config.get", {}],
] as const;

/** Probes one target; never throws. */
export async function probeTarget(target: ProbeTarget, deadline: Deadline): Promise<ProbeResult> {
  const result = emptyResult();
  let client: GatewayClient;
  try {
    client = await GatewayClient.connect({
      url: target.url,
      identity: PROBE_IDENTITY,
      scopes: ["operator.read"],
      auth: target.auth,
      tlsFingerprint: target.tlsFingerprint,
      deadline,
    });
  } catch (error) {
    const failure = asClientError(error);
    result.reachable = failure.kind === "connect";
    result.error = failure.message;
    result.close = failure.close ?? null;
    result.capability = failure.detailCode === "PAIRING_REQUIRED" ? "pairing_pending" : "unknown";
    return result;
  }
  try {
    result.reachable = true;
    result.connectLatencyMs = client.connectLatencyMs;
    fillFromHello(result, client.hello);
    const outcomes = await Promise.all(
      READ_RPCS.map(([method, params]) =>
        client.request(method, params, { deadline }).then(
          (payload) => ({ method, ok: true as const, payload }),
          (error) => ({ method, ok: false as const, error: asClientError(error) }),
        ),
      ),
    );
    const failures = outcomes.filter((o) => !o.ok);
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      if (outcome.method === "health") result.health = outcome.payload;
      if (outcome.method === "status") result.status = outcome.payload;
      if (outcome.method === "system-presence") result.presence = outcome.payload;
      if (outcome.method === "config.get") result.config = outcome.payload;
    }
    result.rpcOk = failures.length === 0;
    if (failures.length > 0) {
      const first = (failures[0] as { error: GatewayClientError }).error;
      result.error = first.message;
      result.scopeLimited = failures.every((f) => isMissingScope((f as { error: GatewayClientError }).error));
    }
    result.self = selfFrom(result.presence) ?? selfFrom(client.hello.snapshot?.presence);
    result.capability = capabilityOf(result.auth?.scopes ?? null, result.rpcOk, client.hello);
  } finally {
    void client.close();
  }
  return result;
}

/** Spec §5: admin → admin_capable, write → write_capable, read or all RPCs ok → read_only, else connect-only. */
export function capabilityOf(scopes: string[] | null, rpcOk: boolean, hello: HelloOk | null): Capability {
  if (!hello) return "unknown";
  const granted = new Set(scopes ?? []);
  if (granted.has("operator.admin")) return "admin_capable";
  if (granted.has("operator.write")) return "write_capable";
  if (granted.has("operator.read") || rpcOk) return "read_only";
  return hello.auth ? "connected_no_operator_scope" : "unknown";
}

/** Ranks capabilities so the command can report the best one seen. */
export const CAPABILITY_RANK: Record<Capability, number> = {
  admin_capable: 5,
  write_capable: 4,
  read_only: 3,
  connected_no_operator_scope: 2,
  pairing_pending: 1,
  unknown: 0,
};

function fillFromHello(result: ProbeResult, hello: HelloOk): void {
  result.auth = {
    method: hello.auth?.method ?? null,
    role: hello.auth?.role ?? null,
    scopes: Array.isArray(hello.auth?.scopes) ? hello.auth!.scopes! : [],
  };
  result.server = {
    version: hello.server?.version ?? null,
    buildId: hello.server?.buildId ?? null,
    bootId: hello.server?.bootId ?? null,
    connId: hello.server?.connId ?? null,
  };
}

function selfFrom(presence: unknown): GatewaySelf | null {
  if (!Array.isArray(presence)) return null;
  const entry = presence.find((p) => p && typeof p === "object" && ((p as { reason?: unknown }).reason === "self" || (p as { mode?: unknown }).mode === "gateway"));
  if (!entry) return null;
  const pick = (key: string) => (typeof entry[key] === "string" ? (entry[key] as string) : null);
  return { host: pick("host"), ip: pick("ip"), version: pick("version"), platform: pick("platform"), instanceId: pick("instanceId") };
}

function isMissingScope(error: GatewayClientError): boolean {
  return error.detailCode === "MISSING_SCOPE" || /missing scope/i.test(error.message);
}

function asClientError(error: unknown): GatewayClientError {
  return error instanceof GatewayClientError ? error : new GatewayClientError("protocol", String((error as Error)?.message ?? error));
}

function emptyResult(): ProbeResult {
  return {
    reachable: false,
    rpcOk: false,
    scopeLimited: false,
    connectLatencyMs: null,
    error: null,
    close: null,
    capability: "unknown",
    auth: null,
    server: null,
    self: null,
    health: null,
    status: null,
    presence: null,
    config: null,
  };
}
