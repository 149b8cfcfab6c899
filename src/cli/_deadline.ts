// `--timeout` as a promise the router keeps: a command that declares it (through timeoutArg) is ended by
// the router once its deadline has passed, even if a bug leaves one of its waits pending. Commands
// still build their own Deadline from the same flag and report their own, more precise, timeouts first.
import { parseArgs, type ArgsDef } from "citty";

/** Grace after the deadline for the command's own timeout report to win the race. */
const DEADLINE_GRACE_MS = 500;

// The `timeout` definitions made by timeoutArg, with their default; identity marks "whole command".
const wholeCommandTimeouts = new WeakMap<object, number>();

/** `--timeout <ms>`: one deadline for the whole command, enforced by the router as well. */
export function timeoutArg(defaultMs: number) {
  const def = {
    timeout: { type: "string", description: `Deadline for the whole command in ms (default ${defaultMs})`, valueHint: "ms" },
  } as const satisfies ArgsDef;
  wholeCommandTimeouts.set(def.timeout, defaultMs);
  return def;
}

/** The whole-command deadline of a parsed command line in ms, or undefined when it declares none. */
export function commandTimeoutMs(argsDef: ArgsDef, rawArgs: string[]): number | undefined {
  const fallback = argsDef.timeout ? wholeCommandTimeouts.get(argsDef.timeout) : undefined;
  if (fallback === undefined) return undefined;
  const value: unknown = parseArgs(rawArgs, argsDef).timeout;
  const ms = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : fallback;
  // A bad value is the command's usage error to report, not a reason to run unbounded.
  return Number.isSafeInteger(ms) && ms > 0 ? ms : fallback;
}

/** Settles with `work`, or rejects with `onExpired()` once `ms` plus the grace has passed. */
export function withinDeadline<T>(work: Promise<T>, ms: number, onExpired: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onExpired()), ms + DEADLINE_GRACE_MS);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
