// Turns a resolved service into a beacon (wsUrl from the endpoint, not from TXT) and merges duplicates.
import { isIPv4, isIPv6 } from "../platform/ip.ts";
import { BEACON_JSON_FIELDS, type BeaconSource, type GatewayBeacon } from "./types.ts";

export interface ResolvedService {
  instanceName: string;
  host: string;
  port: number;
  addresses: string[];
  txt: Record<string, string>;
  source: BeaconSource;
  domain: string;
}

/** Builds the beacon: `ws(s)://<first usable address, else host>:<SRV port>`; TLS only from the TXT flag. */
export function beaconFromResolved(service: ResolvedService): GatewayBeacon {
  const addresses = orderAddresses(service.addresses);
  const tls = isTrue(service.txt.gatewayTls);
  const dial = addresses.find((address) => !isLinkLocal(address)) ?? service.host;
  const hostPart = isIPv6(dial) ? `[${dial}]` : dial;
  return {
    instanceName: service.instanceName,
    host: service.host,
    port: service.port,
    wsUrl: `${tls ? "wss" : "ws"}://${hostPart}:${service.port}`,
    tls,
    tlsSha256: service.txt.gatewayTlsSha256 || null,
    txt: { ...service.txt },
    source: service.source,
    domain: service.domain,
    addresses,
  };
}

/**
 * One entry per gateway: beacons with the same instance name and port, or the same wsUrl, are the same
 * gateway seen twice (two interfaces, or LAN and wide-area). The LAN entry wins, then the first seen;
 * the others fill gaps (TXT keys, fingerprint, addresses).
 */
export function mergeBeacons(beacons: readonly GatewayBeacon[]): GatewayBeacon[] {
  const merged: GatewayBeacon[] = [];
  for (const beacon of [...beacons].sort((a, b) => sourceRank(a) - sourceRank(b))) {
    const twin = merged.find(
      (seen) => seen.wsUrl === beacon.wsUrl || (seen.port === beacon.port && seen.instanceName.toLowerCase() === beacon.instanceName.toLowerCase()),
    );
    if (!twin) {
      merged.push({ ...beacon, txt: { ...beacon.txt }, addresses: [...beacon.addresses] });
      continue;
    }
    twin.txt = { ...beacon.txt, ...twin.txt };
    twin.tlsSha256 ??= beacon.tlsSha256;
    twin.tls ||= beacon.tls;
    for (const address of beacon.addresses) if (!twin.addresses.includes(address)) twin.addresses.push(address);
  }
  return merged.sort((a, b) => sourceRank(a) - sourceRank(b) || a.instanceName.localeCompare(b.instanceName) || a.port - b.port);
}

/** The `--json` shape: exactly the documented fields, in order. */
export function beaconJson(beacon: GatewayBeacon): Record<string, unknown> {
  return Object.fromEntries(BEACON_JSON_FIELDS.map((key) => [key, beacon[key]]));
}

// --- internal ---

function orderAddresses(addresses: readonly string[]): string[] {
  const unique = [...new Set(addresses.filter((a) => isIPv4(a) || isIPv6(a)))];
  return [...unique.filter(isIPv4), ...unique.filter((a) => !isIPv4(a))];
}

function isLinkLocal(address: string): boolean {
  // fe80::/10 needs a zone index to dial, which a URL cannot carry portably.
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

function isTrue(value: string | undefined): boolean {
  return value === "1" || value?.toLowerCase() === "true";
}

function sourceRank(beacon: GatewayBeacon): number {
  return beacon.source === "mdns" ? 0 : 1;
}
