// `device.pair.setupCode` (admin): a setup code for a mobile or headless node, as the reference builds it —
// base64url JSON `{url, bootstrapToken, expiresAtMs, tlsFingerprint?}` with a fresh bootstrap token (never the
// shared secret). The URL is the request's publicUrl, gateway.remote.url, or the bind's LAN/custom/tailnet address;
// plaintext ws:// is refused for public hosts and limits the operator handoff on a LAN (a network observer could
// race the token). Tailscale Serve/Funnel routes are not run by this gateway, so they are not advertised.
import { networkInterfaces } from "node:os";
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { SurfaceContext } from "../surface/types.ts";
import { accessOf, type BootstrapTokens, type ProfileName } from "./bootstrap.ts";

const Params = z
  .object({
    publicUrl: z.string().min(1).optional(),
    preferRemoteUrl: z.boolean().optional(),
    includeQr: z.boolean().optional(),
    bootstrapProfile: z.enum(["limited", "node", "voice-node"]).optional(),
    joinUrl: z.literal(true).optional(),
  })
  .strict();

/** The setup code of a payload: base64url of its JSON, unpadded. */
export const encodeSetupCode = (payload: Record<string, unknown>) => Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");

/** `ws(s)://host[:port][/path]`, or null for anything else (credentials, other schemes, no host). */
export function normalizeGatewayUrl(raw: string, scheme: "ws" | "wss"): string | null {
  const trimmed = raw.trim();
  if (!trimmed || /^(?:https?|wss?):(?!\/\/)/i.test(trimmed)) return null;
  const parse = (value: string) => {
    try {
      const url = new URL(value);
      const protocol = url.protocol === "https:" ? "wss" : url.protocol === "http:" ? "ws" : url.protocol.replace(":", "");
      if (url.username || url.password || (protocol !== "ws" && protocol !== "wss") || !url.hostname) return null;
      return `${protocol}://${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname === "/" ? "" : url.pathname}`;
    } catch {
      return null;
    }
  };
  const direct = parse(trimmed);
  if (direct || trimmed.includes("://")) return direct;
  const host = trimmed.split("/", 1)[0]!.trim();
  return host ? parse(`${scheme}://${host}`) : null;
}

const hostOf = (url: string) => {
  const host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  return host.split("%")[0]!;
};
const isLoopback = (h: string) => h === "localhost" || h === "::1" || /^127\./.test(h);
const isRfc1918 = (h: string) => /^10\./.test(h) || /^192\.168\./.test(h) || /^172\.(1[6-9]|2\d|3[01])\./.test(h);
const isPrivateLan = (h: string) => h.endsWith(".local") || isRfc1918(h) || /^169\.254\./.test(h) || /^(fe80:|fc|fd)/.test(h);

/** Where a phone reaches this gateway, and which config said so. */
function gatewayUrl(ctx: SurfaceContext, config: Record<string, any>, publicUrl: string | undefined): { url: string; source: string } | { error: string } {
  const scheme = ctx.tls() ? "wss" : "ws";
  if (publicUrl) {
    const url = normalizeGatewayUrl(publicUrl, scheme);
    return url ? { url, source: "plugins.entries.device-pair.config.publicUrl" } : { error: "Configured publicUrl is invalid." };
  }
  const remoteRaw = typeof config.gateway?.remote?.url === "string" && config.gateway.remote.url.trim() ? config.gateway.remote.url : undefined;
  const remote = remoteRaw ? normalizeGatewayUrl(remoteRaw, scheme) : null;
  if (remoteRaw && !remote) return { error: "Configured gateway.remote.url is invalid." };
  if (remote) return { url: remote, source: "gateway.remote.url" };
  const bind = String(config.gateway?.bind ?? "loopback");
  const port = ctx.port();
  const addresses = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === "IPv4").map((a) => a!.address);
  if (bind === "custom") {
    const host = typeof config.gateway?.customBindHost === "string" ? config.gateway.customBindHost.trim() : "";
    return host ? { url: `${scheme}://${host}:${port}`, source: "gateway.bind=custom" } : { error: "gateway.bind=custom requires gateway.customBindHost." };
  }
  if (bind === "tailnet") {
    const host = addresses.find((a) => /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./.test(a));
    return host ? { url: `${scheme}://${host}:${port}`, source: "gateway.bind=tailnet" } : { error: "gateway.bind=tailnet set, but no tailnet IP was found." };
  }
  if (bind === "lan") {
    const host = addresses.find(isRfc1918);
    return host ? { url: `${scheme}://${host}:${port}`, source: "gateway.bind=lan" } : { error: "gateway.bind=lan set, but no private LAN IP was found." };
  }
  return { error: "Gateway is only bound to loopback. Set gateway.bind=lan, enable tailscale serve, or configure plugins.entries.device-pair.config.publicUrl." };
}

