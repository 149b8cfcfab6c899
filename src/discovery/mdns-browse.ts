// Browses `_openclaw-gw._tcp.local.` with bonjour-service until the shared deadline.
import type { Service } from "bonjour-service";
import { bonjourStack, settle, whenReady, type MdnsStackFactory } from "./_bonjour.ts";
import type { Deadline } from "./deadline.ts";
import { instanceFromFqdn, stripDot } from "./dns-name.ts";
import { beaconFromResolved } from "./merge.ts";
import { BONJOUR_TYPE, MDNS_DOMAIN, SERVICE_TYPE, type GatewayBeacon } from "./types.ts";

export interface MdnsBrowseOptions {
  deadline: Deadline;
  onWarning?: (message: string) => void;
  createStack?: MdnsStackFactory;
  /** Re-ask at this spacing (RFC 6762 §5.2 asks for increasing intervals; a 2 s browse sends 2–3 queries). */
  requeryMs?: number;
}

/** Time kept back at the end to close the socket inside the deadline. */
const CLOSE_MARGIN_MS = 60;

/** Collects every beacon that answers before the deadline; socket problems become warnings, never throws. */
export async function browseMdns(options: MdnsBrowseOptions): Promise<GatewayBeacon[]> {
  const { deadline } = options;
  const warn = (message: string) => options.onWarning?.(message);
  const found = new Map<string, Service>();
  let stack;
  try {
    stack = await (options.createStack ?? bonjourStack)((error) => warn(`mDNS: ${error.message}`));
  } catch (error) {
    warn(`mDNS browse unavailable: ${(error as Error).message}`);
    return [];
  }
  stack.mdns.on("error", () => {}); // reported through whenReady below; a late error must not throw
  stack.mdns.on("warning", () => {});
  try {
    await whenReady(stack.mdns, Math.max(1, deadline.remaining() - CLOSE_MARGIN_MS));
    const browser = stack.find({ type: BONJOUR_TYPE });
    const keep = (service: Service) => found.set(service.fqdn.toLowerCase(), service);
    browser.on("up", keep);
    browser.on("txt-update", keep);
    browser.on("srv-update", keep);
    browser.on("down", (service: Service) => found.delete(service.fqdn.toLowerCase()));
    const requery = options.requeryMs ?? 1000;
    while (deadline.remaining() > CLOSE_MARGIN_MS) {
      await deadline.sleep(Math.min(requery, deadline.remaining() - CLOSE_MARGIN_MS));
      if (deadline.remaining() > CLOSE_MARGIN_MS + 100) browser.update();
    }
    browser.stop();
  } catch (error) {
    warn(`mDNS browse failed: ${(error as Error).message}`);
  } finally {
    await settle((done) => stack.destroy(done), Math.min(500, Math.max(50, deadline.remaining())));
  }
  return [...found.values()].flatMap((service) => {
    const beacon = beaconFromService(service);
    return beacon ? [beacon] : [];
  });
}

/** Converts what bonjour-service resolved into a beacon; the instance comes from the FQDN (its `name` stops at a dot). */
export function beaconFromService(service: Service): GatewayBeacon | undefined {
  const instanceName = instanceFromFqdn(service.fqdn, [...SERVICE_TYPE.split("."), "local"]) ?? service.name;
  if (!service.port || !instanceName) return undefined;
  const txt: Record<string, string> = {};
  for (const [key, value] of Object.entries((service.txt ?? {}) as Record<string, unknown>)) {
    txt[key] = typeof value === "string" ? value : Buffer.isBuffer(value) ? value.toString("utf8") : String(value ?? "");
  }
  const addresses = [...(service.addresses ?? [])];
  // In a namespace with only lo, bonjour-service publishes no A record; the packet's sender is then the endpoint.
  if (service.referer?.address && !addresses.includes(service.referer.address)) addresses.push(service.referer.address);
  return beaconFromResolved({
    instanceName,
    host: stripDot(service.host ?? ""),
    port: service.port,
    addresses,
    txt,
    source: "mdns",
    domain: MDNS_DOMAIN,
  });
}
