// The records an operator puts in their DNS zone so `_openclaw-gw._tcp.<domain>` browses to this gateway
// (RFC 6763 §4: PTR → SRV + TXT, and A/AAAA for the SRV target). Names are in presentation form.
import { isIPv4, isIPv6 } from "../platform/ip.ts";
import { formatName, parseName } from "./dns-name.ts";
import { SERVICE_TYPE } from "./types.ts";

export interface ZoneRecord {
  /** Fully qualified, escaped (`Studio\032GW._openclaw-gw._tcp.openclaw.internal.`). */
  name: string;
  type: "PTR" | "SRV" | "TXT" | "A" | "AAAA";
  ttl: number;
  /** RDATA in zone-file form. */
  data: string;
}

export interface ZoneInput {
  domain: string;
  instanceName: string;
  /** SRV target label; the host is `<hostLabel>.<domain>`. */
  hostLabel: string;
  port: number;
  txt: Record<string, string>;
  addresses: string[];
  ttl?: number;
}

/** PTR (service enumeration and instance), SRV, TXT, then A/AAAA for the SRV target. */
export function wideAreaRecords(input: ZoneInput): ZoneRecord[] {
  const ttl = input.ttl ?? 120;
  const domain = parseName(input.domain);
  const type = [...SERVICE_TYPE.split("."), ...domain];
  const instance = formatName([input.instanceName, ...type]);
  const host = formatName([input.hostLabel, ...domain]);
  const records: ZoneRecord[] = [
    { name: formatName(["_services", "_dns-sd", "_udp", ...domain]), type: "PTR", ttl, data: formatName(type) },
    { name: formatName(type), type: "PTR", ttl, data: instance },
    { name: instance, type: "SRV", ttl, data: `0 0 ${input.port} ${host}` },
    { name: instance, type: "TXT", ttl, data: Object.entries(input.txt).map(([k, v]) => quoteTxt(`${k}=${v}`)).join(" ") },
  ];
  for (const address of input.addresses) {
    if (isIPv4(address)) records.push({ name: host, type: "A", ttl, data: address });
    else if (isIPv6(address)) records.push({ name: host, type: "AAAA", ttl, data: address });
  }
  return records;
}

/** Zone-file text with aligned columns and a header comment. */
export function formatZone(records: readonly ZoneRecord[], header: readonly string[] = []): string {
  const width = Math.max(0, ...records.map((r) => r.name.length));
  const lines = header.map((line) => `; ${line}`);
  for (const r of records) lines.push(`${r.name.padEnd(width)}  ${String(r.ttl).padStart(5)} IN ${r.type.padEnd(4)} ${r.data}`);
  return lines.join("\n");
}

/** One TXT character-string in quotes: `"` and `\` escaped, controls and non-ASCII as `\DDD` (RFC 1035 §5.1). */
export function quoteTxt(text: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte < 0x20 || byte >= 0x7f) out += `\\${String(byte).padStart(3, "0")}`;
    else if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}
