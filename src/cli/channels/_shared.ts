// Shared by the channel, message and pairing commands: the `--account` rule (a blank value is refused rather
// than meaning "default") and how old a timestamp is.
import { CliError } from "../context.ts";

/** `--account`: undefined when omitted; a blank value is an error (an unset shell variable must not pick one). */
export function accountArg(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!text) throw new CliError("--account must not be blank");
  return text;
}

/** Age of a timestamp for humans. */
export function ago(ms: number | null | undefined): string {
  if (!ms) return "never";
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}
