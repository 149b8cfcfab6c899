import { isIP } from "../platform/ip.ts";

/**
 * Decides whether a browser Origin may open a gateway socket (field lessons: CVE-2026-25253).
 * Allowed: no Origin (non-browser clients); an origin listed in `gateway.controlUi.allowedOrigins` (or `*`);
 * a page this gateway served itself, i.e. Origin host == Host header, but only when that host is an IP
 * literal or localhost — a DNS name could be rebound to us, so named hosts must be listed explicitly.
 */
export function isOriginAllowed(origin: string | undefined, hostHeader: string | undefined, allowed: readonly string[] = []): boolean {
  if (origin === undefined || origin === "") return true;
  const normalized = origin.trim().toLowerCase().replace(/\/+$/, "");
  if (allowed.some((entry) => entry === "*" || entry.trim().toLowerCase().replace(/\/+$/, "") === normalized)) return true;
  let url: URL;
  try {
    url = new URL(normalized);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (!hostHeader || url.host !== hostHeader.toLowerCase()) return false;
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  return hostname === "localhost" || isIP(hostname) !== 0;
}
