// The read-only scan behind `openclaw secrets audit`: plaintext values at secret-bearing config keys, plaintext
// credentials in the service definition and its env file, and SecretRefs that do not resolve. Never prints a value.
import { existsSync, readFileSync } from "node:fs";
import { parseConfigText, readConfigText } from "../../config/load.ts";
import { resolveProfilePaths } from "../../config/paths.ts";
import { findSecretRefs, isSecretRef } from "../../config/secret-ref.ts";
import { resolveSecrets } from "../../config/secrets-resolve.ts";

export interface AuditFinding {
  code: "PLAINTEXT_FOUND" | "REF_UNRESOLVED";
  file: string;
  /** Config key path, or the variable name in a unit/env file. */
  path: string;
  message?: string;
}

export interface AuditReport {
  status: "clean" | "findings" | "unresolved";
  resolution: { refsChecked: number; skippedExecRefs: number; resolvabilityComplete: boolean };
  summary: { plaintextCount: number; unresolvedRefCount: number };
  findings: AuditFinding[];
}

/** Key names that hold credentials (the reference's heuristic: token, password, secret, api key, credential). */
const SECRET_KEY = /(^|[^a-z])(token|password|secret|apikey|api_key|credential|privatekey|private_key)s?$|bottoken$|apikey$/i;
/** Env variable names that carry credentials: what audit reports and what apply may scrub from `.env`. */
export const SECRET_ENV = /(TOKEN|PASSWORD|SECRET|API_KEY|APIKEY|PRIVATE_KEY)$/;

export async function auditSecrets(options: { profile?: string; env: Record<string, string | undefined>; allowExec: boolean }): Promise<AuditReport> {
  const paths = resolveProfilePaths(options.profile, { env: options.env });
  const findings: AuditFinding[] = [];
  // The file as authored (no `${VAR}` substitution): what is on disk is what the audit judges.
  const raw = readConfigText(paths.configPath);
  const authored = raw === null ? {} : parseConfigText(raw, paths.configPath);
  for (const path of plaintextPaths(authored)) findings.push({ code: "PLAINTEXT_FOUND", file: paths.configPath, path });
  for (const file of await serviceFiles(options)) {
    if (!existsSync(file)) continue;
    for (const name of plaintextEnv(readFileSync(file, "utf8"))) findings.push({ code: "PLAINTEXT_FOUND", file, path: name, message: "credential in a service file" });
  }
  const refs = findSecretRefs(authored);
  const skippedExecRefs = options.allowExec ? 0 : refs.filter((r) => r.ref.source === "exec").length;
  const resolution = await resolveSecrets(authored, { env: options.env, allowExec: options.allowExec });
  const unresolved = resolution.ok ? [] : resolution.errors;
  for (const e of unresolved) findings.push({ code: "REF_UNRESOLVED", file: paths.configPath, path: e.path, message: e.message });
  const plaintextCount = findings.filter((f) => f.code === "PLAINTEXT_FOUND").length;
  return {
    status: unresolved.length > 0 ? "unresolved" : findings.length > 0 ? "findings" : "clean",
    resolution: { refsChecked: refs.length - skippedExecRefs, skippedExecRefs, resolvabilityComplete: skippedExecRefs === 0 },
    summary: { plaintextCount, unresolvedRefCount: unresolved.length },
    findings,
  };
}

/** Config paths whose key names a credential and whose value is a non-empty literal (not a ref, not `${VAR}`). */
function plaintextPaths(config: unknown, prefix = ""): string[] {
  if (!config || typeof config !== "object" || isSecretRef(config)) return [];
  const out: string[] = [];
  const entries = Array.isArray(config) ? config.map((v, i) => [String(i), v] as const) : Object.entries(config);
  for (const [key, value] of entries) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string" && SECRET_KEY.test(key) && value.trim() !== "" && !/^\$\{[A-Z_][A-Z0-9_]*\}$|^\$[A-Z_][A-Z0-9_]*$/.test(value.trim())) out.push(path);
    else out.push(...plaintextPaths(value, path));
  }
  return out;
}

/** Names of credential variables set to a literal in a unit, plist, task XML or env file. */
function plaintextEnv(text: string): string[] {
  const names = new Set<string>();
  const patterns = [/^\s*Environment="?([A-Z0-9_]+)=([^"\n]*)"?/gm, /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/gm, /<key>([A-Z0-9_]+)<\/key>\s*<string>([^<]*)<\/string>/g];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) if (SECRET_ENV.test(match[1]!) && match[2]!.trim() !== "") names.add(match[1]!);
  }
  return [...names];
}

/** The installed service's definition and env file, when a service is installed for this profile. */
async function serviceFiles(options: { profile?: string; env: Record<string, string | undefined> }): Promise<string[]> {
  try {
    const { readServiceStatus } = await import("../../service/status.ts");
    const status = await readServiceStatus({ profile: options.profile, env: options.env });
    return status.installed ? [status.unitPath, ...(status.envFile ? [status.envFile] : [])] : [];
  } catch {
    return [];
  }
}
