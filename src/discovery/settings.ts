// What the beacon says and whether it runs, derived once per gateway generation from config, bind and env.
import { nodeCrypto } from "../platform/node.ts";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { OpenClawConfig } from "../config/schema.ts";

type DiscoveryConfig = NonNullable<OpenClawConfig["discovery"]>;
type Env = Record<string, string | undefined>;

/** `discovery.mdns.mode`: `off` stops the LAN beacon, `minimal` drops sshPort/cliPath/tailnetDns, `full` keeps them. */
export type MdnsMode = "off" | "minimal" | "full";

export interface BeaconPlan {
  enabled: boolean;
  /** Printed in the log so an operator sees why the beacon is (not) running. */
  reason: string;
}

/**
 * The beacon rule, first match wins:
 * 1. `discovery.mdns.enabled: false`, `discovery.mdns.mode: "off"` or `OPENCLAW_DISABLE_BONJOUR=1` → off;
 * 2. `discovery.mdns.enabled: true` or `OPENCLAW_DISABLE_BONJOUR=0` → on, whatever the bind;
 * 3. a loopback-only bind → off (nobody else could connect to what we advertise);
 * 4. otherwise (lan, tailnet, custom, auto with a tailnet address) → on.
 */
export function planBeacon(discovery: DiscoveryConfig | undefined, bind: { mode: string; loopbackOnly: boolean }, env: Env): BeaconPlan {
  const mdns = discovery?.mdns ?? {};
  const envFlag = parseBoolean(env.OPENCLAW_DISABLE_BONJOUR);
  if (mdns.enabled === false) return { enabled: false, reason: "discovery.mdns.enabled is false" };
  if (mdnsMode(mdns.mode) === "off") return { enabled: false, reason: 'discovery.mdns.mode is "off"' };
  if (envFlag === true) return { enabled: false, reason: `OPENCLAW_DISABLE_BONJOUR=${env.OPENCLAW_DISABLE_BONJOUR}` };
  if (mdns.enabled === true) return { enabled: true, reason: "forced by discovery.mdns.enabled: true" };
  if (envFlag === false) return { enabled: true, reason: `forced by OPENCLAW_DISABLE_BONJOUR=${env.OPENCLAW_DISABLE_BONJOUR}` };
  if (bind.loopbackOnly) {
    return { enabled: false, reason: `bind ${bind.mode} is loopback-only; set discovery.mdns.enabled: true to advertise anyway` };
  }
  return { enabled: true, reason: `bind ${bind.mode}` };
}

/** Reads `discovery.mdns.mode`; unknown values mean the default, `full` (the issue wants sshPort by default). */
export function mdnsMode(value: string | undefined): MdnsMode {
  return value === "off" || value === "minimal" ? value : "full";
}

/** Names the beacon uses: the DNS-SD instance, the SRV host label and the TXT displayName. */
export interface BeaconIdentity {
  instanceName: string;
  /** One DNS label: `OPENCLAW_MDNS_HOSTNAME`, else the short hostname, else `openclaw` when that is not a valid label. */
  hostLabel: string;
  displayName: string;
}

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Instance `<short hostname> (OpenClaw)` unless `discovery.mdns.instanceName` says otherwise. */
export function beaconIdentity(discovery: DiscoveryConfig | undefined, env: Env, machine: string = hostname()): BeaconIdentity {
  const short = machine.split(".")[0] || "openclaw";
  const wanted = env.OPENCLAW_MDNS_HOSTNAME?.trim() || short;
  const hostLabel = HOST_LABEL.test(wanted) ? wanted : "openclaw";
  const configured = discovery?.mdns?.instanceName?.trim();
  // Room for a " (NN)" conflict suffix inside the 63-byte label.
  // dns-name.ts loads only when a beacon is planned (identity is asked for then alone).
  const { truncateLabel } = require("./dns-name.ts") as typeof import("./dns-name.ts");
  const instanceName = truncateLabel(configured || `${short} (OpenClaw)`, 57);
  return { instanceName, hostLabel, displayName: configured || short };
}

export interface TxtInput {
  config: OpenClawConfig;
  port: number;
  env: Env;
  identity: BeaconIdentity;
  /** mDNS adds `lanHost`; wide-area records do not (the reference does the same). */
  scope: "mdns" | "wide-area";
  /** The running executable; a compiled `openclaw` becomes the `cliPath` hint. */
  execPath?: string;
  /** The certificate actually served (undefined: plain HTTP, so no TLS key at all). */
  tls?: { sha256?: string };
}

/** The beacon's TXT hints (non-secret, unauthenticated; clients route by SRV + A, not by these). */
export function beaconTxt(input: TxtInput): Record<string, string> {
  const { config, port, env, identity } = input;
  const mdns = config.discovery?.mdns ?? {};
  const full = mdnsMode(mdns.mode) !== "minimal";
  const txt: Record<string, string> = { role: "gateway", transport: "gateway", displayName: identity.displayName };
  if (input.scope === "mdns") txt.lanHost = `${identity.hostLabel}.local`;
  txt.gatewayPort = String(port);
  // Only what the listener serves: a config saying `tls.enabled` is no proof the port speaks TLS.
  if (input.tls) {
    txt.gatewayTls = "1";
    if (input.tls.sha256) txt.gatewayTlsSha256 = input.tls.sha256;
  }
  if (full) {
    txt.sshPort = String(mdns.sshPort ?? (validPort(env.OPENCLAW_SSH_PORT) || 22));
    const tailnetDns = env.OPENCLAW_TAILNET_DNS?.trim();
    if (tailnetDns) txt.tailnetDns = tailnetDns;
    const cliPath = mdns.cliPath ?? (env.OPENCLAW_CLI_PATH?.trim() || compiledCliPath(input.execPath ?? process.execPath));
    if (cliPath) txt.cliPath = cliPath;
  }
  return txt;
}

/** SHA-256 fingerprint of a PEM certificate as Node prints it (`AB:CD:…`), or undefined when unreadable. */
export function certificateSha256(certPath: string): string | undefined {
  try {
    return new (nodeCrypto().X509Certificate)(readFileSync(certPath)).fingerprint256;
  } catch {
    return undefined;
  }
}

// --- internal ---

function compiledCliPath(execPath: string): string | undefined {
  // Under `bun src/main.ts` the executable is bun itself, which is no hint for a remote install.
  return /(^|[\\/])bun(-debug)?(\.exe)?$/i.test(execPath) ? undefined : execPath;
}

function validPort(value: string | undefined): number | undefined {
  const port = Number(value);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

function parseBoolean(value: string | undefined): boolean | undefined {
  const text = value?.trim().toLowerCase();
  if (text === "1" || text === "true" || text === "yes" || text === "on") return true;
  if (text === "0" || text === "false" || text === "no" || text === "off") return false;
  return undefined;
}
