// Collects `openclaw status`: local facts (config, service, lock) plus what the gateway says, over the
// connections the reference uses (spec §5), all inside one deadline.
import { GatewayClient } from "../../client/client.ts";
import type { Deadline } from "../../client/deadline.ts";
import { GatewayClientError } from "../../client/errors.ts";
import { backendIdentity, CLI_IDENTITY, PROBE_IDENTITY } from "../../client/identity.ts";
import { callOnce, planCall } from "../../client/session.ts";
import { describeCredential, type GatewayTarget } from "../../client/target.ts";
import { readGatewayLock, readServiceView } from "../gateway/_service-view.ts";

type Rec = Record<string, unknown>;

interface GatewaySelf {
  host: string | null;
  ip: string | null;
  version: string | null;
  platform: string | null;
}

export type StatusReport = Awaited<ReturnType<typeof gatherStatus>>;

export async function gatherStatus(target: GatewayTarget, options: { all: boolean; deep: boolean; deadline: Deadline; env: Record<string, string | undefined>; profile: string | undefined }) {
  // Cold start (no config file, no env target): the reference opens no connection at all. A port or a
  // credential from the environment (or flags) names a gateway even without a config: that one is probed.
  const named = target.kind === "explicit" || target.localPortSource !== "default" || target.auth !== undefined;
  const cold = !target.config?.exists && target.configIssues.length === 0 && !named;
  const notCollected: string[] = [];
  const gateway = {
    mode: target.gatewayMode ?? "local",
    url: target.url,
    urlSource: target.urlSource,
    reachable: false,
    connectLatencyMs: null as number | null,
    error: null as string | null,
    version: null as string | null,
    self: null as GatewaySelf | null,
    credential: target.auth ? describeCredential(target.credential) : null,
  };
  let statusPayload: Rec | null = null;
  let healthPayload: Rec | null = null;
  if (!cold) {
    const { deadline } = options;
    const [probe, status, health] = await Promise.all([
      presenceProbe(target, deadline),
      target.auth
        ? call(target, "status", options.all ? { includeChannelSummary: false } : { includeChannelSummary: false, includeCliProjection: true }, deadline, "backend")
        : Promise.resolve(null),
      target.auth && (!options.all || options.deep) ? call(target, "health", options.deep ? { probe: true } : undefined, deadline, "cli") : Promise.resolve(null),
    ]);
    Object.assign(gateway, probe);
    statusPayload = status?.ok ? (status.payload as Rec) : null;
    healthPayload = health?.ok ? (health.payload as Rec) : null;
    if (!gateway.version && typeof statusPayload?.runtimeVersion === "string") gateway.version = statusPayload.runtimeVersion;
    if (!target.auth) notCollected.push("sessions", "channels", "agents");
  } else {
    notCollected.push("gateway", "sessions", "channels", "agents");
  }
  const sessionsCount = num(rec(statusPayload?.sessions).count) ?? num(rec(healthPayload?.sessions).count);
  const channels = healthPayload ? Object.keys(rec(healthPayload.channels)) : Array.isArray(statusPayload?.channelSummary) && statusPayload.channelSummary.length > 0 ? statusPayload.channelSummary.map(String) : null;
  const agents = Array.isArray(healthPayload?.agents) ? healthPayload.agents : Array.isArray(rec(statusPayload?.heartbeat).agents) ? (rec(statusPayload?.heartbeat).agents as unknown[]) : null;
  if (gateway.reachable && sessionsCount === null && !notCollected.includes("sessions")) notCollected.push("sessions");
  if (gateway.reachable && channels === null && !notCollected.includes("channels")) notCollected.push("channels");
  return {
    configPath: target.paths.configPath,
    stateDir: target.paths.stateDir,
    config: { exists: target.config?.exists ?? target.configIssues.length > 0, valid: target.configIssues.length === 0, issues: target.configIssues },
    gateway,
    service: await readServiceView({ profile: options.profile, env: options.env, timeoutMs: options.deadline.remaining() }),
    process: readGatewayLock(target.paths.stateDir),
    sessions: { count: sessionsCount },
    channels: { count: channels?.length ?? null, ids: channels ?? [] },
    agents: { count: agents?.length ?? null, defaultAgentId: typeof healthPayload?.defaultAgentId === "string" ? healthPayload.defaultAgentId : typeof rec(statusPayload?.heartbeat).defaultAgentId === "string" ? (rec(statusPayload?.heartbeat).defaultAgentId as string) : null },
    health: options.deep ? healthPayload : null,
    notes: target.notes,
    collection: { notCollected },
  };
}

/** `cli/probe` → `system-presence`: reachable once hello-ok arrived, even if presence is FORBIDDEN. */
async function presenceProbe(target: GatewayTarget, deadline: Deadline) {
  let client: GatewayClient | undefined;
  try {
    client = await GatewayClient.connect({ url: target.url, identity: PROBE_IDENTITY, scopes: ["operator.read"], auth: target.auth, tlsFingerprint: target.tlsFingerprint, deadline });
    const presence = await client.request("system-presence", undefined, { deadline }).catch(() => client!.hello.snapshot?.presence);
    return {
      reachable: true,
      connectLatencyMs: client.connectLatencyMs,
      error: null,
      version: client.hello.server?.version ?? null,
      self: selfOf(presence),
    };
  } catch (error) {
    if (!(error instanceof GatewayClientError)) throw error;
    // A protocol refusal (wrong token, no credentials) still proves a gateway answered.
    return { reachable: false, error: error.message };
  } finally {
    void client?.close();
  }
}

async function call(target: GatewayTarget, method: string, params: unknown, deadline: Deadline, who: "cli" | "backend") {
  try {
    const { payload } = await callOnce({
      url: target.url,
      auth: target.auth,
      tlsFingerprint: target.tlsFingerprint,
      plan: planCall(target.auth, method, who === "cli" ? CLI_IDENTITY : backendIdentity("gateway:status")),
      method,
      params,
      deadline,
    });
    return { ok: true as const, payload };
  } catch (error) {
    if (!(error instanceof GatewayClientError)) throw error;
    return { ok: false as const, error: error.message };
  }
}

function selfOf(presence: unknown): GatewaySelf | null {
  if (!Array.isArray(presence)) return null;
  const entry = presence.find((p) => rec(p).reason === "self" || rec(p).mode === "gateway");
  if (!entry) return null;
  const pick = (key: string) => (typeof entry[key] === "string" ? (entry[key] as string) : null);
  return { host: pick("host"), ip: pick("ip"), version: pick("version"), platform: pick("platform") };
}

function rec(value: unknown): Rec {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Rec) : {};
}

function num(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}
