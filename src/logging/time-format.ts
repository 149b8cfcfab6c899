// Local-time renderings. The reference names daily files by the host's local date and stamps records
// with a local ISO time plus offset, so everything here uses the Date's local fields.

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `2026-11-22` in local time: the daily file's date. */
export function localDateKey(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

/** `18:35:59` in local time: the pretty console prefix. */
export function localClock(date: Date): string {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** `2026-11-22T18:35:59.479+01:00`: local wall time with its UTC offset, as the reference's `time` field. */
export function localIsoWithOffset(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  const ms = String(date.getMilliseconds()).padStart(3, "0");
  return `${localDateKey(date)}T${localClock(date)}.${ms}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Epoch ms of the local midnights that start and end `date`'s day (DST-safe: built from fields). */
export function localDayBounds(date: Date): { start: number; end: number } {
  const y = date.getFullYear();
  const m = date.getMonth();
  const d = date.getDate();
  return { start: new Date(y, m, d).getTime(), end: new Date(y, m, d + 1).getTime() };
}

/** The local date `days` before `date`, as a date key. */
export function localDateKeyDaysBefore(date: Date, days: number): string {
  return localDateKey(new Date(date.getFullYear(), date.getMonth(), date.getDate() - days));
}
