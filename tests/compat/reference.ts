// Finds (or installs on demand) the reference package and loads its published protocol schemas and validator.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The reference release the wire shapes are checked against. */
export const REFERENCE_VERSION = "2026.9.6";

/** Install prefix inside the repo's gitignored `.tmp/`, so the check never touches the project's dependencies. */
const CACHE_DIR = resolve(import.meta.dir, "..", "..", ".tmp", "compat-ref");

/** One JSON Schema check: the errors of a value, empty when it conforms. */
export interface Validator {
  errors(value: unknown): string[];
}

export interface Reference {
  /** The folder of the `openclaw` package that was loaded. */
  packageDir: string;
  version: string;
  /** Every `…Schema` export of `dist/gateway/protocol/index.js`, plus `validateX.schema` as `XSchema`. */
  schemas: Record<string, Record<string, any>>;
  compile(schema: unknown): Validator;
}

/**
 * Returns the `openclaw` package folder: `OPENCLAW_COMPAT_REF_DIR` (an install prefix or the package itself)
 * when set, else the cache, installed with `npm install --ignore-scripts` the first time (scripts stay off:
 * only the shipped schemas and their validator are read).
 */
export function locateReference(log: (line: string) => void): string {
  const override = process.env.OPENCLAW_COMPAT_REF_DIR;
  if (override) {
    const dir = [join(override, "node_modules", "openclaw"), override].find((d) => isReference(d));
    if (!dir) throw new Error(`OPENCLAW_COMPAT_REF_DIR=${override} holds no openclaw package (looked for node_modules/openclaw and the folder itself)`);
    return dir;
  }
  const dir = join(CACHE_DIR, "node_modules", "openclaw");
  // Written only after npm finished, so an interrupted install is redone rather than half used.
  const marker = join(CACHE_DIR, `.installed-${REFERENCE_VERSION}`);
  if (existsSync(marker) && isReference(dir) && versionOf(dir) === REFERENCE_VERSION) return dir;
  mkdirSync(CACHE_DIR, { recursive: true });
  // A package.json of its own keeps npm from walking up to the project's and installing there.
  if (!existsSync(join(CACHE_DIR, "package.json"))) writeFileSync(join(CACHE_DIR, "package.json"), '{ "private": true }\n');
  log(`installing openclaw@${REFERENCE_VERSION} into ${CACHE_DIR} (once) …`);
  const npm = Bun.spawnSync(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-save", `openclaw@${REFERENCE_VERSION}`], {
    cwd: CACHE_DIR,
    stdout: "inherit",
    stderr: "inherit",
  });
  if (npm.exitCode !== 0 || !isReference(dir)) throw new Error(`npm install openclaw@${REFERENCE_VERSION} failed (exit ${npm.exitCode})`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return dir;
}

/** Loads the protocol module and the validator the reference compiles its own schemas with (`typebox/compile`). */
export async function loadReference(packageDir: string): Promise<Reference> {
  const protocolPath = join(packageDir, "dist", "gateway", "protocol", "index.js");
  if (!existsSync(protocolPath)) throw new Error(`${protocolPath} is missing: this openclaw build does not ship its protocol schemas there`);
  const protocol = (await import(protocolPath)) as Record<string, unknown>;
  const schemas: Record<string, Record<string, any>> = {};
  for (const [name, value] of Object.entries(protocol)) {
    if (name.endsWith("Schema") && value && typeof value === "object") schemas[name] = value as Record<string, any>;
  }
  // Many schemas are exported only through their compiled validator (`validateDevicePairListParams.schema`).
  for (const [name, value] of Object.entries(protocol)) {
    const schema = typeof value === "function" && name.startsWith("validate") ? (value as { schema?: unknown }).schema : undefined;
    const alias = `${name.slice("validate".length)}Schema`;
    if (schema && typeof schema === "object" && !schemas[alias]) schemas[alias] = schema as Record<string, any>;
  }
  // Resolved from the reference's folder, so it is the reference's own copy; nothing is added to ours.
  const { Compile } = (await import(Bun.resolveSync("typebox/compile", packageDir))) as {
    Compile(schema: unknown): { Check(value: unknown): boolean; Errors(value: unknown): Iterable<{ instancePath: string; message: string; params?: any }> };
  };
  return {
    packageDir,
    version: versionOf(packageDir),
    schemas,
    compile(schema) {
      const check = Compile(schema);
      return {
        errors(value) {
          if (check.Check(value)) return [];
          return [...check.Errors(value)].map((e) => `${e.instancePath || "/"}: ${e.message}${detail(e.params)}`);
        },
      };
    },
  };
}

/** The names TypeBox reports only in `params` (which property is missing or extra). */
function detail(params: any): string {
  if (!params || typeof params !== "object") return "";
  const names = params.requiredProperties ?? params.additionalProperties;
  if (Array.isArray(names)) return ` (${names.join(", ")})`;
  if ("allowedValue" in params) return ` (${JSON.stringify(params.allowedValue)})`;
  return "";
}

function isReference(dir: string): boolean {
  return existsSync(join(dir, "package.json")) && existsSync(join(dir, "dist", "gateway", "protocol", "index.js"));
}

function versionOf(dir: string): string {
  return String(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version);
}
