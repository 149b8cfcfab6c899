import { failureText, formatArgv } from "./runner.ts";
import type { CommandRunner } from "./types.ts";

/** Why Tailscale exposure failed; `gateway run --tailscale` prints message + hint and refuses to start. */
export class TailscaleError extends Error {
  override readonly name = "TailscaleError";
  constructor(
    readonly code: "cli-missing" | "funnel-needs-password" | "command-failed" | "mapping-missing" | "status-unreadable",
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface TailscaleOptions {
  mode: "off" | "serve" | "funnel";
  /** The gateway's local port; Tailscale proxies https://<node>:<httpsPort>/ to http://127.0.0.1:<port>. */
  port: number;
  /** The gateway's effective auth mode; funnel (public) requires `password`. */
  authMode: string | undefined;
  run: CommandRunner;
  /** 443 unless given; funnel accepts only 443, 8443 and 10000. */
  httpsPort?: number;
}

/** An active exposure; `reset()` removes only our own mapping and is safe to call twice. */
export interface TailscaleExposure {
  /** `https://<node>.<tailnet>.ts.net` (with the port when it is not 443), when status names the host. */
  url?: string;
  reset(): Promise<void>;
}

interface ServeConfig {
  Web?: Record<string, { Handlers?: Record<string, { Proxy?: string }> }>;
  AllowFunnel?: Record<string, boolean>;
}

/**
 * Runs `tailscale serve|funnel --bg` for the gateway port, then reads `tailscale serve status --json` back
 * and fails loudly when our mapping is not there (field lessons: serve was silently a no-op, #120532).
 */
export async function exposeViaTailscale(opts: TailscaleOptions): Promise<TailscaleExposure> {
  if (opts.mode === "off") return { reset: async () => {} };
  if (opts.mode !== "serve" && opts.mode !== "funnel") throw new TypeError(`Expected mode to be off, serve or funnel, got ${JSON.stringify(opts.mode)}`);
  const httpsPort = opts.httpsPort ?? 443;
  if (opts.mode === "funnel" && opts.authMode !== "password") {
    throw new TailscaleError(
      "funnel-needs-password",
      `Refusing --tailscale funnel with auth mode ${JSON.stringify(opts.authMode ?? "unset")}: Funnel exposes the gateway to the public internet`,
      "Set gateway.auth.mode to password (with OPENCLAW_GATEWAY_PASSWORD or gateway.auth.password), or use --tailscale serve for tailnet-only access.",
    );
  }
  if (opts.mode === "funnel" && ![443, 8443, 10000].includes(httpsPort)) {
    throw new TailscaleError("command-failed", `Tailscale Funnel only serves HTTPS ports 443, 8443 and 10000, got ${httpsPort}`);
  }
  const target = `http://127.0.0.1:${opts.port}`;
  await mustRun(opts.run, ["tailscale", opts.mode, "--bg", "--yes", `--https=${httpsPort}`, target]);

  const config = await readServeStatus(opts.run);
  const host = ourHost(config, httpsPort, opts.port);
  if (!host) {
    throw new TailscaleError(
      "mapping-missing",
      `\`tailscale ${opts.mode}\` reported success, but \`tailscale serve status --json\` has no https:${httpsPort} / → ${target} mapping`,
      "Check `tailscale serve status`; HTTPS must be enabled for the tailnet (and Funnel allowed for this node).",
    );
  }
  let done = false;
  const exposure: TailscaleExposure = {
    url: host.includes(":") && !host.endsWith(":443") ? `https://${host}` : `https://${host.replace(/:443$/, "")}`,
    async reset() {
      if (done) return;
      done = true;
      // Remove the root handler only while it still points at us: never `tailscale serve reset`, never another app's route.
      const current = await readServeStatus(opts.run).catch(() => undefined);
      if (current && !ourHost(current, httpsPort, opts.port)) return;
      await mustRun(opts.run, ["tailscale", opts.mode, "--yes", `--https=${httpsPort}`, "--set-path=/", "off"]);
    },
  };
  if (opts.mode === "funnel" && config.AllowFunnel?.[host] !== true) {
    await exposure.reset().catch(() => {});
    throw new TailscaleError(
      "mapping-missing",
      `\`tailscale funnel\` reported success, but Funnel is not enabled for ${host} in \`tailscale serve status --json\``,
      "Allow Funnel for this node in the tailnet policy (nodeAttrs funnel), then retry.",
    );
  }
  return exposure;
}

async function mustRun(run: CommandRunner, argv: string[]) {
  const result = await run(argv, { timeoutMs: 30_000 });
  if (result.notFound) {
    throw new TailscaleError(
      "cli-missing",
      "The tailscale CLI was not found on PATH, so --tailscale cannot expose the gateway",
      "Install Tailscale (https://tailscale.com/download) and log in, or run with --tailscale off.",
    );
  }
  if (result.code !== 0) throw new TailscaleError("command-failed", `${formatArgv(argv)} failed: ${failureText(result)}`, "Is tailscaled running and logged in? Check `tailscale status`.");
  return result;
}

async function readServeStatus(run: CommandRunner): Promise<ServeConfig> {
  const result = await mustRun(run, ["tailscale", "serve", "status", "--json"]);
  const text = result.stdout.trim();
  if (text === "" || text === "{}") return {};
  try {
    return JSON.parse(text) as ServeConfig;
  } catch {
    throw new TailscaleError("status-unreadable", `\`tailscale serve status --json\` printed something that is not JSON: ${text.slice(0, 120)}`);
  }
}

/** The `host:port` key whose root handler proxies to our local port, if any. */
function ourHost(config: ServeConfig, httpsPort: number, port: number): string | undefined {
  const targets = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, String(port)]);
  for (const [hostPort, web] of Object.entries(config.Web ?? {})) {
    if (!hostPort.endsWith(`:${httpsPort}`)) continue;
    const proxy = web.Handlers?.["/"]?.Proxy?.replace(/\/$/, "");
    if (proxy && targets.has(proxy)) return hostPort;
  }
  return undefined;
}
