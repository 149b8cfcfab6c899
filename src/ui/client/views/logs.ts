import { fill, h, type El } from "../dom.ts";
import { errorText, mayCall, type AppContext, type View } from "../view.ts";

interface TailResult {
  cursor: number;
  lines: string[];
  truncated?: boolean;
  reset?: boolean;
  file?: string;
}

const POLL_MS = 1000;
const MAX_LINES = 2000;
// Record fields shown in their own columns, or internal (tslog's `_meta`, the host on every line).
const SHOWN = new Set(["time", "level", "subsystem", "message", "hostname", "_meta"]);

/** Live tail: `logs.tail` with the returned cursor, once a second while this view is open. */
export class LogsView implements View {
  readonly el: El;
  #app: AppContext;
  #list = h("div", { class: "log", "data-testid": "log-lines", role: "log" });
  #file = h("span", { class: "muted" });
  #status = h("span", { class: "muted", "data-testid": "log-status" });
  #follow: El;
  #cursor: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  #disposed = false;

  constructor(app: AppContext) {
    this.#app = app;
    this.#follow = h("input", { type: "checkbox", checked: true });
    this.#follow.checked = true;
    this.el = h(
      "section",
      { class: "card logs" },
      h(
        "div",
        { class: "toolbar" },
        h("h2", {}, "Logs"),
        this.#file,
        h("label", { class: "inline" }, this.#follow, " Follow"),
        h("button", { type: "button", onclick: () => fill(this.#list) }, "Clear"),
        this.#status,
      ),
      this.#list,
    );
  }

  connected(): void {
    this.#schedule(0);
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (!this.#disposed) this.#timer = setTimeout(() => void this.#poll(), ms);
  }

  async #poll(): Promise<void> {
    const conn = this.#app.connection();
    if (this.#polling || this.#disposed || !conn) return;
    if (!mayCall(this.#app, "logs.tail")) {
      fill(this.#status, "logs.tail needs the operator.read scope");
      return;
    }
    this.#polling = true;
    try {
      const params: Record<string, unknown> = { limit: 500, maxBytes: 250_000 };
      if (this.#cursor !== undefined) params.cursor = this.#cursor;
      const tail = await conn.request<TailResult>("logs.tail", params);
      if (tail.reset) this.#append([h("div", { class: "log-line marker" }, "— log file rotated or truncated —")]);
      this.#cursor = tail.cursor;
      if (tail.file) fill(this.#file, tail.file);
      this.#append(tail.lines.map(renderLine));
      fill(this.#status, "");
    } catch (error) {
      fill(this.#status, errorText(error));
    } finally {
      this.#polling = false;
    }
    // A closed connection stops the loop; connected() starts it again after the reconnect.
    if (this.#app.connection() === conn) this.#schedule(POLL_MS);
  }

  #append(lines: El[]): void {
    if (lines.length === 0) return;
    const list = this.#list;
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.append(...lines);
    while (list.childElementCount > MAX_LINES) list.firstElementChild?.remove();
    if (this.#follow.checked && atBottom) list.scrollTop = list.scrollHeight;
  }
}

function renderLine(raw: string): El {
  let record: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) record = parsed as Record<string, unknown>;
  } catch {
    // not JSON: shown verbatim
  }
  if (!record) return h("div", { class: "log-line" }, raw);
  const level = String(record.level ?? (record._meta as { logLevelName?: string } | undefined)?.logLevelName ?? "").toLowerCase();
  const time = typeof record.time === "string" ? record.time.replace(/^\d{4}-\d\d-\d\dT/, "").replace(/(\.\d{3})?([+-]\d\d:\d\d|Z)$/, "") : "";
  const extra = Object.entries(record)
    .filter(([key]) => !SHOWN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return h(
    "div",
    { class: `log-line lvl-${level.replace(/[^a-z]/g, "")}` },
    h("span", { class: "t" }, time),
    h("span", { class: "l" }, level),
    record.subsystem ? h("span", { class: "s" }, String(record.subsystem)) : null,
    h("span", { class: "m" }, String(record.message ?? "")),
    extra ? h("span", { class: "x" }, extra) : null,
  );
}
