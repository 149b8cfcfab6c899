// `discoverGateways`: LAN mDNS and wide-area DNS-SD side by side under one deadline, duplicates merged.
import type { MdnsStackFactory } from "./_bonjour.ts";
import { Deadline } from "./deadline.ts";
import { mergeBeacons } from "./merge.ts";
import { DEFAULT_DISCOVER_TIMEOUT_MS, type GatewayBeacon } from "./types.ts";

export interface DiscoverOptions {
  /** The whole budget (browse and resolve together); default 2000 ms. */
  timeoutMs?: number;
  /** Browse `local.` with multicast DNS (default true). */
  mdns?: boolean;
  /** Also browse this unicast DNS-SD domain. */
  wideArea?: { domain: string; nameserver?: string } | false;
  /** Problems that did not stop discovery (socket busy, nameserver silent). */
  onWarning?: (message: string) => void;
  /** Tests: a fake mDNS stack. */
  createStack?: MdnsStackFactory;
}

/** Finds gateways until the deadline and returns them merged (mDNS first, then wide-area). */
export async function discoverGateways(options: DiscoverOptions = {}): Promise<GatewayBeacon[]> {
  const deadline = new Deadline(options.timeoutMs ?? DEFAULT_DISCOVER_TIMEOUT_MS);
  const jobs: Promise<GatewayBeacon[]>[] = [];
  if (options.mdns !== false) {
    jobs.push(import("./mdns-browse.ts").then((m) => m.browseMdns({ deadline, onWarning: options.onWarning, createStack: options.createStack })));
  }
  if (options.wideArea) {
    const { domain, nameserver } = options.wideArea;
    jobs.push(import("./wide-area.ts").then((m) => m.browseWideArea({ domain, nameserver, deadline, onWarning: options.onWarning })));
  }
  const results = await Promise.all(jobs.map((job) => job.catch((error: Error) => (options.onWarning?.(error.message), []))));
  return mergeBeacons(results.flat());
}
