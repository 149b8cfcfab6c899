// ANSI colour for human output, only when the router decided colour is on (TTY, no --no-color/NO_COLOR).
const CODES = { heading: "1;36", success: "32", error: "31", warn: "33", muted: "2", info: "36", command: "1" } as const;

export type Tone = keyof typeof CODES;
export type Paint = (tone: Tone, text: string) => string;

/** A painter that colours when `color` is true and returns text unchanged otherwise. */
export function painter(color: boolean): Paint {
  return color ? (tone, text) => `\x1b[${CODES[tone]}m${text}\x1b[0m` : (_tone, text) => text;
}
