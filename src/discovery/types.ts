// Shapes and constants shared by the beacon (publisher) and the browsers (mDNS and wide-area DNS-SD).

/** The DNS-SD service type of the gateway beacon, without the domain. */
export const SERVICE_TYPE = "_openclaw-gw._tcp";
/** bonjour-service wants the bare name: it adds the leading `_` and `._tcp` itself. */
export const BONJOUR_TYPE = "openclaw-gw";
export const MDNS_DOMAIN = "local.";
export const DEFAULT_DISCOVER_TIMEOUT_MS = 2000;

/** Where a beacon was seen. */
export type BeaconSource = "mdns" | "wide-area";

/** One gateway found by `gateway discover`; the JSON output is an array of these. */
export interface GatewayBeacon {
  /** The DNS-SD instance name, unescaped (`Studio (OpenClaw)`). */
  instanceName: string;
  /** SRV target host without the trailing dot (`studio.local`, `gw.openclaw.internal`). */
  host: string;
  /** SRV port. */
  port: number;
  /** Built from the resolved endpoint (SRV + A/AAAA, or the mDNS packet's sender), never from TXT hints. */
  wsUrl: string;
  tls: boolean;
  tlsSha256: string | null;
  txt: Record<string, string>;
  source: BeaconSource;
  /** `local.` for mDNS, else the wide-area domain with its trailing dot. */
  domain: string;
  /** Resolved addresses of `host` (A first, then AAAA); library callers such as `probe --ssh-auto` use them. */
  addresses: string[];
}

/** The JSON fields `gateway discover --json` prints, in order (the issue fixes this shape). */
export const BEACON_JSON_FIELDS = ["instanceName", "host", "port", "wsUrl", "tls", "tlsSha256", "txt", "source", "domain"] as const;
