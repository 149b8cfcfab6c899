import { ConfigError } from "./errors.ts";

// Reference rule: only upper-case names are variables; `$${X}` is the escape for a literal `${X}`.
const VARIABLE = /\$(\$?)\{([A-Z_][A-Z0-9_]*)\}/g;

/** Replaces `${VAR}` in every string of a parsed config; a missing variable is an error naming its key. */
export function substituteEnv(
  value: unknown,
  lookup: (name: string) => string | undefined,
  file: string,
  keyPath: string[] = [],
): unknown {
  if (typeof value === "string") return substituteString(value, lookup, file, keyPath);
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, lookup, file, [...keyPath, String(i)]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = substituteEnv(child, lookup, file, [...keyPath, key]);
    return out;
  }
  return value;
}

function substituteString(text: string, lookup: (name: string) => string | undefined, file: string, keyPath: string[]) {
  if (!text.includes("${")) return text;
  return text.replace(VARIABLE, (_match, escape: string, name: string) => {
    if (escape) return `\${${name}}`;
    const found = lookup(name);
    if (found === undefined || found === "") {
      const key = keyPath.join(".") || "(root)";
      throw new ConfigError("EENV", `${file}: ${key} uses \${${name}}, but the environment variable ${name} is not set`, {
        file,
        keyPath: key,
      });
    }
    return found;
  });
}

/** Builds the variable lookup: the process environment first, then the config's own `env.vars`. */
export function envLookup(
  processEnv: Record<string, string | undefined>,
  authored: unknown,
): (name: string) => string | undefined {
  const vars = (authored as { env?: { vars?: Record<string, unknown> } } | null)?.env?.vars;
  return (name) => {
    const fromProcess = processEnv[name];
    if (fromProcess !== undefined && fromProcess !== "") return fromProcess;
    const fromConfig = vars?.[name];
    return typeof fromConfig === "string" ? fromConfig : undefined;
  };
}
