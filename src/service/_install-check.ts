import { readText } from "./files.ts";
import { ServiceError } from "./types.ts";

/** Whether an install writes, skips (same settings) or is refused (different settings without --force). */
export type InstallPlan = "fresh" | "unchanged" | "replace";

/**
 * Compares what is installed with what install would write: identical → no-op; different without
 * `--force` → refused, naming the changed definition lines (the env file is compared but never quoted).
 */
export function planInstall(opts: {
  definitionPath: string;
  definition: string;
  envFile: string;
  envText: string;
  force: boolean;
  what: string;
  /** The installed definition's text when it is not plain UTF-8 on disk (task XML is UTF-16). */
  current?: string;
}): InstallPlan {
  const current = "current" in opts ? opts.current : readText(opts.definitionPath);
  if (current === undefined) return "fresh";
  const envSame = readText(opts.envFile) === opts.envText;
  if (current === opts.definition && envSame) return opts.force ? "replace" : "unchanged";
  if (opts.force) return "replace";
  const before = new Set(current.split("\n"));
  const changed = opts.definition.split("\n").filter((line) => line.trim() !== "" && !before.has(line));
  const details = changed.map((line) => `  ${line.trim()}`);
  if (!envSame) details.push("  (the service environment file differs)");
  throw new ServiceError(
    "already-installed",
    `${opts.what} is already installed with different settings (${opts.definitionPath}):\n${details.join("\n")}`,
    "Run `openclaw gateway install --force` to rewrite it.",
  );
}
