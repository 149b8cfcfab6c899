// When a job is due next. `every` and `at` are arithmetic; cron expressions go through croner (the library the
// reference uses, so expressions mean the same thing), loaded on first use: a gateway without a cron job
// never pays for it. Croner alone skips the repeated hour when clocks fall back (a `*/5` job would be silent
// for an hour); `nextCron` adds the fixed-offset readings of the fold, so every real instant that matches fires.
import type { Cron as CronClass } from "croner";
import type { CronSchedule } from "./types.ts";

/** The reference staggers top-of-hour recurring expressions by up to 5 minutes. */
export const DEFAULT_TOP_OF_HOUR_STAGGER_MS = 300_000;

let CronCtor: typeof CronClass | undefined;

/** Loads croner once; every cron computation after it is synchronous. */
export async function loadCronEngine(): Promise<void> {
  CronCtor ??= (await import("croner")).Cron;
}

export function cronEngineLoaded(): boolean {
  return CronCtor !== undefined;
}

const compiled = new Map<string, CronClass>();

function cronFor(expr: string, zone: { timezone?: string; utcOffset?: number }): CronClass {
  if (!CronCtor) throw new Error("cron engine not loaded (call loadCronEngine first)");
  const key = `${expr}\u0000${zone.timezone ?? ""}\u0000${zone.utcOffset ?? ""}`;
  let cron = compiled.get(key);
  if (!cron) {
    cron = new CronCtor(expr, { ...zone, paused: true });
    if (compiled.size > 5000) compiled.clear();
    compiled.set(key, cron);
  }
  return cron;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset in minutes at an instant (Intl's longOffset: "GMT+02:00"). */
export function zoneOffsetMinutes(timezone: string, atMs: number): number {
  let format = offsetFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" });
    offsetFormats.set(timezone, format);
  }
  const name = format.formatToParts(new Date(atMs)).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === "-" ? -minutes : minutes;
}

function hostTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Throws a readable error when the expression or time zone is not accepted. */
export function validateCron(expr: string, tz: string | undefined): void {
  if (tz) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
    } catch {
      throw new Error(`unknown time zone "${tz}"`);
    }
  }
  try {
    cronFor(expr, { timezone: tz ?? hostTimezone() });
  } catch (error) {
    throw new Error(`invalid cron expression "${expr}": ${(error as Error).message}`);
  }
}

/** The first instant strictly after `afterMs` at which the expression matches the zone's wall clock. */
export function nextCron(expr: string, tz: string | undefined, afterMs: number): number | undefined {
  const timezone = tz ?? hostTimezone();
  const after = new Date(afterMs);
  // Inside the fold croner's zoned reading can even step backwards: only instants after `afterMs` count.
  let natural = cronFor(expr, { timezone }).nextRun(after)?.getTime();
  for (let hop = 1; natural !== undefined && natural <= afterMs && hop <= 3; hop++) natural = cronFor(expr, { timezone }).nextRun(new Date(afterMs + hop * 3_600_000))?.getTime();
  let best = natural !== undefined && natural > afterMs ? natural : undefined;
  const offsets = new Set([zoneOffsetMinutes(timezone, afterMs)]);
  if (best !== undefined) offsets.add(zoneOffsetMinutes(timezone, best));
  for (const utcOffset of offsets) {
    const candidate = cronFor(expr, { utcOffset }).nextRun(after)?.getTime();
    // A fixed-offset reading counts only where the zone really is at that offset (the fold's second pass).
    if (candidate !== undefined && candidate > afterMs && (best === undefined || candidate < best) && zoneOffsetMinutes(timezone, candidate) === utcOffset) best = candidate;
  }
  return best;
}

/** Top-of-hour recurring expressions (minute 0, wildcard hour) get the reference's default stagger. */
export function effectiveStaggerMs(schedule: Extract<CronSchedule, { kind: "cron" }>): number {
  if (schedule.staggerMs !== undefined) return schedule.staggerMs;
  const fields = schedule.expr.trim().split(/\s+/);
  const [minute, hour] = fields.length === 6 ? [fields[1], fields[2]] : [fields[0], fields[1]];
  if (fields.length === 6 && fields[0] !== "0") return 0;
  const wildcardHour = hour !== undefined && hour.split(",").some((part) => part.startsWith("*") || part.startsWith("?"));
  return minute === "0" && wildcardHour ? DEFAULT_TOP_OF_HOUR_STAGGER_MS : 0;
}

/** A stable per-job offset inside the stagger window, so one job keeps its slot and many jobs spread out. */
export function staggerOffset(jobId: string, windowMs: number): number {
  if (windowMs <= 0) return 0;
  let hash = 2166136261;
  for (let i = 0; i < jobId.length; i++) hash = Math.imul(hash ^ jobId.charCodeAt(i), 16777619);
  return (hash >>> 0) % windowMs;
}

/** Absolute time of an `at` schedule (ISO 8601; an offset-less one is UTC, as in the reference). */
export function atMs(at: string): number | undefined {
  const value = at.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value;
  const ms = Date.parse(hasZone || !/T/.test(withTime) ? withTime : `${withTime}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `500ms`, `30s`, `10m`, `1h`, `1d` (and combinations like `1h30m`) → milliseconds; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (/^\d+$/.test(value)) return Number(value) * 60_000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  let total = 0;
  let rest = value;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return value.length > 0 ? Math.round(total) : undefined;
}

/**
 * The next due instant strictly after `afterMs`, or undefined when there is none (a one-shot that already ran).
 * `every` counts from its anchor (or the job's creation); cron adds the job's stagger offset.
 */
export function nextRunAt(schedule: CronSchedule, job: { id: string; createdAtMs: number; lastRunAtMs?: number }, afterMs: number): number | undefined {
  if (schedule.kind === "at") {
    const at = atMs(schedule.at);
    if (at === undefined) return undefined;
    return job.lastRunAtMs !== undefined && job.lastRunAtMs >= at ? undefined : at;
  }
  if (schedule.kind === "every") {
    const anchor = schedule.anchorMs ?? job.createdAtMs;
    if (afterMs < anchor) return anchor;
    return anchor + (Math.floor((afterMs - anchor) / schedule.everyMs) + 1) * schedule.everyMs;
  }
  const offset = staggerOffset(job.id, effectiveStaggerMs(schedule));
  const natural = nextCron(schedule.expr, schedule.tz, afterMs - offset);
  return natural === undefined ? undefined : natural + offset;
}
