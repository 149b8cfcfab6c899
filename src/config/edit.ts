import { ConfigError } from "./errors.ts";
import { hashText, parseConfigText, readConfigText, snapshotFromText, type ConfigSnapshot } from "./load.ts";
import type { ProfilePaths } from "./paths.ts";
import { sweepStaleTempFiles, writeFileAtomic, type WriteFs } from "./write.ts";

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
  /**
   * The edit replaces the whole file (`config.set`/`config.apply` with `raw`): a current file that does
   * not parse is no obstacle then, so a broken or emptied config can be repaired by a full write.
   */
  replace?: boolean;
  /** Keep the previous file as `.bak` (default); `secrets apply` must not leave old plaintext behind. */
  backup?: boolean;
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
  if (!options.dryRun) sweepStaleTempFiles(paths.configPath);
  const raw = readConfigText(paths.configPath);
  const previousHash = hashText(raw ?? "");
  // No file yet: there is nothing a stale reader could overwrite, so the first write needs no hash.
  if (options.baseHash !== undefined && raw !== null && options.baseHash !== previousHash) {
    throw new ConfigError(
      "ECONFLICT",
      `${paths.configPath}: config changed since it was read (baseHash ${options.baseHash.slice(0, 12)}… is stale); re-read and retry`,
      { file: paths.configPath },
    );
  }
  const authored = raw === null ? {} : parseOrReplace(raw, paths, options.replace === true);
  const next = mutate(structuredClone(authored ?? {}));
  const text = `${JSON.stringify(next, null, 2)}\n`;
  // Validation throws here, before anything touches the disk.
  const snapshot = snapshotFromText(paths, text, options.env);
  if (raw !== null && authored !== null && JSON.stringify(next) === JSON.stringify(authored)) {
    return { changed: false, snapshot: snapshotFromText(paths, raw, options.env), previousHash };
  }
  if (options.dryRun) return { changed: true, snapshot, previousHash };
  writeFileAtomic(paths.configPath, text, { fs: options.fs, backup: options.backup !== false, mode: 0o600 });
  return { changed: true, snapshot, previousHash };
}

// `null` stands for "the current file does not parse, and the edit replaces it anyway".
function parseOrReplace(raw: string, paths: ProfilePaths, replace: boolean): Record<string, unknown> | null {
  try {
    return parseConfigText(raw, paths.configPath);
  } catch (error) {
    if (replace && error instanceof ConfigError) return null;
    throw error;
  }
}
