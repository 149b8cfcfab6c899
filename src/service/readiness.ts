import { sleep as defaultSleep } from "../platform/sleep.ts";

/** Outcome of waiting for `/readyz`: a slow start is `starting`, never `down` (field lessons). */
export type Readiness = "ready" | "starting" | "not running";

export interface ReadinessOptions {
  port: number;
  /** Total budget; 0 probes once. */
  timeoutMs: number;
  /** Asked once the budget is spent and the gateway is not ready: is the supervisor still running it? */
  supervisorRunning?: () => Promise<boolean | undefined>;
  /** Told what we wait for before the first probe. */
  onWait?: (line: string) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  intervalMs?: number;
}

export interface ReadinessResult {
  state: Readiness;
  url: string;
  timeoutMs: number;
  /** The last probe's answer (`503 starting`, `connection refused`), when not ready. */
  last?: string;
}

/** Default readiness budget: longer than the slow cold starts users reported (17–22 s). */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** Polls `http://127.0.0.1:<port>/readyz` until it answers 200 or the budget is spent. */
export async function waitForReady(opts: ReadinessOptions): Promise<ReadinessResult> {
  const url = `http://127.0.0.1:${opts.port}/readyz`;
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? defaultSleep;
  const deadline = Date.now() + opts.timeoutMs;
  opts.onWait?.(`Waiting for the gateway to be ready: ${url} (up to ${formatDuration(opts.timeoutMs)})`);
  let last: string | undefined;
  for (;;) {
    const remaining = deadline - Date.now();
    try {
      const response = await doFetch(url, { signal: AbortSignal.timeout(Math.max(250, Math.min(2_000, remaining))) });
      if (response.status === 200) return { state: "ready", url, timeoutMs: opts.timeoutMs };
      const body = (await response.json().catch(() => undefined)) as { failing?: string[] } | undefined;
      last = `${response.status} ${body?.failing?.join(",") ?? ""}`.trim();
    } catch (error) {
      last = describeFetchError(error);
    }
    if (Date.now() + (opts.intervalMs ?? 250) > deadline) break;
    await sleep(opts.intervalMs ?? 250);
  }
  const running = opts.supervisorRunning ? await opts.supervisorRunning().catch(() => undefined) : undefined;
  return { state: running === false ? "not running" : "starting", url, timeoutMs: opts.timeoutMs, last };
}

function describeFetchError(error: unknown): string {
  const e = error as { code?: string; name?: string; message?: string };
  if (e?.code === "ConnectionRefused" || /refused/i.test(e?.message ?? "")) return "connection refused";
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return "no answer";
  return e?.message ?? String(error);
}

/** Parses `30s`, `500ms`, `2m` or a bare number of seconds; throws a message naming the input. */
export function parseDuration(value: string, origin: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (!match) throw new RangeError(`Expected ${origin} to be a duration like 30s, 500ms or 2m, got ${JSON.stringify(value)}`);
  const n = Number(match[1]);
  const unit = match[2] ?? "s";
  return Math.round(unit === "ms" ? n : unit === "m" ? n * 60_000 : n * 1000);
}

/** `60s`, `1.5s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
