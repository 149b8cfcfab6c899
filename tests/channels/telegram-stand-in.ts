// A stand-in Telegram Bot API on 127.0.0.1, built from the documented wire format: `POST|GET
// {root}/bot<token>/<method>` with parameters as query string, JSON, urlencoded form or multipart; answers are
// `{ok:true,result}` or `{ok:false,error_code,description,parameters?}` (429 carries `parameters.retry_after`);
// `getUpdates` long-polls with `offset`/`timeout` (an update is confirmed once a later offset is asked for);
// files download from `{root}/file/bot<token>/<file_path>`. Every call is recorded; a test injects updates,
// errors and 429s, and can kill the server and bring it back on the same port.
import type { Server } from "bun";

export interface BotIdentity {
  id: number;
  username: string;
  first_name: string;
}

export interface SeenCall {
  token: string;
  method: string;
  params: Record<string, any>;
  /** Multipart file fields: name → {filename, type, size, bytes}. */
  files: Record<string, { filename: string; type: string; size: number; bytes: Uint8Array }>;
  at: number;
}

export interface InjectedFailure {
  status: number;
  description: string;
  retryAfter?: number;
  /** How many calls it answers (default 1). */
  times?: number;
}

export interface TelegramStandIn {
  readonly url: string;
  readonly port: number;
  readonly calls: SeenCall[];
  /** Queues an update for a bot (update_id assigned here); long polls waiting for it return at once. */
  pushUpdate(token: string, update: Record<string, unknown>): number;
  /** A text message from a user, in a DM (chatId = user id) or in a group (negative chat id). */
  message(token: string, msg: { from: number; text?: string; chatId?: number; chatType?: string; username?: string; photo?: string; document?: { fileId: string; name: string; mime: string }; caption?: string; replyTo?: number }): number;
  /** The webhook a bot registered (setWebhook), if any. */
  webhookOf(token: string): { url: string; secret?: string } | undefined;
  /** Delivers an update the way Telegram does in webhook mode: POST to the URL with the secret header. */
  deliver(token: string, update: Record<string, unknown>, secret?: string): Promise<Response>;
  /** Stores bytes as a downloadable file; returns its file_id. */
  addFile(bytes: Uint8Array, path: string): string;
  /** The next calls of `method` (any bot) fail like this. */
  failNext(method: string, failure: InjectedFailure): void;
  /** Calls recorded for a method (optionally one bot). */
  callsOf(method: string, token?: string): SeenCall[];
  /** Resolves with the first recorded call that satisfies `match`; each call is tested once, in the order recorded. */
  waitFor(match: (call: SeenCall) => boolean, timeoutMs?: number): Promise<SeenCall>;
  /** Kills the listener and every open connection (long polls included). */
  kill(): void;
  /** Listens again on the same port with the same state. */
  revive(): void;
  readonly alive: boolean;
}

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

class ApiError extends Error {
  constructor(readonly status: number, description: string, readonly parameters?: Record<string, unknown>) {
    super(description);
  }
}

async function readParams(request: Request, url: URL): Promise<{ params: Record<string, any>; files: SeenCall["files"] }> {
  const params: Record<string, any> = {};
  const files: SeenCall["files"] = {};
  url.searchParams.forEach((v, k) => (params[k] = v));
  if (request.method !== "POST") return { params, files };
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    Object.assign(params, (await request.json()) as object);
  } else if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    const form = await request.formData();
    for (const [key, value] of form.entries()) {
      if (typeof value === "string") params[key] = value;
      else {
        const bytes = new Uint8Array(await value.arrayBuffer());
        files[key] = { filename: value.name, type: value.type, size: bytes.length, bytes };
        params[key] = `attach:${key}`;
      }
    }
  }
  // Form values of object parameters are JSON-serialized, as the Bot API documents.
  for (const key of ["reply_parameters", "commands", "scope", "allowed_updates", "link_preview_options", "reply_markup"]) {
    if (typeof params[key] === "string") {
      try {
        params[key] = JSON.parse(params[key]);
      } catch {
        throw new ApiError(400, `Bad Request: can't parse ${key} JSON object`);
      }
    }
  }
  return { params, files };
}

