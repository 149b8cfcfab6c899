// Secrets registered at run time (the gateway token or password) are masked in every line written
// after registration. Masking happens on values before serialization, not on the finished JSON text,
// so a secret that contains quotes or backslashes is still found and the line stays valid JSON.

export const REDACTION_MARK = "***";

// Bounds that keep one log call cheap even when handed a huge or self-referencing object.
const MAX_DEPTH = 8;
const MAX_ARRAY_ITEMS = 200;
/**
 * Below this length a secret is masked only where it stands alone (no letter, digit, `_` or `-` on either side):
 * a one-letter dev token masked inside every word made the log unreadable (`[ga***eway] lis***ening`), while a
 * real secret of this length is rare and still masked wherever it appears as a value.
 */
const WHOLE_WORD_BELOW = 8;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class SecretRedactor {
  // Longest first, so a secret that contains a shorter one is masked whole.
  #secrets: Array<{ secret: string; alone?: RegExp }> = [];

  add(secret: string): void {
    if (!secret || this.#secrets.some((s) => s.secret === secret)) return;
    const alone = secret.length < WHOLE_WORD_BELOW ? new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(secret)}(?![A-Za-z0-9_-])`, "g") : undefined;
    this.#secrets = [...this.#secrets, { secret, alone }].sort((a, b) => b.secret.length - a.secret.length);
  }

  /** The text with every registered secret replaced. */
  text(value: string): string {
    let out = value;
    for (const { secret, alone } of this.#secrets) {
      if (!out.includes(secret)) continue;
      out = alone ? out.replace(alone, REDACTION_MARK) : out.split(secret).join(REDACTION_MARK);
    }
    return out;
  }

  /**
   * A JSON-safe, redacted copy of a meta value: Errors keep name/message/stack, bigint becomes a string,
   * cycles and over-deep nesting become markers, so serializing a record can never throw.
   */
  value(value: unknown): unknown {
    return this.#sanitize(value, 0, new WeakSet());
  }

  #sanitize(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    switch (typeof value) {
      case "string":
        return this.text(value);
      case "number":
      case "boolean":
      case "undefined":
        return value;
      case "bigint":
        return value.toString();
      case "symbol":
        return this.text(value.toString());
      case "function":
        return `[Function ${value.name || "anonymous"}]`;
    }
    if (value === null) return null;
    const object = value as object;
    if (seen.has(object)) return "[Circular]";
    if (depth >= MAX_DEPTH) return "[Object]";
    seen.add(object);
    try {
      return this.#sanitizeObject(object, depth, seen);
    } finally {
      seen.delete(object);
    }
  }

  #sanitizeObject(object: object, depth: number, seen: WeakSet<object>): unknown {
    const next = (child: unknown) => this.#sanitize(child, depth + 1, seen);
    if (object instanceof Error) return this.#sanitizeError(object, next);
    if (object instanceof Date) return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
    if (Array.isArray(object)) {
      const items = object.slice(0, MAX_ARRAY_ITEMS).map(next);
      if (object.length > MAX_ARRAY_ITEMS) items.push(`[${object.length - MAX_ARRAY_ITEMS} more]`);
      return items;
    }
    if (object instanceof Map) return this.#sanitizeEntries([...object.entries()].map(([k, v]) => [String(k), v]), next);
    if (object instanceof Set) return next([...object]);
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      try {
        return next(toJSON.call(object));
      } catch {
        return "[Unserializable]";
      }
    }
    return this.#sanitizeEntries(Object.entries(object), next);
  }

  #sanitizeError(error: Error, next: (child: unknown) => unknown): unknown {
    const out: Record<string, unknown> = { name: this.text(error.name), message: this.text(error.message) };
    if (error.stack) out.stack = this.text(error.stack);
    const code = (error as { code?: unknown }).code;
    if (code !== undefined) out.code = next(code);
    if (error.cause !== undefined) out.cause = next(error.cause);
    return out;
  }

  #sanitizeEntries(entries: [string, unknown][], next: (child: unknown) => unknown): Record<string, unknown> {
    // Object.create(null): meta keys are caller data, and "__proto__" must stay an ordinary key.
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, child] of entries) out[this.text(key)] = next(child);
    return out;
  }
}
