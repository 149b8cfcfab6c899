// A tiny XML property-list writer and reader for the subset a LaunchAgent uses (no plist dependency).

/** Values a LaunchAgent plist holds. */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

/** Escapes text for an XML element; refuses characters XML 1.0 cannot carry at all. */
export function escapeXml(text: string): string {
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(text)) throw new RangeError(`Expected text without control characters, got ${JSON.stringify(text)}`);
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** Serialises a dict as an XML plist (tab-indented, keys in the given order, like Apple's tools). */
export function renderPlist(root: { [key: string]: PlistValue }): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
  ];
  write(root, 0, lines);
  lines.push("</plist>", "");
  return lines.join("\n");
}

function write(value: PlistValue, depth: number, lines: string[]): void {
  const pad = "\t".repeat(depth);
  if (typeof value === "string") lines.push(`${pad}<string>${escapeXml(value)}</string>`);
  else if (typeof value === "boolean") lines.push(`${pad}<${value}/>`);
  else if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new RangeError(`Expected an integer plist value, got ${value}`);
    lines.push(`${pad}<integer>${value}</integer>`);
  } else if (Array.isArray(value)) {
    lines.push(`${pad}<array>`);
    for (const item of value) write(item, depth + 1, lines);
    lines.push(`${pad}</array>`);
  } else {
    lines.push(`${pad}<dict>`);
    for (const [key, item] of Object.entries(value)) {
      lines.push(`${pad}\t<key>${escapeXml(key)}</key>`);
      write(item, depth + 1, lines);
    }
    lines.push(`${pad}</dict>`);
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] === "#") return String.fromCodePoint(name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

/** Parses an XML plist (dict/array/string/integer/real/true/false/date/data); throws on anything else. */
export function parsePlist(text: string): PlistValue {
  const tokens = [...text.replace(/<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->/g, "").matchAll(/<(\/?)(\w+)(\s[^>]*?)?(\/?)>|([^<]+)/g)];
  let i = 0;
  const next = () => tokens[i++];
  const skipSpace = () => {
    while (i < tokens.length && tokens[i]![5] !== undefined && tokens[i]![5]!.trim() === "") i++;
  };
  const textUntil = (tag: string): string => {
    let out = "";
    for (let t = next(); t; t = next()) {
      if (t[5] !== undefined) out += t[5];
      else if (t[1] === "/" && t[2] === tag) return unescapeXml(out);
      else throw new SyntaxError(`unexpected <${t[2]}> inside <${tag}>`);
    }
    throw new SyntaxError(`unterminated <${tag}>`);
  };
  const value = (): PlistValue => {
    skipSpace();
    const t = next();
    if (!t || t[2] === undefined || t[1] === "/") throw new SyntaxError("expected a plist value");
    const tag = t[2];
    const empty = t[4] === "/";
    switch (tag) {
      case "plist": {
        const v = value();
        skipSpace();
        return v;
      }
      case "true":
      case "false":
        if (!empty && next()?.[2] !== tag) throw new SyntaxError(`unterminated <${tag}>`);
        return tag === "true";
      case "string":
        return empty ? "" : textUntil("string");
      case "integer":
      case "real":
        return Number(textUntil(tag).trim());
      case "date":
      case "data":
        return empty ? "" : textUntil(tag).trim();
      case "array": {
        const items: PlistValue[] = [];
        if (empty) return items;
        for (;;) {
          skipSpace();
          if (tokens[i]?.[1] === "/" && tokens[i]?.[2] === "array") return i++, items;
          items.push(value());
        }
      }
      case "dict": {
        const dict: { [key: string]: PlistValue } = Object.create(null);
        if (empty) return dict;
        for (;;) {
          skipSpace();
          const k = next();
          if (k?.[1] === "/" && k[2] === "dict") return dict;
          if (k?.[2] !== "key") throw new SyntaxError("expected <key> in <dict>");
          dict[textUntil("key")] = value();
        }
      }
      default:
        throw new SyntaxError(`unsupported plist element <${tag}>`);
    }
  };
  return value();
}
