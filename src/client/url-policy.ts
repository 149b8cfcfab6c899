// Which gateway URLs the CLI may send credentials to: wss:// anywhere, plain ws:// only to loopback
// unless the operator opts in for a trusted private network (the reference's rule and wording, spec §2.4).
import { GatewayClientError } from "./errors.ts";

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  if (host.startsWith("::ffff:")) return isLoopbackHost(host.slice(7));
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses a gateway URL; only ws:// and wss:// are gateway URLs. */
export function parseGatewayUrl(value: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GatewayClientError("config", `Expected ${source} to be a ws:// or wss:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new GatewayClientError("config", `Expected ${source} to be a ws:// or wss:// URL, got ${JSON.stringify(value)}`);
  }
  return url;
}

/** Throws the reference's SECURITY ERROR for plaintext ws:// to a non-loopback host (unless allowed). */
export function assertSecureGatewayUrl(
  url: URL,
  context: { source: string; configPath: string; env: Record<string, string | undefined> },
): void {
  if (url.protocol === "wss:" || isLoopbackHost(url.hostname)) return;
  const allowPrivateWs = context.env.OPENCLAW_ALLOW_INSECURE_PRIVATE_WS === "1";
  if (allowPrivateWs) return;
  const display = url.href.replace(/\/$/, "");
  const lines = [
    `SECURITY ERROR: Gateway URL "${display}" uses plaintext ws:// to a non-loopback address.`,
    "Both credentials and chat data would be exposed to network interception.",
    `Source: ${context.source}`,
    `Config: ${context.configPath}`,
    "Fix: Use wss:// for remote gateway URLs.",
    "Safe remote access defaults:",
    "- keep gateway.bind=loopback and use an SSH tunnel (ssh -N -L 18789:127.0.0.1:18789 user@gateway-host)",
    "- or use Tailscale Serve/Funnel for HTTPS remote access",
    "Break-glass (trusted private networks only): set OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1",
    "Doctor: openclaw doctor --fix",
  ];
  throw new GatewayClientError("config", lines.join("\n"), { url: url.href });
}