/** The auth label a setup code names (its bootstrap token stands in for this secret). */
function authLabel(ctx: SurfaceContext): string {
  const auth = ctx.auth();
  if (auth.mode === "token" && auth.token) return "token";
  if (auth.mode === "password" && auth.password) return "password";
  if (auth.mode === "trusted-proxy") return "trusted-proxy";
  if (auth.mode === "none") throw new GatewayError("INVALID_REQUEST", `Pairing setup requires gateway.auth.mode "token" or "password"; current mode is "none".`);
  throw new GatewayError("INVALID_REQUEST", "Gateway auth is not configured (no token or password).");
}

export function setupCodeMethod(ctx: SurfaceContext, tokens: () => BootstrapTokens) {
  return async (params: unknown) => {
    const p = parseParams("device.pair.setupCode", Params, params ?? {});
    if (p.joinUrl) throw new GatewayError("INVALID_REQUEST", "Join URLs are not served by this gateway; use the setup code.");
    const label = authLabel(ctx);
    const config = ctx.core.config().config as Record<string, any>;
    const configured = p.preferRemoteUrl ? undefined : config.plugins?.entries?.["device-pair"]?.config?.publicUrl;
    const resolved = gatewayUrl(ctx, config, p.publicUrl ?? (typeof configured === "string" && configured.trim() ? configured : undefined));
    if ("error" in resolved) throw new GatewayError("INVALID_REQUEST", resolved.error);
    const host = hostOf(resolved.url);
    const secure = resolved.url.startsWith("wss://");
    if (!secure && !isLoopback(host) && host !== "10.0.2.2" && !isPrivateLan(host)) {
      throw new GatewayError("INVALID_REQUEST", `Tailscale and public mobile pairing require a secure gateway URL (wss://) or Tailscale Serve/Funnel. Resolved source: ${resolved.source}. Fix: use a private LAN address, prefer gateway.tailscale.mode=serve, or set a wss:// publicUrl.`);
    }
    const requested: ProfileName = p.bootstrapProfile ?? "full";
    const accessDowngraded = requested === "full" && !secure && !isLoopback(host);
    const profile: ProfileName = accessDowngraded ? "limited" : requested;
    const tls = ctx.tls();
    const fingerprint = secure && resolved.source.startsWith("gateway.bind=") && tls ? tls.sha256.replace(/:/g, "").toLowerCase() : undefined;
    const issued = tokens().issue(profile);
    const payload = { url: resolved.url, bootstrapToken: issued.token, expiresAtMs: issued.expiresAtMs, ...(fingerprint ? { tlsFingerprint: fingerprint } : {}) };
    return {
      setupId: issued.setupId,
      expiresAtMs: issued.expiresAtMs,
      setupCode: encodeSetupCode(payload),
      gatewayUrl: resolved.url,
      auth: label,
      urlSource: p.publicUrl ? "request.publicUrl" : resolved.source,
      access: accessOf(profile),
      ...(accessDowngraded ? { accessDowngraded: true } : {}),
    };
  };
}

const StatusParams = z.object({ setupId: z.string().min(1).max(128) }).strict();

/** `device.pair.setupStatus`: `{ completion }` once a device paired with the code, `{}` before. */
export function setupStatusMethod(tokens: () => BootstrapTokens) {
  return async (params: unknown) => {
    const { setupId } = parseParams("device.pair.setupStatus", StatusParams, params);
    const completion = tokens().completion(setupId.trim());
    return completion ? { completion } : {};
  };
}
