// Shared pieces of the hook tests: POST helpers and the hook part of a gateway config.

export const HOOK_TOKEN = `hook-secret-${crypto.randomUUID()}`;

export async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const bearer = (token: string = HOOK_TOKEN) => ({ authorization: `Bearer ${token}` });

/** Reads a response fully: status, body text, and the headers the tests look at. */
export async function read(response: Response): Promise<{ status: number; text: string; json: any; type: string | null; allow: string | null; retryAfter: string | null }> {
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, type: response.headers.get("content-type"), allow: response.headers.get("allow"), retryAfter: response.headers.get("retry-after") };
}
