/** Marker that replaces secret values wherever config is shown (CLI output, `config.get` without admin). */
export const REDACTED = "__OPENCLAW_REDACTED__";

const SECRET_KEY = /(token|password|secret|apikey|api_key|privatekey|private_key|credential)$/i;

/** True for a key whose value is a secret by its name. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Returns a copy with every secret-named string value replaced, so a printed config leaks nothing. */
export function redactConfig<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => redactConfig(item)) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = isSecretKey(key) && typeof child === "string" && child !== "" ? REDACTED : redactConfig(child);
  }
  return out as T;
}
