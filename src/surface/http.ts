// HTTP pieces every route on the gateway port shares: the common headers, small response builders, and a body
// reader that counts bytes while streaming (a chunked body never reaches memory whole past its cap).
import { exceedsJsonDepth } from "../protocol/json-depth.ts";

/** One HTTP surface mounted on the gateway port; returns undefined when the path is not its own. */
export type HttpRoute = (request: Request, url: URL, remoteAddress: string) => Response | Promise<Response> | undefined;

/** Headers on every response (spec §6); the Control UI adds its own CSP and frame rules. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": "camera=(), microphone=(self), geolocation=()",
});

const JSON_TYPE = "application/json; charset=utf-8";

/** A JSON response with the common headers. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...SECURITY_HEADERS, "Content-Type": JSON_TYPE, ...headers },
  });
}

/** A plain-text response with the common headers (404 `Not Found`, 405 `Method Not Allowed`). */
export function textResponse(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...headers },
  });
}

/** 405 with the `Allow` header the spec shows. */
export function methodNotAllowed(allow: string): Response {
  return textResponse("Method Not Allowed", 405, { Allow: allow });
}

/** 404 `Not Found`, the answer for every path nobody serves. */
export function notFound(): Response {
  return textResponse("Not Found", 404);
}

/** A body read: its text, or why it was refused (413 past the cap, 408 too slow, 400 broken stream). */
export type BodyText = { ok: true; text: string } | { ok: false; status: 400 | 408 | 413; error: string };

/**
 * Reads a request body up to `maxBytes`, counting while it streams: a declared or chunked body past the cap is
 * cancelled at the first byte over it (not after reading it all). `timeoutMs` bounds a body that trickles.
 */
export async function readBodyText(request: Request, maxBytes: number, timeoutMs = 30_000): Promise<BodyText> {
  const tooLarge: BodyText = { ok: false, status: 413, error: "payload too large" };
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge;
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === "timeout") {
        void reader.cancel().catch(() => {});
        return { ok: false, status: 408, error: "request body timeout" };
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => {});
        return tooLarge;
      }
      chunks.push(next.value);
    }
  } catch (error) {
    return { ok: false, status: 400, error: (error as Error)?.message ?? "request body read failed" };
  } finally {
    clearTimeout(timer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}

/** A parsed JSON body, or a 400 with the parser's message (V8 wording where known). */
export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

/** Parses JSON text after the nesting guard; the message matches what Node's `JSON.parse` clients expect. */
export function parseJsonText(text: string): JsonParse {
  if (exceedsJsonDepth(text)) return { ok: false, error: "JSON nested too deeply" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const raw = (error as Error).message;
    const eof = /unexpected eof|end of (json )?input/i.test(raw) || text.trim() === "";
    return { ok: false, error: eof ? "Unexpected end of JSON input" : raw.replace(/^JSON Parse error: /, "") };
  }
}
