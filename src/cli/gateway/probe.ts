import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { configuredRemote, type GatewayTarget } from "../../client/target.ts";
import { CliError, cliContext, type CliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "./_rpc.ts";
import { probeTarget, type ProbeResult, type ProbeTarget } from "./_probe-run.ts";
import { buildProbeReport } from "./_probe-report.ts";

// `openclaw gateway probe`: the "debug everything" command. Probes an explicit URL, an SSH tunnel, the
// configured remote and always the local loopback, in parallel, inside one deadline (default 3000 ms);
// exit 1 only when no target is reachable.
export default defineCommand({
  meta: { name: "probe", description: "Probe the local, configured remote and explicit gateways (exit 1 only if none is reachable)" },
  args: {
    ...targetArgs,
    ssh: { type: "string", description: "Also probe through an SSH tunnel: user@host or user@host:port", valueHint: "target" },
    "ssh-identity": { type: "string", description: "SSH identity file for --ssh", valueHint: "path" },
    "ssh-auto": { type: "boolean", description: "Pick the SSH target from gateway discovery (not available yet)" },
    ...timeoutArg(3000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const startedAt = Date.now();
    const timeoutMs = parseTimeoutMs(args.timeout, 3000);
    const deadline = Deadline.after(timeoutMs);
    if (args["ssh-auto"]) throw new CliError("--ssh-auto needs gateway discovery, not available yet");
    const base = targetFromArgs(ctx, args, { allowUrlWithoutCredentials: true });
    const targets = probeTargets(base, args, ctx.env);
    const warnings: { code: string; message: string; targetIds?: string[] }[] = [];

    const sshTarget = str(args.ssh) ?? (base.config?.config.gateway?.remote?.transport === "ssh" ? str(base.config.config.gateway.remote.sshTarget) : undefined);
    let closeTunnel: (() => Promise<void>) | undefined;
    if (sshTarget) {
      const tunnel = await startTunnel(ctx, base, args, sshTarget, deadline);
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
    const report = buildProbeReport({ targets, results, warnings, startedAt, timeoutMs, localPort: base.localPort });
    if (args.json) ctx.out(JSON.stringify(report, null, 2));
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
  const remote = onlyLocal ? undefined : configuredRemote(base);
  if (remote) {
    const secrets = flagSecrets ? { auth: base.auth, credential: base.credential } : { auth: remote.auth, credential: remote.credential };
    add({ id: "configRemote", kind: "configRemote", url: remote.url, active: remote.active, tlsFingerprint: remote.tlsFingerprint, ...secrets });
  }
  add({ id: "localLoopback", kind: "localLoopback", url: `ws://127.0.0.1:${base.localPort}`, active: true, ...localSecrets(base, flagSecrets, env) });
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
    pick(auth?.token, auth?.password, "config", ["gateway.auth.token", "gateway.auth.password"]) ??
    {}
  );
}

async function startTunnel(
  ctx: CliContext,
  base: GatewayTarget,
  args: ProbeArgs,
  value: string,
  deadline: Deadline,
): Promise<{ target: ProbeTarget; close: () => Promise<void> } | { error: string }> {
  const { openSshTunnel, parseSshTarget } = await import("./_ssh-tunnel.ts");
  let parsed;
  try {
    parsed = parseSshTarget(value);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const remote = base.config?.config.gateway?.remote;
  const remotePort = str(args.port) ? base.localPort : (remote?.remotePort ?? base.localPort);
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
        url: `ws://127.0.0.1:${tunnel.localPort}`,
        active: true,
        tunnel: { kind: "ssh", target: value, localPort: tunnel.localPort, remotePort },
        ...secrets,
      },
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Through a tunnel the remote gateway's secret applies when configured, else the local one. */
function remoteOrLocal(base: GatewayTarget, env: Record<string, string | undefined>): Pick<ProbeTarget, "auth" | "credential"> {
  const remote = configuredRemote(base);
  if (remote?.auth) return { auth: remote.auth, credential: remote.credential };
  return localSecrets(base, false, env);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
