// The slice of the browser DOM this page uses, typed here because the project's tsconfig (shared with the
// server) has no DOM lib, and adding it would leak browser globals into server code. Only what is listed
// here is used; everything is created with textContent, never innerHTML, so gateway data cannot inject markup.

export interface Ev {
  readonly type: string;
  readonly target: El | null;
  readonly key?: string;
  readonly button?: number;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly shiftKey?: boolean;
  readonly altKey?: boolean;
  preventDefault(): void;
}

export interface El {
  textContent: string | null;
  className: string;
  hidden: boolean;
  title: string;
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { add(...names: string[]): void; remove(...names: string[]): void; toggle(name: string, force?: boolean): boolean };
  readonly childElementCount: number;
  readonly firstElementChild: El | null;
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  append(...nodes: (El | string)[]): void;
  replaceChildren(...nodes: (El | string)[]): void;
  remove(): void;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  addEventListener(type: string, listener: (event: Ev) => void): void;
  closest(selector: string): El | null;
  focus(): void;
  // Form controls (input, textarea, button): only read on those elements.
  value: string;
  checked: boolean;
  disabled: boolean;
}

interface Doc {
  readonly body: El;
  title: string;
  createElement(tag: string): El;
  querySelector(selector: string): El | null;
  addEventListener(type: string, listener: (event: Ev) => void): void;
}

interface Win {
  readonly document: Doc;
  readonly location: { readonly pathname: string; readonly host: string; readonly protocol: string; readonly hash?: string };
  readonly history: { pushState(state: unknown, unused: string, url: string): void; replaceState?(state: unknown, unused: string, url: string): void };
  readonly localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };
  readonly navigator: { readonly userAgent: string; readonly language: string; readonly platform?: string };
  addEventListener(type: string, listener: (event: Ev) => void): void;
}

export const win = globalThis as unknown as Win;
export const doc = win.document;

type Child = El | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Ev) => void)>;

/** Creates an element: `on*` attributes become listeners, `true` booleans become empty attributes, children become text or nodes. */
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): El {
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = String(value);
    else if (name === "value") el.value = String(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el: El, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "number" ? String(child) : child);
  }
}

/** Replaces an element's content with text (or nodes). */
export function fill(el: El, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A definition list of label → value rows; values may be nodes. */
export function facts(rows: readonly (readonly [string, Child, string?])[]): El {
  return h("dl", { class: "facts" }, ...rows.flatMap(([label, value, testId]) => [h("dt", {}, label), h("dd", testId ? { "data-testid": testId } : {}, value ?? "—")]));
}

export function formatTime(ts: unknown): string {
  if (typeof ts !== "number" || !Number.isFinite(ts)) return "—";
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDuration(ms: unknown): string {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  if (d > 0) return `${d}d ${hh}h ${pad(mm)}m`;
  if (hh > 0) return `${hh}h ${pad(mm)}m ${pad(ss)}s`;
  return mm > 0 ? `${mm}m ${pad(ss)}s` : `${ss}s`;
}

export function formatBytes(n: unknown): string {
  if (typeof n !== "number" || !Number.isFinite(n)) return "—";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
