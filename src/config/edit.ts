import { ConfigError } from "./errors.ts";
import { hashText, parseConfigText, readConfigText, snapshotFromText, type ConfigSnapshot } from "./load.ts";
import type { ProfilePaths } from "./paths.ts";
import { writeFileAtomic, type WriteFs } from "./write.ts";

/** Outcome of one validated config edit. */
export interface ConfigEditResult {
  changed: boolean;
  snapshot: ConfigSnapshot;
  previousHash: string;
}

export interface ConfigEditOptions {
  env: Record<string, string | undefined>;
  /** Refuse the edit unless the file still has this hash (optimistic concurrency for `config.patch`). */
  baseHash?: string;
  /** Validate and report, but write nothing. */
  dryRun?: boolean;
  fs?: WriteFs;
}

/**
 * Applies `mutate` to the authored config, validates the whole result, and only then writes it
 * atomically with a `.bak`; an invalid result throws and leaves the file byte-identical.
 */
export function editConfig(
  paths: ProfilePaths,
  mutate: (authored: Record<string, unknown>) => Record<string, unknown>,
  options: ConfigEditOptions,
): ConfigEditResult {
  const raw = readConfigText(paths.configPath);
  const previousHash = hashText(raw ?? "");
  if (options.baseHash !== undefined && options.baseHash !== previousHash) {
    throw new ConfigError(
      "ECONFLICT",
      `${paths.configPath}: config changed since it was read (baseHash ${options.baseHash.slice(0, 12)}… is stale); re-read and retry`,
      { file: paths.configPath },
    );
  }
  const authored = raw === null ? {} : parseConfigText(raw, paths.configPath);
  const next = mutate(structuredClone(authored));
  const text = `${JSON.stringify(next, null, 2)}\n`;
  // Validation throws here, before anything touches the disk.
  const snapshot = snapshotFromText(paths, text, options.env);
  if (raw !== null && JSON.stringify(next) === JSON.stringify(authored)) {
    return { changed: false, snapshot: snapshotFromText(paths, raw, options.env), previousHash };
  }
  if (options.dryRun) return { changed: true, snapshot, previousHash };
  writeFileAtomic(paths.configPath, text, { fs: options.fs, backup: true, mode: 0o600 });
  return { changed: true, snapshot, previousHash };
}
