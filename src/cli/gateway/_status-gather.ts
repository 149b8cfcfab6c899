// The facts `openclaw gateway status` reports: the service view, the connectivity probe, and the RPC check.
import { GatewayClient } from "../../client/client.ts";
import { Deadline } from "../../client/deadline.ts";
import { GatewayClientError } from "../../client/errors.ts";
import { backendIdentity, PROBE_IDENTITY } from "../../client/identity.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { capabilityOf } from "./_probe-run.ts";
import { readGatewayLock, readServiceView, scanOtherGatewayServices } from "./_service-view.ts";
import { lastErrorLine, resolveLogFile } from "./_log-path.ts";
import { tcpAccepts } from "./_net.ts";

export type GatewayStatusReport = Awaited<ReturnType<typeof gatherStatus>>;

export interface GatherOptions {
  probe: boolean;
  requireRpc: boolean;
  deep: boolean;
  deadline: Deadline;
  profile: string | undefined;
  env: Record<string, string | undefined>;
}

export async function gatherStatus(target: GatewayTarget, options: GatherOptions) {
  const gateway = target.config?.config.gateway;
  const probeUrl = target.url;
  // The probe (bounded by --timeout) and the supervisor's view (local commands) run side by side.
  const serviceOptions = { profile: options.profile, env: options.env, timeoutMs: options.deadline.remaining() };
  const [rpc, service, deepScan] = await Promise.all([
    options.probe ? probeRpc(target, options.requireRpc, options.deadline) : undefined,
    readServiceView(serviceOptions),
    options.deep ? scanOtherGatewayServices(serviceOptions) : null,
  ]);
  const processInfo = readGatewayLock(target.paths.stateDir);
  const listening = target.kind === "local" ? await tcpAccepts(target.localPort, Math.max(1, Math.min(1000, options.deadline.remaining() || 1000))) : null;
  const logFile = resolveLogFile(target.config);
  const looksRunning = service.runtime?.status === "running" || processInfo?.alive === true;
  const lastError = looksRunning && listening === false ? await lastErrorLine(logFile) : null;
  return {
    service: { ...service, deepScan },
    process: processInfo,
    config: {
      cli: {
        path: target.paths.configPath,
        exists: target.config?.exists ?? target.configIssues.length > 0,
        valid: target.configIssues.length === 0,
        issues: target.configIssues,
      },
    },
    logFile,
    gateway: {
      bindMode: target.bind,
      bindHost: bindHost(target.bind, gateway?.customBindHost),
      port: target.localPort,
      portSource: target.localPortSource,
      probeUrl,
      urlSource: target.urlSource,
      probeNote: probeNote(target),
      dashboard: gateway?.controlUi?.enabled === false ? null : `${gateway?.tls?.enabled ? "https" : "http"}://127.0.0.1:${target.localPort}/`,
      version: rpc?.server?.version ?? rpc?.runtimeVersion ?? null,
    },
    port: { port: target.localPort, status: listening === null ? "unknown" : listening ? "busy" : "free" },
    lastError,
    notes: target.notes,
    ...(rpc ? { rpc } : {}),
  };
}

interface RpcReport {
  ok: boolean;
  kind: "connect" | "read";
  url: string;
  connectLatencyMs: number | null;
  capability: string;
  auth: { method: string | null; role: string | null; scopes: string[] } | null;
  server: { version: string | null; buildId: string | null; connId: string | null } | null;
  runtimeVersion?: string | null;
  error?: string;
  errorCode?: string;
}

/** The connectivity probe; with `requireRpc` a backend connection that must answer `status`. */
async function probeRpc(target: GatewayTarget, requireRpc: boolean, deadline: Deadline): Promise<RpcReport> {
  const base: RpcReport = { ok: false, kind: requireRpc ? "read" : "connect", url: target.url, connectLatencyMs: null, capability: "unknown", auth: null, server: null };
  if (target.kind === "explicit" && !target.auth && target.urlSource === "cli --url") {
    return { ...base, error: "gateway url override requires explicit credentials" };
  }
  let client: GatewayClient | undefined;
  try {
    const backend = requireRpc && target.auth;
    client = await GatewayClient.connect({
      url: target.url,
      identity: backend ? backendIdentity("gateway:status") : PROBE_IDENTITY,
      scopes: ["operator.read"],
      auth: target.auth,
      tlsFingerprint: target.tlsFingerprint,
      deadline,
    });
    const hello = client.hello;
    const report: RpcReport = {
      ...base,
      ok: true,
      connectLatencyMs: client.connectLatencyMs,
      capability: capabilityOf(hello.auth?.scopes ?? null, false, hello),
      auth: { method: hello.auth?.method ?? null, role: hello.auth?.role ?? null, scopes: hello.auth?.scopes ?? [] },
      server: { version: hello.server?.version ?? null, buildId: hello.server?.buildId ?? null, connId: hello.server?.connId ?? null },
    };
    if (requireRpc) {
      const status = await client.request<{ runtimeVersion?: unknown }>("status", {}, { deadline });
      report.runtimeVersion = typeof status?.runtimeVersion === "string" ? status.runtimeVersion : null;
    }
    return report;
  } catch (error) {
    if (!(error instanceof GatewayClientError)) throw error;
    return { ...base, ok: false, error: error.message, ...(error.code ? { errorCode: error.code } : {}) };
  } finally {
    void client?.close();
  }
}

function bindHost(bind: string, custom: string | undefined): string | null {
  if (bind === "loopback" || bind === "auto") return "127.0.0.1";
  if (bind === "lan") return "0.0.0.0";
  if (bind === "custom") return custom ?? null;
  return null;
}

function probeNote(target: GatewayTarget): string | null {
  if (target.kind !== "local") return null;
  if (target.bind === "loopback") return "Loopback-only gateway; only local clients can connect.";
  if (target.bind === "lan") return "bind=lan listens on all interfaces; probing via 127.0.0.1.";
  return null;
}
