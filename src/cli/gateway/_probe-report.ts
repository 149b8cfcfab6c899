// The `gateway probe` result as data: the JSON shape (stable, snapshot-tested) that the human renderer
// also reads. Field names follow the reference's probe JSON (reference-docs/cli/gateway/query.md).
import { CAPABILITY_RANK, type Capability, type ProbeResult, type ProbeTarget } from "./_probe-run.ts";

export interface ProbeWarning {
  code: string;
  message: string;
  targetIds?: string[];
}

/** What `--ssh-auto` discovered (`available: false` when discovery did not run). */
export interface ProbeDiscovery {
  available: boolean;
  timeoutMs: number;
  count: number;
  beacons: unknown[];
  /** Human lines for the report (not part of --json). */
  summary?: string[];
}

export interface ProbeReport {
  ok: boolean;
  degraded: boolean;
  capability: Capability;
  ts: number;
  durationMs: number;
  timeoutMs: number;
  primaryTargetId: string | null;
  warnings: ProbeWarning[];
  network: { localLoopbackUrl: string; localTailnetUrl: null; tailnetIPv4: null };
  discovery: ProbeDiscovery;
  targets: ReturnType<typeof targetEntry>[];
}

const PRIMARY_ORDER = ["explicit", "sshTunnel", "configRemote", "localLoopback"] as const;
const LABELS: Record<string, string> = {
  explicit: "URL (explicit)",
  sshTunnel: "Remote over SSH",
  configRemote: "Remote (configured)",
  localLoopback: "Local loopback",
};

/** Builds the report: reachability, the best capability, warnings (multiple gateways, limited scope). */
export function buildProbeReport(input: {
  discovery?: ProbeDiscovery;
  targets: ProbeTarget[];
  results: ProbeResult[];
  warnings: ProbeWarning[];
  startedAt: number;
  timeoutMs: number;
  localPort: number;
}): ProbeReport {
  const pairs = input.targets.map((target, i) => ({ target, result: input.results[i]! }));
  const reachable = pairs.filter((p) => p.result.reachable);
  const warnings = [...input.warnings];
  if (hasMultipleIdentities(reachable.map((p) => p.result))) {
    const names = reachable.map((p) => `${targetLabel(p.target)} ${p.target.url}`).join(", ");
    warnings.push({
      code: "multiple_gateways",
      message: `multiple reachable gateways detected: ${names}. Usually one gateway per network is recommended unless you intentionally run isolated profiles, like a rescue bot.`,
      targetIds: reachable.map((p) => p.target.id),
    });
  }
  for (const { target, result } of pairs) {
    if (result.scopeLimited) {
      warnings.push({
        code: "probe_scope_limited",
        message: `Read-probe diagnostics are limited by gateway scopes (missing operator.read) on ${targetLabel(target)}. Connection succeeded, but status details may be incomplete. Hint: use credentials with operator.read.`,
        targetIds: [target.id],
      });
    }
  }
  const primary = PRIMARY_ORDER.map((kind) => reachable.find((p) => p.target.kind === kind)).find(Boolean);
  const capability = reachable.map((p) => p.result.capability).sort((a, b) => CAPABILITY_RANK[b] - CAPABILITY_RANK[a])[0] ?? "unknown";
  return {
    ok: reachable.length > 0,
    degraded: reachable.some((p) => !p.result.rpcOk),
    capability,
    ts: Date.now(),
    durationMs: Date.now() - input.startedAt,
    timeoutMs: input.timeoutMs,
    primaryTargetId: primary?.target.id ?? null,
    warnings,
    network: { localLoopbackUrl: `ws://127.0.0.1:${input.localPort}`, localTailnetUrl: null, tailnetIPv4: null },
    discovery: input.discovery ?? { available: false, timeoutMs: 0, count: 0, beacons: [] },
    targets: pairs.map(({ target, result }) => targetEntry(target, result)),
  };
}

export function targetLabel(target: { kind: string; active: boolean }): string {
  if (target.kind === "configRemote" && !target.active) return "Remote (configured, inactive)";
  return LABELS[target.kind] ?? target.kind;
}

function targetEntry(target: ProbeTarget, result: ProbeResult) {
  return {
    id: target.id,
    kind: target.kind,
    url: target.url,
    active: target.active,
    tunnel: target.tunnel ?? null,
    connect: {
      ok: result.reachable,
      rpcOk: result.rpcOk,
      scopeLimited: result.scopeLimited,
      latencyMs: result.connectLatencyMs,
      error: result.error,
      close: result.close,
    },
    auth: result.auth ? { ...result.auth, capability: result.capability } : { method: null, role: null, scopes: [], capability: result.capability },
    server: result.server,
    self: result.self,
    health: result.health,
    summary: result.status,
    presence: result.presence,
    config: summarizeConfig(result.config),
  };
}

/** Only the non-secret facts of `config.get` (path, validity), never the config body. */
function summarizeConfig(config: unknown): { path: string | null; exists: boolean | null; valid: boolean | null } | null {
  if (!config || typeof config !== "object") return null;
  const c = config as { path?: unknown; exists?: unknown; valid?: unknown };
  return {
    path: typeof c.path === "string" ? c.path : null,
    exists: typeof c.exists === "boolean" ? c.exists : null,
    valid: typeof c.valid === "boolean" ? c.valid : null,
  };
}

/**
 * Two reachable targets are one gateway only when both identify the same instance (a tunnel and the
 * loopback URL of one process); anything unidentifiable keeps the warning, conservatively.
 */
function hasMultipleIdentities(results: ProbeResult[]): boolean {
  if (results.length <= 1) return false;
  const keys = results.map((r) => {
    const instance = r.self?.instanceId ?? r.server?.bootId;
    return instance ? `${r.self?.host ?? ""}\u0000${instance}` : null;
  });
  if (keys.some((k) => k === null)) return true;
  return new Set(keys).size > 1;
}
