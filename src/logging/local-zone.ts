// The host's UTC offset at an instant, read from its TZif file (RFC 8536) instead of through the Date's local
// fields: JSC answers those through ICU, whose time zone data costs ~3.4 MB of idle memory (BENCHMARKS.md).
// Same source as the C library and ICU (TZ, else /etc/localtime); anything this reader is unsure of (a POSIX TZ
// string, a time past the file's last transition with a DST rule, a malformed file) answers undefined and the
// caller uses the Date's local fields instead, so the output never differs.
import { readFileSync } from "node:fs";

/** Offset east of UTC in minutes at `ms`, or undefined when the Date's local fields must decide. */
export type OffsetAt = (ms: number) => number | undefined;

interface Zone {
  times: number[]; // transition instants, seconds, ascending
  offsets: number[]; // the offset (seconds) in force from each transition on
  before: number; // offset before the first transition
  after: number | undefined; // offset after the last one, when the footer rule is a fixed offset
}

/** The offset function of the zone the process runs in. */
export function hostOffsetAt(env: Record<string, string | undefined> = process.env): OffsetAt {
  const zone = readZone(zonePath(env.TZ));
  return zone ? (ms) => offsetIn(zone, ms) : () => undefined;
}

/** Where the zone comes from: `TZ` naming a zoneinfo file, or /etc/localtime when TZ is unset. */
function zonePath(tz: string | undefined): string | undefined {
  if (tz === undefined) return "/etc/localtime";
  const name = tz.startsWith(":") ? tz.slice(1) : tz;
  if (name.startsWith("/")) return name;
  // A zone name (Europe/Berlin); a POSIX string such as EST5EDT or an empty TZ is left to the Date.
  // A file by that name decides; a POSIX rule (UTC0, EST5EDT without a file) finds none and falls back.
  return /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name) ? `/usr/share/zoneinfo/${name}` : undefined;
}

/** Parses a TZif file (version 2+ 64-bit data); undefined when absent or not understood. */
export function readZone(path: string | undefined): Zone | undefined {
  if (!path) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  return parseTzif(bytes);
}

export function parseTzif(bytes: Buffer): Zone | undefined {
  if (bytes.length < 44 || bytes.toString("latin1", 0, 4) !== "TZif" || bytes[4] === 0) return undefined;
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => bytes.readUInt32BE(at + 20 + i * 4));
  const [isut, isstd, leap, time, type, chars] = counts(0) as [number, number, number, number, number, number];
  // Skip the 32-bit block to the 64-bit one.
  const v2 = 44 + time * 5 + type * 6 + chars + leap * 8 + isstd + isut;
  if (bytes.length < v2 + 44 || bytes.toString("latin1", v2, v2 + 4) !== "TZif") return undefined;
  const [isut2, isstd2, leap2, time2, type2, chars2] = counts(v2) as [number, number, number, number, number, number];
  if (leap2 !== 0 || type2 === 0) return undefined;
  let at = v2 + 44;
  const times: number[] = [];
  for (let i = 0; i < time2; i++, at += 8) times.push(Number(bytes.readBigInt64BE(at)));
  const index: number[] = [];
  for (let i = 0; i < time2; i++, at++) index.push(bytes[at]!);
  const types: { off: number }[] = [];
  for (let i = 0; i < type2; i++, at += 6) types.push({ off: bytes.readInt32BE(at) });
  at += chars2 + isstd2 + isut2;
  if (index.some((i) => i >= type2)) return undefined;
  const footer = bytes.toString("latin1", at).trim();
  // Before the first transition time type 0 applies (RFC 8536 §3.2).
  return { times, offsets: index.map((i) => types[i]!.off), before: types[0]!.off, after: fixedFooter(footer) };
}

// A footer without a DST part ("UTC0", "JST-9", "<+0330>-3:30") is one offset forever; else undefined.
function fixedFooter(footer: string): number | undefined {
  const m = /^(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]+>)([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(footer);
  if (!m) return undefined;
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  // POSIX counts west of UTC as positive.
  return m[1] === "-" ? seconds : -seconds;
}

function offsetIn(zone: Zone, ms: number): number | undefined {
  const t = Math.floor(ms / 1000);
  const { times, offsets } = zone;
  if (times.length > 0 && t < times[0]!) return zone.before / 60;
  if (times.length === 0 || t >= times[times.length - 1]!) {
    // Past the table the footer rule governs; only a fixed one is read here.
    return zone.after === undefined ? undefined : zone.after / 60;
  }
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return offsets[lo]! / 60;
}
