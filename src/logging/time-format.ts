// Local-time renderings. The reference names daily files by the host's local date and stamps records
// with a local ISO time plus offset. The offset comes from the host's zone file (local-zone.ts) and the fields
// from UTC arithmetic, so logging never touches the Date's local fields and JSC never loads ICU's time zone data
// (~3.4 MB idle, BENCHMARKS.md); when the zone file cannot answer, the Date's local fields do, as before.
import { hostOffsetAt, type OffsetAt } from "./local-zone.ts";

const pad2 = (n: number) => String(n).padStart(2, "0");
const DAY_MS = 86_400_000;
// The host's zone, read once on the first rendering.
let offsetAt: OffsetAt | undefined;

/** The local wall time of `date` as a Date whose UTC fields read it, or undefined to use local fields. */
function wall(date: Date): { at: Date; offset: number } | undefined {
  const offset = (offsetAt ??= hostOffsetAt())(date.getTime());
  return offset === undefined ? undefined : { at: new Date(date.getTime() + offset * 60_000), offset };
}

const key = (y: number, m: number, d: number) => `${y}-${pad2(m + 1)}-${pad2(d)}`;

/** `2026-11-22` in local time: the daily file's date. */
export function localDateKey(date: Date): string {
  const w = wall(date);
  return w ? key(w.at.getUTCFullYear(), w.at.getUTCMonth(), w.at.getUTCDate()) : key(date.getFullYear(), date.getMonth(), date.getDate());
}

/** `18:35:59` in local time: the pretty console prefix. */
export function localClock(date: Date): string {
  const w = wall(date);
  return w
    ? `${pad2(w.at.getUTCHours())}:${pad2(w.at.getUTCMinutes())}:${pad2(w.at.getUTCSeconds())}`
    : `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** `2026-11-22T18:35:59.479+01:00`: local wall time with its UTC offset, as the reference's `time` field. */
export function localIsoWithOffset(date: Date): string {
  const offsetMinutes = wall(date)?.offset ?? -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  const ms = String(date.getUTCMilliseconds()).padStart(3, "0"); // offsets are whole minutes: local ms = UTC ms
  return `${localDateKey(date)}T${localClock(date)}.${ms}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Epoch ms of the local midnights that start and end `date`'s day (DST-safe: built from fields). */
export function localDayBounds(date: Date): { start: number; end: number } {
  const w = wall(date);
  if (w) {
    const midnight = Math.floor(w.at.getTime() / DAY_MS) * DAY_MS; // the local day's midnight, as wall-clock ms
    const start = instantOf(midnight);
    const end = instantOf(midnight + DAY_MS);
    if (start !== undefined && end !== undefined) return { start, end };
  }
  const y = date.getFullYear();
  const m = date.getMonth();
  const d = date.getDate();
  return { start: new Date(y, m, d).getTime(), end: new Date(y, m, d + 1).getTime() };
}

// The instant a local wall-clock time names, as JavaScript picks it: of the offsets in force around it, the one
// that maps back to the same wall time; the earlier instant when two do (a fold); the pre-switch offset in a gap.
function instantOf(wallMs: number): number | undefined {
  const at = offsetAt!;
  const first = at(wallMs);
  const second = first === undefined ? undefined : at(wallMs - first * 60_000);
  if (first === undefined || second === undefined) return undefined;
  const valid = [first, second].map((o) => wallMs - o * 60_000).filter((instant) => at(instant) === (wallMs - instant) / 60_000);
  if (valid.length > 0) return Math.min(...valid);
  return wallMs - Math.min(first, second) * 60_000;
}

/** The local date `days` before `date`, as a date key (calendar arithmetic on the local date). */
export function localDateKeyDaysBefore(date: Date, days: number): string {
  const w = wall(date);
  if (!w) return localDateKey(new Date(date.getFullYear(), date.getMonth(), date.getDate() - days));
  const d = new Date(Date.UTC(w.at.getUTCFullYear(), w.at.getUTCMonth(), w.at.getUTCDate() - days));
  return key(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}
