// DNS names as label lists. A DNS-SD instance name is one label that may hold spaces and dots
// ("Studio GW (OpenClaw)", "gw.v2"), which a dotted string cannot carry; dns-packet splits on every dot
// (engineering.md §1), so queries are encoded here and names are printed in RFC 1035 presentation form.

const MAX_LABEL_BYTES = 63;
const MAX_NAME_BYTES = 255;
/** Characters that must be backslash-escaped in zone files (RFC 1035 §5.1) besides the dot. */
const SPECIAL = new Set(["\\", ".", "(", ")", ";", "@", "$", '"']);

/** Presentation form of one label: specials as `\X`, space, controls and non-ASCII bytes as `\DDD`. */
export function escapeLabel(label: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(label)) {
    const char = String.fromCharCode(byte);
    if (byte <= 0x20 || byte >= 0x7f) out += `\\${String(byte).padStart(3, "0")}`;
    else if (SPECIAL.has(char)) out += `\\${char}`;
    else out += char;
  }
  return out;
}

/** Splits a presentation-form name into unescaped labels (`Studio\032GW\.v2._tcp` → ["Studio GW.v2", "_tcp"]). */
export function parseName(name: string): string[] {
  const labels: string[] = [];
  let bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < name.length; i++) {
    const char = name[i]!;
    if (char === "\\") {
      const digits = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        bytes.push(Number(digits) & 0xff);
        i += 3;
      } else if (i + 1 < name.length) {
        bytes.push(...encoder.encode(name[i + 1]!));
        i += 1;
      }
    } else if (char === ".") {
      labels.push(new TextDecoder().decode(new Uint8Array(bytes)));
      bytes = [];
    } else {
      bytes.push(...encoder.encode(char));
    }
  }
  labels.push(new TextDecoder().decode(new Uint8Array(bytes)));
  // A trailing dot (fully qualified) leaves an empty last label; empty labels carry nothing.
  return labels.filter((label) => label !== "");
}

/** A fully-qualified presentation name with the trailing dot. */
export function formatName(labels: readonly string[]): string {
  return labels.length === 0 ? "." : `${labels.map(escapeLabel).join(".")}.`;
}

/** Wire form (RFC 1035 §3.1) of a label list; throws on a label over 63 bytes or a name over 255. */
export function encodeName(labels: readonly string[]): Uint8Array {
  const parts: number[] = [];
  for (const label of labels) {
    const bytes = new TextEncoder().encode(label);
    if (bytes.length === 0) continue;
    if (bytes.length > MAX_LABEL_BYTES) throw new RangeError(`DNS label longer than 63 bytes: ${JSON.stringify(label)}`);
    parts.push(bytes.length, ...bytes);
  }
  parts.push(0);
  if (parts.length > MAX_NAME_BYTES) throw new RangeError(`DNS name longer than 255 bytes: ${formatName(labels)}`);
  return Uint8Array.from(parts);
}

/** Case-insensitive DNS name comparison (RFC 4343) of two raw dotted strings as dns-packet decodes them. */
export function sameName(a: string, b: string): boolean {
  return stripDot(a).toLowerCase() === stripDot(b).toLowerCase();
}

/** Removes one trailing dot. */
export function stripDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/**
 * The instance label of a service FQDN as dns-packet decodes it (labels joined by dots, an inner dot
 * not escaped). The instance is exactly one label, so everything before the known suffix is that label.
 */
export function instanceFromFqdn(fqdn: string, suffixLabels: readonly string[]): string | undefined {
  const name = stripDot(fqdn);
  const suffix = suffixLabels.join(".");
  if (name.length <= suffix.length + 1) return undefined;
  const head = name.slice(0, name.length - suffix.length);
  if (!head.endsWith(".") || !sameName(name.slice(name.length - suffix.length), suffix)) return undefined;
  return head.slice(0, -1);
}

/** Cuts a label to 63 UTF-8 bytes without splitting a character. */
export function truncateLabel(label: string, maxBytes = MAX_LABEL_BYTES): string {
  let out = "";
  let size = 0;
  for (const char of label) {
    const length = new TextEncoder().encode(char).length;
    if (size + length > maxBytes) break;
    out += char;
    size += length;
  }
  return out;
}