export function startTelegramStandIn(bots: Record<string, BotIdentity>, options: { port?: number } = {}): TelegramStandIn {
  const calls: SeenCall[] = [];
  const queues = new Map<string, Array<{ update_id: number } & Record<string, unknown>>>();
  const pollers = new Set<() => void>();
  const waiters = new Set<() => void>();
  const failures = new Map<string, InjectedFailure[]>();
  const storedFiles = new Map<string, { path: string; bytes: Uint8Array }>();
  const webhooks = new Map<string, { url: string; secret?: string }>();
  const messageIds = new Map<number, number>();
  let nextUpdate = 1000;
  let fileSeq = 0;
  let server: Server<undefined> | undefined;
  let port = options.port ?? 0;

  const wake = () => {
    for (const w of [...pollers]) w();
    for (const w of [...waiters]) w();
  };
  const nextMessageId = (chatId: number) => {
    const id = (messageIds.get(chatId) ?? 0) + 1;
    messageIds.set(chatId, id);
    return id;
  };
  const chatOf = (chatId: number) => (chatId < 0 ? { id: chatId, type: "supergroup", title: `group ${chatId}` } : { id: chatId, type: "private", first_name: `user${chatId}` });
  const storeFile = (bytes: Uint8Array, path: string) => {
    const id = `file-${++fileSeq}`;
    storedFiles.set(id, { path, bytes });
    return id;
  };

  function botMessage(bot: BotIdentity, params: Record<string, any>, extra: Record<string, unknown>) {
    const chatId = Number(params.chat_id);
    if (!Number.isFinite(chatId) || params.chat_id === undefined) throw new ApiError(400, "Bad Request: chat not found");
    const message: Record<string, unknown> = { message_id: nextMessageId(chatId), from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username }, chat: chatOf(chatId), date: Math.floor(Date.now() / 1000), ...extra };
    const replyTo = params.reply_parameters?.message_id ?? params.reply_to_message_id;
    if (replyTo !== undefined) message.reply_to_message = { message_id: Number(replyTo), chat: chatOf(chatId), date: 0 };
    if (params.message_thread_id !== undefined) message.message_thread_id = Number(params.message_thread_id);
    return message;
  }

  function media(kind: "photo" | "document", params: Record<string, any>, files: SeenCall["files"]) {
    const ref = params[kind];
    if (ref === undefined || ref === "") throw new ApiError(400, `Bad Request: there is no ${kind} in the request`);
    if (typeof ref === "string" && ref.startsWith("attach:")) {
      const file = files[ref.slice(7)] ?? files[kind];
      if (!file || file.size === 0) throw new ApiError(400, `Bad Request: file must be non-empty`);
      const id = storeFile(file.bytes, `${kind}s/${file.filename}`);
      return kind === "photo" ? [{ file_id: id, file_unique_id: `u${id}`, width: 1, height: 1, file_size: file.size }] : { file_id: id, file_unique_id: `u${id}`, file_name: file.filename, mime_type: file.type, file_size: file.size };
    }
    return kind === "photo" ? [{ file_id: String(ref), file_unique_id: `u${ref}`, width: 1, height: 1 }] : { file_id: String(ref), file_unique_id: `u${ref}` };
  }

  function checkText(text: unknown, max: number, what: string): void {
    if (typeof text !== "string" || text.trim() === "") throw new ApiError(400, `Bad Request: ${what} is empty`);
    if (text.length > max) throw new ApiError(400, `Bad Request: ${what} is too long`);
  }

  async function call(bot: BotIdentity, token: string, method: string, params: Record<string, any>, files: SeenCall["files"], signal: AbortSignal): Promise<unknown> {
    switch (method) {
      case "getMe":
        return { ...bot, is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case "getUpdates": {
        if (webhooks.has(token)) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
        const queue = queues.get(token) ?? [];
        const offset = params.offset === undefined ? undefined : Number(params.offset);
        if (offset !== undefined) queues.set(token, queue.filter((u) => u.update_id >= offset));
        const timeout = Math.min(Number(params.timeout ?? 0), 50);
        const limit = Math.max(1, Math.min(100, Number(params.limit ?? 100)));
        const ready = () => (queues.get(token) ?? []).slice(0, limit);
        if (ready().length || timeout <= 0) return ready();
        await new Promise<void>((resolve) => {
          const done = () => {
            pollers.delete(check);
            clearTimeout(timer);
            resolve();
          };
          const check = () => {
            if (ready().length || signal.aborted) done();
          };
          const timer = setTimeout(done, timeout * 1000);
          pollers.add(check);
          signal.addEventListener("abort", done, { once: true });
        });
        return ready();
      }
      case "setWebhook": {
        if (typeof params.url !== "string" || !/^https?:\/\//.test(params.url)) throw new ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
        webhooks.set(token, { url: params.url, secret: params.secret_token });
        return true;
      }
      case "getWebhookInfo": {
        const hook = webhooks.get(token);
        return { url: hook?.url ?? "", has_custom_certificate: false, pending_update_count: (queues.get(token) ?? []).length };
      }
      case "deleteWebhook":
        webhooks.delete(token);
        if (params.drop_pending_updates === true || params.drop_pending_updates === "true") queues.set(token, []);
        return true;
      case "setMyCommands":
      case "deleteMyCommands":
      case "setMessageReaction":
        if (method === "setMyCommands" && !Array.isArray(params.commands)) throw new ApiError(400, "Bad Request: commands must be an array");
        return true;
      case "getMyCommands":
        return [...calls].reverse().find((c) => c.token === token && c.method === "setMyCommands")?.params.commands ?? [];
      case "sendChatAction":
        if (!params.action) throw new ApiError(400, "Bad Request: action is empty");
        return true;
      case "sendMessage":
        checkText(params.text, MAX_TEXT, "message text");
        return botMessage(bot, params, { text: params.text });
      case "editMessageText": {
        checkText(params.text, MAX_TEXT, "message text");
        const chatId = Number(params.chat_id);
        return { message_id: Number(params.message_id), chat: chatOf(chatId), date: 0, edit_date: Math.floor(Date.now() / 1000), text: params.text };
      }
      case "deleteMessage":
        return true;
      case "sendPhoto":
      case "sendDocument": {
        if (params.caption !== undefined) checkText(params.caption, MAX_CAPTION, "message caption");
        const kind = method === "sendPhoto" ? "photo" : "document";
        return botMessage(bot, params, { [kind]: media(kind, params, files), ...(params.caption ? { caption: params.caption } : {}) });
      }
      case "getFile": {
        const file = storedFiles.get(String(params.file_id ?? ""));
        if (!file) throw new ApiError(400, "Bad Request: invalid file_id");
        return { file_id: params.file_id, file_unique_id: `u${params.file_id}`, file_size: file.bytes.length, file_path: file.path };
      }
      default:
        throw new ApiError(404, "Not Found");
    }
  }

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch) {
      if (!bots[decodeURIComponent(fileMatch[1]!)]) return new Response("Unauthorized", { status: 401 });
      const file = [...storedFiles.values()].find((f) => f.path === decodeURIComponent(fileMatch[2]!));
      return file ? new Response(file.bytes) : new Response("Not Found", { status: 404 });
    }
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return Response.json({ ok: false, error_code: 404, description: "Not Found" }, { status: 404 });
    const token = decodeURIComponent(match[1]!);
    const method = match[2]!;
    try {
      const { params, files } = await readParams(request, url);
      calls.push({ token, method, params, files, at: Date.now() });
      wake();
      const bot = bots[token];
      if (!bot) throw new ApiError(401, "Unauthorized");
      const injected = failures.get(method)?.[0];
      if (injected) {
        injected.times = (injected.times ?? 1) - 1;
        if (injected.times <= 0) failures.get(method)!.shift();
        const parameters = injected.retryAfter !== undefined ? { retry_after: injected.retryAfter } : undefined;
        throw new ApiError(injected.status, injected.description, parameters);
      }
      const result = await call(bot, token, method, params, files, request.signal);
      return Response.json({ ok: true, result });
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(500, `Internal Server Error: ${(error as Error).message}`);
      return Response.json({ ok: false, error_code: e.status, description: e.message, ...(e.parameters ? { parameters: e.parameters } : {}) }, { status: e.status });
    }
  };

  const listen = () => {
    server = Bun.serve({ hostname: "127.0.0.1", port, idleTimeout: 0, fetch: handler });
    port = server.port!;
  };
  listen();

  const standIn: TelegramStandIn = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get alive() {
      return server !== undefined;
    },
    calls,
    pushUpdate(token, update) {
      const id = ++nextUpdate;
      const queue = queues.get(token) ?? [];
      queue.push({ update_id: id, ...update });
      queues.set(token, queue);
      wake();
      return id;
    },
    message(token, m) {
      const chatId = m.chatId ?? m.from;
      const message: Record<string, unknown> = {
        message_id: nextMessageId(chatId),
        from: { id: m.from, is_bot: false, first_name: `User ${m.from}`, ...(m.username ? { username: m.username } : {}) },
        chat: m.chatType ? { ...chatOf(chatId), type: m.chatType } : chatOf(chatId),
        date: Math.floor(Date.now() / 1000),
      };
      if (m.text !== undefined) {
        message.text = m.text;
        const entities = [...m.text.matchAll(/@\w+|^\/\w+/g)].map((hit) => ({ type: hit[0].startsWith("/") ? "bot_command" : "mention", offset: hit.index!, length: hit[0].length }));
        if (entities.length) message.entities = entities;
      }
      if (m.photo) message.photo = [{ file_id: m.photo, file_unique_id: `u${m.photo}`, width: 1, height: 1 }];
      if (m.document) message.document = { file_id: m.document.fileId, file_unique_id: `u${m.document.fileId}`, file_name: m.document.name, mime_type: m.document.mime };
      if (m.caption) message.caption = m.caption;
      if (m.replyTo) message.reply_to_message = { message_id: m.replyTo, chat: chatOf(chatId), date: 0 };
      this.pushUpdate(token, { message });
      return message.message_id as number;
    },
    addFile: storeFile,
    webhookOf: (token) => webhooks.get(token),
    deliver(token, update, secret) {
      const hook = webhooks.get(token);
      if (!hook) throw new Error("no webhook set");
      const headers: Record<string, string> = { "content-type": "application/json" };
      const value = secret ?? hook.secret;
      if (value !== undefined) headers["x-telegram-bot-api-secret-token"] = value;
      return fetch(hook.url, { method: "POST", headers, body: JSON.stringify({ update_id: ++nextUpdate, ...update }) });
    },
    failNext(method, failure) {
      const list = failures.get(method) ?? [];
      list.push({ ...failure });
      failures.set(method, list);
    },
    callsOf(method, token) {
      return calls.filter((c) => c.method === method && (token === undefined || c.token === token));
    },
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        // The log only grows: each wake looks at the calls since the last look, not the whole log again (a
        // burst test would otherwise run its predicate calls² times).
        let seen = 0;
        const check = () => {
          let hit: SeenCall | undefined;
          for (; seen < calls.length && !hit; seen++) if (match(calls[seen]!)) hit = calls[seen];
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`telegram stand-in: no matching call within ${timeoutMs}ms (seen: ${calls.map((c) => c.method).join(",")})`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    kill() {
      server?.stop(true);
      server = undefined;
      for (const w of [...pollers]) w();
    },
    revive() {
      if (!server) listen();
    },
  };
  return standIn;
}
