import { readFileSync } from "node:fs";
import JSON5 from "json5";
import { ConfigError, type ConfigIssue } from "./errors.ts";
import type { ProfilePaths } from "./paths.ts";
import { fastCheckConfig } from "./fast-check.ts";
import type { OpenClawConfig, validateConfig as ValidateConfig } from "./schema.ts";
import { envLookup, substituteEnv } from "./substitute.ts";

/** One immutable view of the config file: what was authored, what it resolves to, and its hash. */
export interface ConfigSnapshot {
  readonly paths: ProfilePaths;
  readonly exists: boolean;
  /** File text exactly as read (`""` when the file does not exist). */
  readonly raw: string;
  /** Parsed JSON5 before `${VAR}` substitution: what `config set/unset` edit and write back. */
  readonly authored: Readonly<Record<string, unknown>>;
  /** Validated config after substitution: what the gateway and commands act on. */
  readonly config: Readonly<OpenClawConfig>;
  /** sha256 of `raw`; `config.patch` compares it as `baseHash` for optimistic concurrency. */
  readonly hash: string;
}

/** Every finding of a load without throwing, for `config validate` and the `config.get` RPC. */
export interface ConfigInspection {
  paths: ProfilePaths;
  exists: boolean;
  raw: string;
  hash: string;
  authored: Record<string, unknown> | null;
  snapshot: ConfigSnapshot | null;
  issues: ConfigIssue[];
  error: ConfigError | null;
}

/** sha256 hex of a text, the hash every snapshot carries. */
export function hashText(text: string): string {
  // Bun's own hasher: node:crypto would be evaluated at start only for this (platform/node.ts).
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

/** Reads, parses, substitutes and validates the active config; throws one ConfigError naming file, line and key. */
export function loadConfig(paths: ProfilePaths, env: Record<string, string | undefined>): ConfigSnapshot {
  const raw = readConfigText(paths.configPath);
  return snapshotFromText(paths, raw, env);
}

/** Like {@link loadConfig} but never throws: problems come back as issues. */
export function inspectConfig(paths: ProfilePaths, env: Record<string, string | undefined>): ConfigInspection {
  let raw: string | null = null;
  let authored: Record<string, unknown> | null = null;
  try {
    raw = readConfigText(paths.configPath);
    authored = raw === null ? {} : parseConfigText(raw, paths.configPath);
    const snapshot = snapshotFromText(paths, raw, env);
    return { paths, exists: raw !== null, raw: raw ?? "", hash: snapshot.hash, authored, snapshot, issues: [], error: null };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const issues = error.issues.length > 0 ? error.issues : [{ path: error.keyPath ?? "(file)", message: error.message }];
    return { paths, exists: raw !== null, raw: raw ?? "", hash: hashText(raw ?? ""), authored, snapshot: null, issues, error };
  }
}

/** Builds a snapshot from text that is about to be written (or was just read); throws on any problem. */
export function snapshotFromText(
  paths: ProfilePaths,
  raw: string | null,
  env: Record<string, string | undefined>,
): ConfigSnapshot {
  const authored = raw === null ? {} : parseConfigText(raw, paths.configPath);
  const substituted = substituteEnv(authored, envLookup(env, authored), paths.configPath);
  const result = validate(substituted);
  if (!result.ok) {
    const list = result.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join("\n");
    throw new ConfigError("ESCHEMA", `${paths.configPath}: invalid config\n${list}`, {
      file: paths.configPath,
      keyPath: result.issues[0]?.path,
      issues: result.issues,
    });
  }
  return deepFreeze({
    paths,
    exists: raw !== null,
    raw: raw ?? "",
    authored,
    config: result.config,
    hash: hashText(raw ?? ""),
  });
}

/**
 * The zod-free check first (what start and every reload run); zod is loaded only when that check does not accept,
 * to decide and word the refusal. `require` keeps the load synchronous and, in the bundle, schema.ts unevaluated.
 */
function validate(value: unknown): ReturnType<typeof ValidateConfig> {
  const fast = fastCheckConfig(value);
  if (fast) return { ok: true, config: fast as OpenClawConfig };
  const { validateConfig } = require("./schema.ts") as { validateConfig: typeof ValidateConfig };
  return validateConfig(value);
}

/**
 * Parses JSON5 text into an object; a syntax error names `file:line:col`. A file with no value at all
 * (empty, whitespace or comments only) is refused rather than read as `{}`: a truncated file would
 * otherwise silently switch every feature off and drop the auth token.
 */
export function parseConfigText(text: string, file: string): Record<string, unknown> {
  if (holdsNoValue(text)) {
    throw new ConfigError(
      "EPARSE",
      `${file}: the config file is empty (no JSON5 value, only whitespace or comments); write an object such as {} or restore the copy ending in .bak beside it`,
      { file, issues: [{ path: "(file)", message: "empty config file" }] },
    );
  }
  let parsed: unknown;
  try {
    parsed = parseJsonFirst(text);
  } catch (error) {
    const e = error as { lineNumber?: number; columnNumber?: number; message?: string };
    const reason = String(e.message ?? error)
      .replace(/^JSON5: /, "")
      .replace(/ at \d+:\d+$/, "");
    throw new ConfigError("EPARSE", `${file}:${e.lineNumber ?? 1}:${e.columnNumber ?? 1}: ${reason}`, {
      file,
      line: e.lineNumber,
      column: e.columnNumber,
      cause: error,
    });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError("ESCHEMA", `${file}: the config must be a JSON5 object at the top level`, {
      file,
      issues: [{ path: "(root)", message: "expected an object" }],
    });
  }
  return parsed as Record<string, unknown>;
}

/**
 * Plain JSON (what our own writer produces) through the native parser, JSON5 only for the rest: JSON5's
 * character-by-character lexer is hot enough at start to wake JSC's optimizing JIT, which alone holds several MB
 * of idle memory (BENCHMARKS.md). JSON is a subset of JSON5 with the same values, so the result is the same.
 */
function parseJsonFirst(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON5.parse(text);
  }
}

// Only whitespace and complete comments: appending a value then parses (an unclosed comment still fails).
function holdsNoValue(text: string): boolean {
  if (text.trim() === "") return true;
  if (!/^\s*\//.test(text)) return false;
  try {
    JSON5.parse(`${text}\n{}`);
    return true;
  } catch {
    return false;
  }
}

/** Reads the config text, `null` when the file does not exist; any other failure is EREAD. */
export function readConfigText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ConfigError("EREAD", `${file}: cannot read config: ${(error as Error).message}`, { file, cause: error });
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
