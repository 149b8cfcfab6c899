// Which proxy the Bot API traffic of an account goes through: `proxy` in its config, else the process proxy
// env the reference honours (HTTPS_PROXY / HTTP_PROXY by the API root's scheme, then ALL_PROXY, lowercase
// too, then OPENCLAW_PROXY_URL), skipped when NO_PROXY names the API host. Bun's fetch speaks HTTP(S) proxies
// only, so a SOCKS proxy is refused with a clear problem instead of being bypassed without a word.

export interface ProxyChoice {
  /** The proxy URL to pass to fetch; undefined: connect directly. */
  url?: string;
  /** Where it came from: `config` or the env variable's name. */
  source?: string;
  /** Why the account cannot start with this proxy setting (never contains the proxy's credentials). */
  problem?: string;
}

type Env = Record<string, string | undefined>;

export function resolveProxy(configured: unknown, apiRoot: string, env: Env): ProxyChoice {
  if (configured !== undefined && configured !== null && configured !== "") {
    if (typeof configured !== "string") return { problem: `channels.telegram.proxy must be a URL string, got ${typeof configured}` };
    return check(configured.trim(), "channels.telegram.proxy");
  }
  let target: URL;
  try {
    target = new URL(apiRoot);
  } catch {
    return {};
  }
  const names = [...(target.protocol === "https:" ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"]), "ALL_PROXY", "all_proxy", "OPENCLAW_PROXY_URL"];
  const name = names.find((n) => env[n]?.trim());
  if (!name) return {};
  if (bypassed(target, env.NO_PROXY ?? env.no_proxy)) return {};
  return check(env[name]!.trim(), name);
}

function check(value: string, source: string): ProxyChoice {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `${source} is not a valid proxy URL` };
  }
  if (url.protocol === "http:" || url.protocol === "https:") return { url: value, source };
  if (/^socks/.test(url.protocol)) return { problem: `${source}: SOCKS proxies (${url.protocol.slice(0, -1)}) are not supported by this gateway (its HTTP client speaks HTTP/HTTPS proxies only); use an http:// or https:// proxy` };
  return { problem: `${source}: unsupported proxy scheme ${url.protocol.slice(0, -1)} (use http:// or https://)` };
}

/** NO_PROXY as curl reads it: `*`, or hosts/domains (a leading `.` or `*.` optional), each with an optional port. */
export function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy?.trim()) return false;
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  return noProxy.split(/[\s,]+/).filter(Boolean).some((raw) => {
    const entry = raw.toLowerCase();
    if (entry === "*") return true;
    const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(entry);
    if (!m) return false;
    const name = (m[1] ?? m[2] ?? "").replace(/^\*?\./, "");
    if (m[3] && m[3] !== port) return false;
    return host === name || host.endsWith(`.${name}`);
  });
}
