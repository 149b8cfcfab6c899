// `secrets apply`: project a validated plan onto the config (provider upserts, then deletes, then one SecretRef
// per target), preflight-resolve every target ref, validate the whole result, and only then write the config
// atomically (no `.bak`: it would keep the old plaintext) and scrub migrated plaintext from `.env` files.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { editConfig } from "../../config/edit.ts";
import { getAtPath, setAtPath } from "../../config/key-path.ts";
import { parseConfigText, readConfigText } from "../../config/load.ts";
import { resolveProfilePaths } from "../../config/paths.ts";
import { findSecretRefs } from "../../config/secret-ref.ts";
import { resolveSecrets } from "../../config/secrets-resolve.ts";
import { writeFileAtomic } from "../../config/write.ts";
import { SECRET_ENV } from "./_audit.ts";
import { PlanError, planUsesExec, type ApplyPlan } from "./_plan.ts";

export interface ApplyResult {
  mode: "dry-run" | "write";
  changed: boolean;
  changedFiles: string[];
  checks: { resolvability: true; resolvabilityComplete: boolean };
  refsChecked: number;
  skippedExecRefs: number;
  warningCount: number;
  warnings: string[];
}

export async function applyPlan(plan: ApplyPlan, options: { profile?: string; env: Record<string, string | undefined>; write: boolean; allowExec: boolean }): Promise<ApplyResult> {
  const { env, write } = options;
  if (write && planUsesExec(plan) && !options.allowExec) throw new PlanError("Plan contains exec SecretRefs/providers. Re-run with --allow-exec.");
  const paths = resolveProfilePaths(options.profile, { env });
  const raw = readConfigText(paths.configPath);
  const authored = raw === null ? {} : parseConfigText(raw, paths.configPath);

  let next = structuredClone(authored) as Record<string, any>;
  const providers: Record<string, any> = { ...(next.secrets?.providers ?? {}) };
  Object.assign(providers, plan.providerUpserts);
  for (const alias of plan.providerDeletes) delete providers[alias];
  next = setAtPath(next, ["secrets", "providers"], providers);
  const migrated = new Set<string>();
  for (const target of plan.targets) {
    const previous = getAtPath(next, target.segments);
    if (typeof previous === "string" && previous.trim()) migrated.add(previous.trim());
    next = setAtPath(next, target.segments, target.ref);
  }

  // Every ref of the result must name a provider it still has (a delete must not orphan one).
  for (const { path, ref } of findSecretRefs(next)) {
    const alias = ref.provider ?? "default";
    const entry = providers[alias];
    if (entry ? entry.source !== ref.source : !(ref.source === "env" && alias === "default")) {
      throw new PlanError(`provider "${alias}" is not configured for ${path} (source ${ref.source})`);
    }
  }

  // Preflight: the target refs resolve against the projected providers; exec refs only with consent.
  const runExec = write || options.allowExec;
  let probe: Record<string, unknown> = { secrets: { providers } };
  for (const target of plan.targets) probe = setAtPath(probe, target.segments, target.ref);
  const resolution = await resolveSecrets(probe, { env, allowExec: runExec });
  if (!resolution.ok) throw new PlanError(`preflight failed: ${resolution.errors.map((e) => e.message).join("; ")}`);
  const skippedExecRefs = resolution.skipped.length;

  // Validation of the whole file happens here too (editConfig throws before writing anything).
  const edit = editConfig(paths, () => next, { env, dryRun: !write, backup: false });
  const changedFiles = edit.changed ? [paths.configPath] : [];
  if (plan.options.scrubEnv && migrated.size > 0) {
    const envIds = new Set(plan.targets.filter((t) => t.ref.source === "env").map((t) => t.ref.id));
    for (const file of new Set([join(paths.stateDir, ".env"), join(dirname(paths.configPath), ".env")])) {
      if (!existsSync(file)) continue;
      const text = readFileSync(file, "utf8");
      const scrubbed = scrubEnvText(text, migrated, (key) => SECRET_ENV.test(key) || envIds.has(key));
      if (scrubbed === text) continue;
      changedFiles.push(file);
      if (write) writeFileAtomic(file, scrubbed, { backup: false, mode: statSync(file).mode & 0o777 });
    }
  }
  return {
    mode: write ? "write" : "dry-run",
    changed: changedFiles.length > 0,
    changedFiles: changedFiles.sort(),
    checks: { resolvability: true, resolvabilityComplete: skippedExecRefs === 0 },
    refsChecked: plan.targets.length - skippedExecRefs,
    skippedExecRefs,
    warningCount: 0,
    warnings: [],
  };
}

/** Drops `KEY=value` lines whose key is a credential name and whose value is one the plan moved into a ref. */
function scrubEnvText(text: string, migrated: Set<string>, scrubbable: (key: string) => boolean): string {
  const lines = text.split(/\r?\n/);
  const kept = lines.filter((line) => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match || !scrubbable(match[1]!)) return true;
    const value = match[2]!.trim().replace(/^(["'])(.*)\1$/, "$2");
    return !migrated.has(value);
  });
  return kept.join("\n");
}
