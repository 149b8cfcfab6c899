// One provider HTTP call: auth headers per API, a timeout for the answer and for each gap in the stream,
// cancellation from the caller, and retries with back-off on 429/5xx/network errors honouring Retry-After.
import type { ModelTarget } from "../config.ts";
import { readSse, type SseEvent } from "./sse.ts";
import { ProviderError, type CallOptions } from "./types.ts";

const DEFAULT_TIMEOUT_SECONDS = 120;
const DEFAULT_MAX_RETRIES = 2;
const MAX_RETRY_WAIT_MS = 60_000;
const RETRY_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);

/** An open provider response plus the idle-timer handle its body reader must touch per chunk. */
export interface OpenCall {
  response: Response;
  /** Iterates SSE events; throws ProviderError on idle timeout or cancellation. */
  events(): AsyncGenerator<SseEvent>;
  /** Parses a JSON body (non-streaming calls). */
  json(): Promise<unknown>;
}

export function providerUrl(target: ModelTarget, path: string): string {
  const base = target.provider.baseUrl.replace(/\/+$/, "");
  if (target.provider.api === "anthropic-messages" && !/\/v1$/.test(base)) return `${base}/v1${path}`;
  return `${base}${path}`;
}

/** The provider key: plaintext as configured, or the SecretRef's value from the gateway's runtime snapshot. */
function apiKeyFor(target: ModelTarget, options: CallOptions): string | undefined {
  const configured = target.provider.apiKey;
  if (configured === undefined || typeof configured === "string") return configured;
  const path = `models.providers.${target.providerId}.apiKey`;
  const value = options.secret?.(path);
  if (value === undefined) throw new ProviderError(`${target.ref}: ${path} is a SecretRef with no resolved value (run openclaw secrets reload)`, "config", { provider: target.providerId, model: target.modelId });
  return value;
}

function headersFor(target: ModelTarget, key: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.provider.api === "anthropic-messages") {
    headers["anthropic-version"] = "2023-06-01";
    if (key) headers["x-api-key"] = key;
  } else if (key) {
    headers.authorization = `Bearer ${key}`;
  }
  return { ...headers, ...target.provider.headers };
}

/** POSTs JSON to the provider with retries; resolves once a 2xx answer's headers have arrived. */
export async function callProvider(target: ModelTarget, path: string, body: unknown, options: CallOptions): Promise<OpenCall> {
  const timeoutMs = (target.provider.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const maxRetries = target.provider.maxRetries ?? DEFAULT_MAX_RETRIES;
  const url = providerUrl(target, path);
  const key = apiKeyFor(target, options);
  const meta = { provider: target.providerId, model: target.modelId };
  for (let attempt = 0; ; attempt++) {
    if (options.signal.aborted) throw new ProviderError("request aborted", "aborted", meta);
    const ctl = new AbortController();
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        ctl.abort();
      }, timeoutMs);
    };
    const onAbort = () => ctl.abort();
    options.signal.addEventListener("abort", onAbort, { once: true });
    const release = () => {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
    };
    const failure = (error: unknown): ProviderError => {
      if (error instanceof ProviderError) return error;
      if (options.signal.aborted) return new ProviderError("request aborted", "aborted", meta);
      // A timeout is not retried (it would multiply the wait); the chain's next model gets its turn instead.
      if (timedOut) return new ProviderError(`${target.ref}: no answer within ${timeoutMs / 1000}s (models.providers.${target.providerId}.timeoutSeconds)`, "timeout", meta);
      return new ProviderError(`${target.ref}: ${(error as Error)?.message ?? String(error)}`, "network", { ...meta, retryable: true });
    };
    arm();
    let response: Response;
    try {
      options.raw?.({ runId: options.runId, provider: target.providerId, model: target.modelId, phase: "request", url, attempt });
      response = await fetch(url, { method: "POST", headers: headersFor(target, key), body: JSON.stringify(body), signal: ctl.signal });
    } catch (error) {
      release();
      const err = failure(error);
      if (err.retryable && attempt < maxRetries) {
        await backoff(attempt, undefined, options.signal);
        continue;
      }
      throw err;
    }
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      release();
      const retryAfterMs = parseRetryAfter(response.headers);
      const retryable = RETRY_STATUSES.has(response.status);
      options.raw?.({ runId: options.runId, provider: target.providerId, model: target.modelId, phase: "error", status: response.status, body: text.slice(0, 2000) });
      if (retryable && attempt < maxRetries) {
        await backoff(attempt, retryAfterMs, options.signal);
        continue;
      }
      throw new ProviderError(`${target.ref}: HTTP ${response.status}: ${errorText(text)}`, "http", { ...meta, status: response.status, retryable, retryAfterMs });
    }
    return {
      response,
      async *events() {
        try {
          for await (const event of readSse(response.body!, arm)) {
            options.raw?.({ runId: options.runId, provider: target.providerId, model: target.modelId, event: event.event, data: event.data });
            yield event;
          }
        } catch (error) {
          throw failure(error);
        } finally {
          release();
        }
      },
      async json() {
        try {
          return await response.json();
        } catch (error) {
          throw failure(error);
        } finally {
          release();
        }
      },
    };
  }
}

/** `Retry-After` (seconds or HTTP date) or `retry-after-ms`, capped. */
export function parseRetryAfter(headers: Headers): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.min(Number(ms), MAX_RETRY_WAIT_MS);
  const value = headers.get("retry-after");
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.min(Number(value) * 1000, MAX_RETRY_WAIT_MS);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - Date.now()), MAX_RETRY_WAIT_MS);
}

async function backoff(attempt: number, retryAfterMs: number | undefined, signal: AbortSignal): Promise<void> {
  const wait = retryAfterMs ?? Math.min(500 * 2 ** attempt, 8000) * (0.8 + Math.random() * 0.4);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, wait);
    function done() {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new ProviderError("request aborted", "aborted"));
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The `error.message` of an OpenAI/Anthropic error body, else the text itself (bounded). */
function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    const message = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (message) return message.slice(0, 500);
  } catch {
    // not JSON
  }
  return text.slice(0, 500) || "(empty body)";
}

/** Parses one SSE data payload as JSON, or fails as a protocol error naming the provider. */
export function parseData(target: ModelTarget, data: string): Record<string, any> {
  try {
    return JSON.parse(data) as Record<string, any>;
  } catch {
    throw new ProviderError(`${target.ref}: malformed stream data`, "protocol", { provider: target.providerId, model: target.modelId });
  }
}
