// Run by local-zone.test.ts in a process with TZ set: compares the zone-file renderings (time-format.ts) with the
// Date's local fields (ICU) over many instants and prints the mismatches as JSON.
import { localDateKey, localDateKeyDaysBefore, localDayBounds, localIsoWithOffset } from "../../src/logging/time-format.ts";

const pad2 = (n: number) => String(n).padStart(2, "0");
const oracleIso = (d: Date) => {
  const off = -d.getTimezoneOffset();
  const abs = Math.abs(off);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}${off >= 0 ? "+" : "-"}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
};
const oracleBounds = (d: Date) => ({ start: new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(), end: new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime() });
const oracleBefore = (d: Date, n: number) => localDateKey(new Date(d.getFullYear(), d.getMonth(), d.getDate() - n));

const instants: number[] = [];
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
for (let i = 0; i < 3000; i++) instants.push(Math.floor(Date.UTC(1995, 0, 1) + rand() * (Date.UTC(2036, 0, 1) - Date.UTC(1995, 0, 1))));
// Every 15 minutes through 2026: every DST switch of the year, both sides.
for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 15 * 60_000) instants.push(t + 1234);
const bad: string[] = [];
for (const t of instants) {
  const d = new Date(t);
  const [a, b] = [localIsoWithOffset(d), oracleIso(d)];
  if (a !== b) bad.push(`${t} iso ${a} != ${b}`);
  const [x, y] = [localDayBounds(d), oracleBounds(d)];
  if (x.start !== y.start || x.end !== y.end) bad.push(`${t} bounds ${JSON.stringify(x)} != ${JSON.stringify(y)}`);
  if (localDateKeyDaysBefore(d, 30) !== oracleBefore(d, 30)) bad.push(`${t} daysBefore`);
}
console.log(JSON.stringify({ checked: instants.length, bad: bad.slice(0, 5), count: bad.length }));
