/**
 * Deeply nested JSON (`[[[[…`) costs the parser ~10× other input of the same size and is accepted before
 * auth, so frames and bodies nested deeper than this are refused before parsing. Real frames nest < 12.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when `text` opens more than `max` arrays/objects at once (strings skipped); one linear pass, no parse. */
export function exceedsJsonDepth(text: string, max = MAX_JSON_DEPTH): boolean {
  // Runs on every frame: a text with at most `max` brackets in all cannot nest deeper, and counting them with the
  // native indexOf costs a fraction of the char-by-char walk below (which was ~3x JSON.parse on a typical frame).
  if (openingsAtMost(text, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** True when `text` holds at most `max` `{` and `[` together, strings included (an upper bound of the depth). */
function openingsAtMost(text: string, max: number): boolean {
  let count = 0;
  for (const bracket of ["{", "["]) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) if (++count > max) return false;
  }
  return true;
}
