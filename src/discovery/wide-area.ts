// Wide-area (unicast) DNS-SD: PTR `_openclaw-gw._tcp.<domain>` → SRV + TXT per instance → A/AAAA of the
// SRV target, all inside one deadline. Records already in a response's additional section are used as is.
import type { Answer, Packet } from "dns-packet";
import type { Deadline } from "./deadline.ts";
import { queryDns, systemNameservers, parseNameserver, type Nameserver, type QueryType } from "./dns-client.ts";
import { instanceFromFqdn, parseName, sameName, stripDot } from "./dns-name.ts";
import { beaconFromResolved } from "./merge.ts";
import { SERVICE_TYPE, type GatewayBeacon } from "./types.ts";

export interface WideAreaOptions {
  /** `openclaw.internal` or `openclaw.internal.` (presentation form). */
  domain: string;
  /** `discovery.wideArea.nameserver`; default: the system resolvers. */
  nameserver?: string;
  deadline: Deadline;
  onWarning?: (message: string) => void;
}

type Record_ = Exclude<Answer, { type: "OPT" }>;

/** Browses and resolves every instance in the domain; failures become warnings, never throws. */
export async function browseWideArea(options: WideAreaOptions): Promise<GatewayBeacon[]> {
  const warn = (message: string) => options.onWarning?.(message);
  const domainLabels = parseName(options.domain);
  if (domainLabels.length === 0) {
    warn(`wide-area: empty domain ${JSON.stringify(options.domain)}`);
    return [];
  }
  let servers: Nameserver[];
  try {
    servers = options.nameserver ? [parseNameserver(options.nameserver)] : systemNameservers();
  } catch (error) {
    warn(`wide-area: ${(error as Error).message}`);
    return [];
  }
  if (servers.length === 0) {
    warn("wide-area: no nameserver (set discovery.wideArea.nameserver)");
    return [];
  }
  const resolver = new Resolver(servers, options.deadline, warn);
  const typeLabels = [...SERVICE_TYPE.split("."), ...domainLabels];
  const ptr = await resolver.ask(typeLabels, "PTR");
  if (!ptr) return [];
  const instances = new Set<string>();
  for (const rr of records(ptr.answers)) {
    if (rr.type !== "PTR" || !sameName(rr.name, typeLabels.join("."))) continue;
    const instance = instanceFromFqdn(rr.data, typeLabels);
    if (instance) instances.add(instance);
  }
  const domain = `${domainLabels.join(".")}.`;
  const found = await Promise.all(
    [...instances].map((instance) => resolveInstance(resolver, instance, typeLabels, domain, [...records(ptr.additionals)])),
  );
  return found.filter((b): b is GatewayBeacon => b !== undefined);
}

// --- internal ---

async function resolveInstance(
  resolver: Resolver,
  instance: string,
  typeLabels: string[],
  domain: string,
  known: Record_[],
): Promise<GatewayBeacon | undefined> {
  const labels = [instance, ...typeLabels];
  const fqdn = labels.join("."); // raw, as dns-packet decodes names
  const pick = <T extends Record_["type"]>(pool: Record_[], type: T) =>
    pool.filter((rr): rr is Extract<Record_, { type: T }> => rr.type === type && sameName(rr.name, fqdn));
  let srv = pick(known, "SRV")[0];
  let txt = pick(known, "TXT")[0];
  const extra: Record_[] = [...known];
  await Promise.all([
    srv ? undefined : resolver.ask(labels, "SRV").then((p) => p && (extra.push(...records(p.additionals)), (srv = pick(records(p.answers), "SRV")[0]))),
    txt ? undefined : resolver.ask(labels, "TXT").then((p) => p && (txt = pick(records(p.answers), "TXT")[0])),
  ]);
  if (!srv) {
    resolver.warn(`wide-area: no SRV record for "${instance}" in ${domain}`);
    return undefined;
  }
  const target = stripDot(srv.data.target);
  const addresses = await resolveHost(resolver, target, extra);
  return beaconFromResolved({
    instanceName: instance,
    host: target,
    port: srv.data.port,
    addresses,
    txt: decodeTxt(txt?.data),
    source: "wide-area",
    domain,
  });
}

async function resolveHost(resolver: Resolver, target: string, known: Record_[]): Promise<string[]> {
  const fromKnown = (pool: Record_[]) =>
    pool.filter((rr) => (rr.type === "A" || rr.type === "AAAA") && sameName(rr.name, target)).map((rr) => String(rr.data));
  const cached = fromKnown(known);
  if (cached.length > 0) return cached;
  const labels = target.split(".");
  const [v4, v6] = await Promise.all([resolver.ask(labels, "A"), resolver.ask(labels, "AAAA")]);
  return [...fromKnown(records(v4?.answers)), ...fromKnown(records(v6?.answers))];
}

/** TXT strings `key=value` → object; a key without `=` is a boolean attribute (RFC 6763 §6.4), first one wins. */
function decodeTxt(data: Buffer | string | (Buffer | string)[] | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const items = data === undefined ? [] : Array.isArray(data) ? data : [data];
  for (const item of items) {
    const text = typeof item === "string" ? item : item.toString("utf8");
    if (!text || text.startsWith("=")) continue;
    const eq = text.indexOf("=");
    const key = eq === -1 ? text : text.slice(0, eq);
    if (!(key in out)) out[key] = eq === -1 ? "" : text.slice(eq + 1);
  }
  return { ...out };
}

function records(list: Answer[] | undefined): Record_[] {
  return (list ?? []).filter((rr): rr is Record_ => rr.type !== "OPT");
}

/** Tries each nameserver in turn until one answers, inside the shared deadline. */
class Resolver {
  constructor(
    readonly servers: Nameserver[],
    readonly deadline: Deadline,
    readonly warn: (message: string) => void,
  ) {}

  async ask(labels: readonly string[], type: QueryType): Promise<Packet | undefined> {
    for (const server of this.servers) {
      if (this.deadline.expired()) break;
      try {
        const { packet, rcode } = await queryDns(server, labels, type, this.deadline);
        return rcode === 0 ? packet : undefined; // NXDOMAIN and friends: nothing there
      } catch (error) {
        const timedOut = (error as { code?: string }).code === "ETIMEOUT" || this.deadline.expired();
        // One timeout warning (the browse itself); a resolve that runs out of time is just not listed.
        if (timedOut && type !== "PTR") break;
        this.warn(`wide-area: ${type} ${labels.join(".")} via ${server.host}:${server.port}: ${(error as Error).message}`);
      }
    }
    return undefined;
  }
}
