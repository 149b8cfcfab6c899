import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { clientSecret, configuredRemote, localEndpoint, type GatewayTarget } from "../../client/target.ts";
import { CliError, cliContext, type CliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "./_rpc.ts";
import { probeTarget, type ProbeResult, type ProbeTarget } from "./_probe-run.ts";
import { buildProbeReport } from "./_probe-report.ts";
import type { SshTarget } from "./_ssh-tunnel.ts";
import type { GatewayBeacon } from "../../discovery/types.ts";

// `openclaw gateway probe`: the "debug everything" command. Probes an explicit URL, an SSH tunnel, the
// configured remote and always the local loopback, in parallel, inside one deadline (default 3000 ms);
// exit 1 only when no target is reachable. `--ssh-auto` first browses for gateways (mDNS `local.` plus the
// configured wide-area domain) with part of that deadline and tunnels to the first one found.
export default defineCommand({
  meta: { name: "probe", description: "Probe the local, configured remote and explicit gateways (exit 1 only if none is reachable)" },
  args: {
    ...targetArgs,
    ssh: { type: "string", description: "Also probe through an SSH tunnel: user@host or user@host:port", valueHint: "target" },
    "ssh-identity": { type: "string", description: "SSH identity file for --ssh", valueHint: "path" },
    "ssh-auto": { type: "boolean", description: "Use the first discovered gateway (mDNS local. plus the wide-area domain) as the SSH target; exit 1 if none is found" },
    ...timeoutArg(3000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const startedAt = Date.now();
    const timeoutMs = parseTimeoutMs(args.timeout, 3000);
    const deadline = Deadline.after(timeoutMs);
    const base = targetFromArgs(ctx, args, { allowUrlWithoutCredentials: true });
    const targets = probeTargets(base, args, ctx.env);
    const warnings: { code: string; message: string; targetIds?: string[] }[] = [];

    // An explicit --ssh wins over --ssh-auto (nothing to discover then), which wins over gateway.remote.sshTarget.
    const discovered = args["ssh-auto"] && !str(args.ssh) ? await discoverSshTarget(ctx, deadline) : undefined;
    const configured = base.config?.config.gateway?.remote?.transport === "ssh" ? str(base.config.config.gateway.remote.sshTarget) : undefined;
    const ssh: TunnelSpec | undefined = str(args.ssh) ? { display: str(args.ssh)! } : discovered ? discovered.spec : configured ? { display: configured } : undefined;
    let closeTunnel: (() => Promise<void>) | undefined;
    if (ssh) {
      const tunnel = await startTunnel(ctx, base, args, ssh, deadline);
      if ("error" in tunnel) warnings.push({ code: "ssh_tunnel_failed", message: `SSH tunnel failed: ${tunnel.error}` });
      else {
        closeTunnel = tunnel.close;
        targets.splice(targets[0]?.kind === "explicit" ? 1 : 0, 0, tunnel.target);
      }
    }
    let results: ProbeResult[];
    try {
      results = await Promise.all(targets.map((target) => probeTarget(target, deadline)));
    } finally {
      await closeTunnel?.();
    }
    const discovery = discovered ? { ...discovered.json, summary: discovered.lines } : undefined;
    const report = buildProbeReport({ discovery, targets, results, warnings, startedAt, timeoutMs, localPort: base.localPort });
    if (args.json) ctx.out(JSON.stringify({ ...report, discovery: discovered?.json ?? report.discovery }, null, 2));
    else {
      const { renderProbeReport } = await import("./_probe-format.ts");
      ctx.out(renderProbeReport(report, ctx.color));
    }
    return report.ok ? 0 : 1;
  },
});

type ProbeArgs = { url?: unknown; port?: unknown; token?: unknown; password?: unknown; "ssh-identity"?: unknown };

/** Explicit URL first, then the configured remote, then loopback (always), deduplicated by URL. */
function probeTargets(base: GatewayTarget, args: ProbeArgs, env: Record<string, string | undefined>): ProbeTarget[] {
  const flagSecrets = Boolean(str(args.token) || str(args.password));
  const targets: ProbeTarget[] = [];
  const add = (target: ProbeTarget) => {
    if (!targets.some((t) => t.url === target.url)) targets.push(target);
  };
  if (base.kind === "explicit") {
    add({ id: "explicit", kind: "explicit", url: base.url, active: true, auth: base.auth, credential: base.credential, tlsFingerprint: base.tlsFingerprint });
  }
  // `--port` without `--url` selects only the local loopback target (reference docs).
  const onlyLocal = Boolean(str(args.port)) && base.kind !== "explicit";
  const remote = onlyLocal ? undefined : configuredRemote(base, env);
  if (remote) {
    const secrets = flagSecrets ? { auth: base.auth, credential: base.credential } : { auth: remote.auth, credential: remote.credential };
    add({ id: "configRemote", kind: "configRemote", url: remote.url, active: remote.active, tlsFingerprint: remote.tlsFingerprint, ...secrets });
  }
  // A local gateway serving TLS is probed over wss://, pinned to the certificate file it serves (already read for a local base).
  const endpoint = base.kind === "local" ? { url: base.url, ...(base.tlsFingerprint ? { tlsFingerprint: base.tlsFingerprint } : {}) } : localEndpoint(base.config, base.localPort, base.paths.stateDir);
  add({ id: "localLoopback", kind: "localLoopback", ...endpoint, active: true, ...localSecrets(base, flagSecrets, env) });
  return targets;
}

/** Loopback uses the flags' secret, else env, else gateway.auth.* (never a remote's secret). */
function localSecrets(base: GatewayTarget, flagSecrets: boolean, env: Record<string, string | undefined>): Pick<ProbeTarget, "auth" | "credential"> {
  if (flagSecrets || base.kind === "local") return { auth: base.auth, credential: base.credential };
  const pick = (token: string | undefined, password: string | undefined, source: "env" | "config", names: [string, string]) => {
    if (token) return { auth: { token }, credential: { kind: "token" as const, source, name: names[0] } };
    if (password) return { auth: { password }, credential: { kind: "password" as const, source, name: names[1] } };
    return undefined;
  };
  const auth = base.config?.config.gateway?.auth;
  return (
    pick(env.OPENCLAW_GATEWAY_TOKEN, env.OPENCLAW_GATEWAY_PASSWORD, "env", ["OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"]) ??
    pick(clientSecret(base.config, auth?.token, "gateway.auth.token", env), clientSecret(base.config, auth?.password, "gateway.auth.password", env), "config", ["gateway.auth.token", "gateway.auth.password"]) ??
    {}
  );
}

/** What to tunnel to: `--ssh`/config text (parsed here), or a discovered gateway (already parsed). */
interface TunnelSpec {
  /** As the user would write it: `user@host[:port]`; also the report's `tunnel.target`. */
  display: string;
  parsed?: SshTarget;
  /** The gateway port on the far side (a discovered gateway's SRV port). */
  remotePort?: number;
  /** A discovered gateway that serves TLS: tunnel to wss://, pinned to its beacon's fingerprint when it has one. */
  tls?: { pin: string | null };
}

/**
 * `--ssh-auto`: browses with at most 40% of the command's deadline (and never more than the discover
 * timeout, `discovery.timeoutMs` or 2000 ms), leaving the rest for the tunnel and the probes.
 */
async function discoverSshTarget(ctx: CliContext, deadline: Deadline) {
  const [{ argsToDiscoverOptions }, { discoverGateways }, { beaconJson }] = await Promise.all([
    import("./discover.ts"),
    import("../../discovery/discover.ts"),
    import("../../discovery/merge.ts"),
  ]);
  const options = await argsToDiscoverOptions({}, ctx);
  const budget = Math.max(1, Math.min(options.timeoutMs, Math.floor(deadline.remaining() * 0.4)));
  const seen: string[] = [];
  const beacons = await discoverGateways({ timeoutMs: budget, wideArea: options.wideArea, onWarning: (message) => seen.push(message) });
  for (const warning of new Set(seen)) ctx.err(`warning: ${warning}`);
  const where = ["local.", ...(options.wideArea ? [options.wideArea.domain.replace(/\.?$/, ".")] : [])].join(" and ");
  const first = beacons[0];
  if (!first) {
    throw new CliError(
      `--ssh-auto: no gateway discovered in ${where} within ${budget}ms`,
      1,
      "Check with `openclaw gateway discover`, set discovery.wideArea.domain for gateways outside this LAN, or name the host with --ssh user@host.",
    );
  }
  const spec = sshTargetFromBeacon(first);
  const lines = [
    `Found ${beacons.length} gateway${beacons.length === 1 ? "" : "s"} in ${where} (${budget}ms budget):`,
    ...beacons.map((b) => `- ${b.instanceName} · ${b.wsUrl} · ${b.source === "mdns" ? "mdns" : `wide-area (${b.domain})`}`),
    `SSH target (--ssh-auto): ${spec.display} (from "${first.instanceName}")`,
  ];
  return { spec, lines, json: { available: true, timeoutMs: budget, count: beacons.length, beacons: beacons.map(beaconJson) } };
}

/**
 * The SSH target for a discovered gateway: its resolved address (SRV + A/AAAA, or the mDNS sender; IPv4
 * first, never link-local), else the SRV host; TXT host hints (lanHost, tailnetDns) are not used. The
 * TXT `sshPort` is the only place a beacon names its SSH port, so a non-22 value is passed as `-p`.
 */
export function sshTargetFromBeacon(beacon: GatewayBeacon): TunnelSpec {
  const host = beacon.addresses.find((a) => !/^fe[89ab][0-9a-f]:/i.test(a)) ?? beacon.host;
  const sshPort = /^\d{1,5}$/.test(beacon.txt.sshPort ?? "") ? Number(beacon.txt.sshPort) : 22;
  const port = sshPort >= 1 && sshPort <= 65535 && sshPort !== 22 ? sshPort : undefined;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    display: `${shown}${port ? `:${port}` : ""}`,
    parsed: { destination: host, port },
    remotePort: beacon.port,
    tls: beacon.tls ? { pin: beacon.tlsSha256 } : undefined,
  };
}

async function startTunnel(
  ctx: CliContext,
  base: GatewayTarget,
  args: ProbeArgs,
  spec: TunnelSpec,
  deadline: Deadline,
): Promise<{ target: ProbeTarget; close: () => Promise<void> } | { error: string }> {
  const { openSshTunnel, parseSshTarget } = await import("./_ssh-tunnel.ts");
  let parsed = spec.parsed;
  try {
    parsed ??= parseSshTarget(spec.display);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const remote = base.config?.config.gateway?.remote;
  const remotePort = str(args.port) ? base.localPort : (spec.remotePort ?? remote?.remotePort ?? base.localPort);
  try {
    const tunnel = await openSshTunnel({
      target: parsed,
      identity: str(args["ssh-identity"]) ?? str(remote?.sshIdentity),
      remotePort,
      env: ctx.env,
      deadline,
    });
    const secrets = str(args.token) || str(args.password) ? { auth: base.auth, credential: base.credential } : remoteOrLocal(base, ctx.env);
    return {
      close: tunnel.close,
      target: {
        id: "sshTunnel",
        kind: "sshTunnel",
        url: `${spec.tls ? "wss" : "ws"}://127.0.0.1:${tunnel.localPort}`,
        active: true,
        tunnel: { kind: "ssh", target: spec.display, localPort: tunnel.localPort, remotePort },
        ...(spec.tls?.pin ? { tlsFingerprint: spec.tls.pin } : {}),
        ...secrets,
      },
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Through a tunnel the remote gateway's secret applies when configured, else the local one. */
function remoteOrLocal(base: GatewayTarget, env: Record<string, string | undefined>): Pick<ProbeTarget, "auth" | "credential"> {
  const remote = configuredRemote(base, env);
  if (remote?.auth) return { auth: remote.auth, credential: remote.credential };
  return localSecrets(base, false, env);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
