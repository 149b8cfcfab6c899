// A minimal Telegram Bot API client over `fetch`: `{apiRoot}/bot<token>/<method>` with JSON or multipart
// bodies, `{ok,result}` envelopes unwrapped, 429 answered by waiting `parameters.retry_after` (through the
// injected sleep) and retrying. No library: the dozen methods used here cost ~200 lines, while a Bot API
// framework adds hundreds of KB to the binary for types and middleware this gateway does not use.

/** A Bot API failure; the message never contains the token (URLs are never part of it). */
export class TelegramApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(`telegram ${method} failed: ${code} ${description}`);
  }
}

export interface ApiOptions {
  token: string;
  apiRoot: string;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Retries after a 429 before giving up (default 3). */
  maxRetries?: number;
  /** An http(s):// proxy URL for every call and download (resolved by proxy.ts). */
  proxy?: string;
  onRetry?(method: string, seconds: number): void;
}

/** A file part of a multipart call. */
export interface UploadFile {
  bytes: Uint8Array;
  filename: string;
  mime?: string;
}

const MAX_RETRY_AFTER_S = 300;

export class BotApi {
  readonly #o: ApiOptions;
  readonly #root: string;

  constructor(options: ApiOptions) {
    this.#o = options;
    this.#root = options.apiRoot.replace(/\/+$/, "").replace(/\/bot[^/]*$/, "");
  }

  /** Calls a method; `files` switch the body to multipart. Retries 429s after `retry_after`. */
  async call<T = any>(method: string, params: Record<string, unknown> = {}, options: { signal?: AbortSignal; files?: Record<string, UploadFile>; timeoutMs?: number; maxRetries?: number } = {}): Promise<T> {
    const max = options.maxRetries ?? this.#o.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once<T>(method, params, options);
      } catch (error) {
        if (!(error instanceof TelegramApiError) || error.code !== 429 || attempt >= max || options.signal?.aborted) throw error;
        const seconds = Math.min(Math.max(error.retryAfter ?? 1, 0), MAX_RETRY_AFTER_S);
        this.#o.onRetry?.(method, seconds);
        await this.#o.sleep(seconds * 1000, options.signal);
      }
    }
  }

  async #once<T>(method: string, params: Record<string, unknown>, options: { signal?: AbortSignal; files?: Record<string, UploadFile>; timeoutMs?: number }): Promise<T> {
    const signals = [options.signal, AbortSignal.timeout(options.timeoutMs ?? 30_000)].filter((s): s is AbortSignal => s !== undefined);
    let body: FormData | string;
    const headers: Record<string, string> = {};
    if (options.files && Object.keys(options.files).length) {
      const form = new FormData();
      for (const [key, value] of Object.entries(params)) {
        if (value === undefined) continue;
        form.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
      }
      for (const [key, file] of Object.entries(options.files)) form.set(key, new Blob([file.bytes], { type: file.mime ?? "application/octet-stream" }), file.filename);
      body = form;
    } else {
      headers["content-type"] = "application/json";
      body = JSON.stringify(params);
    }
    let response: Response;
    try {
      response = await fetch(`${this.#root}/bot${this.#o.token}/${method}`, { method: "POST", headers, body, signal: AbortSignal.any(signals), ...this.#proxy() } as RequestInit);
    } catch (error) {
      // fetch errors may quote the URL, which holds the token: report the kind only.
      const name = (error as Error)?.name;
      throw new TelegramApiError(method, 0, name === "TimeoutError" || name === "AbortError" ? "request aborted or timed out" : "network error (Bot API unreachable)");
    }
    let envelope: any;
    try {
      envelope = await response.json();
    } catch {
      throw new TelegramApiError(method, response.status, `non-JSON answer (HTTP ${response.status})`);
    }
    if (envelope?.ok === true) return envelope.result as T;
    throw new TelegramApiError(method, Number(envelope?.error_code ?? response.status), String(envelope?.description ?? "unknown error"), envelope?.parameters?.retry_after);
  }

  /** Bun's per-request proxy option (an HTTP proxy: absolute-form for http, CONNECT for https). */
  #proxy(): { proxy?: string } {
    return this.#o.proxy ? { proxy: this.#o.proxy } : {};
  }

  /** Downloads a file by id (getFile, then the file URL), refusing anything over `maxBytes`. */
  async download(fileId: string, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; path: string }> {
    const file = await this.call<{ file_path?: string; file_size?: number }>("getFile", { file_id: fileId }, { signal });
    if (!file.file_path) throw new TelegramApiError("getFile", 400, "file has no file_path");
    if (file.file_size && file.file_size > maxBytes) throw new TelegramApiError("getFile", 413, `file is larger than ${maxBytes} bytes`);
    let response: Response;
    try {
      response = await fetch(`${this.#root}/file/bot${this.#o.token}/${file.file_path}`, { signal: AbortSignal.any([signal, AbortSignal.timeout(60_000)].filter((s): s is AbortSignal => !!s)), ...this.#proxy() } as RequestInit);
    } catch {
      throw new TelegramApiError("file", 0, "network error (file download)");
    }
    if (!response.ok) throw new TelegramApiError("file", response.status, "file download failed");
    // Read under the cap as it streams: getFile may omit file_size, and the body is never held whole first.
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const piece of response.body ?? []) {
        size += piece.byteLength;
        if (size > maxBytes) break;
        chunks.push(piece);
      }
    } catch {
      throw new TelegramApiError("file", 0, "network error (file download)");
    }
    // Leaving the loop early cancelled the stream.
    if (size > maxBytes) throw new TelegramApiError("file", 413, `file is larger than ${maxBytes} bytes`);
    return { bytes: new Uint8Array(Buffer.concat(chunks)), path: file.file_path };
  }
}
