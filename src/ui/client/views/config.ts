import { facts, fill, h, type El } from "../dom.ts";
import { RpcError } from "../protocol.ts";
import { errorText, mayCall, type AppContext, type View } from "../view.ts";
import { card } from "./overview.ts";

interface ConfigGet {
  path?: string;
  exists?: boolean;
  valid?: boolean;
  hash?: string;
  parsed?: Record<string, unknown>;
  issues?: { path: string; message: string }[];
}

interface PatchResult {
  changed?: boolean;
  changedPaths?: string[];
  restartRequired?: boolean;
}

const REDACTED = "__OPENCLAW_REDACTED__";
const KEY_PATH = /^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/;

/**
 * The config file as the gateway reads it (secrets redacted: the live connection is read-only), and a
 * one-value editor: path + JSON value → `config.patch` with the `baseHash` of the view, on a short-lived
 * admin connection. Validation errors from the gateway appear under the editor, per issue path.
 */
export class ConfigView implements View {
  readonly el: El;
  #app: AppContext;
  #summary = h("div");
  #json = h("pre", { class: "json", "data-testid": "config-json" }, "Loading…");
  #paths = h("datalist", { id: "config-paths" });
  #path: El;
  #value: El;
  #save: El;
  #message = h("div", { "data-testid": "config-message", role: "status" });
  #current: ConfigGet | undefined;
  #leaves = new Map<string, unknown>();

  constructor(app: AppContext) {
    this.#app = app;
    this.#path = h("input", { name: "path", list: "config-paths", placeholder: "gateway.reload.debounceMs", autocomplete: "off", spellcheck: "false", required: true, oninput: () => this.#suggest() });
    this.#value = h("input", { name: "value", placeholder: 'JSON: 300, true, "text", [1,2]; null removes', autocomplete: "off", spellcheck: "false" });
    this.#save = h("button", { type: "submit" }, "Save");
    const form = h(
      "form",
      { class: "editor", "data-testid": "config-form", onsubmit: (event) => { event.preventDefault(); void this.#submit(); } },
      h("label", {}, "Path", this.#path),
      h("label", {}, "Value", this.#value),
      this.#save,
    );
    this.el = h(
      "section",
      { class: "stack" },
      card("Edit a value", h("p", { class: "muted" }, "Saved with config.patch against the version shown below; a value that is not JSON is saved as text."), form, this.#message, this.#paths),
      card("Config file", this.#summary, h("button", { type: "button", onclick: () => void this.#load() }, "Reload"), this.#json),
    );
  }

  connected(): void {
    void this.#load();
  }

  async #load(): Promise<void> {
    if (!mayCall(this.#app, "config.get")) {
      fill(this.#json, "config.get needs the operator.read scope, which this connection was not granted.");
      return;
    }
    try {
      const config = await this.#app.connection()!.request<ConfigGet>("config.get", {});
      this.#current = config;
      this.#leaves = flatten(config.parsed ?? {});
      fill(this.#paths, ...[...this.#leaves.keys()].map((p) => h("option", { value: p })));
      fill(
        this.#summary,
        facts([
          ["File", config.path],
          ["Exists", config.exists ? "yes" : "no"],
          ["Valid", config.valid === false ? `no: ${(config.issues ?? []).map((i) => `${i.path}: ${i.message}`).join("; ")}` : "yes"],
          ["Version", config.hash ? config.hash.slice(0, 12) : "—", "config-hash"],
        ]),
      );
      fill(this.#json, JSON.stringify(config.parsed ?? {}, null, 2));
    } catch (error) {
      fill(this.#json, `Could not read the config: ${errorText(error)}`);
    }
  }

  #suggest(): void {
    const current = this.#leaves.get(this.#path.value.trim());
    this.#value.setAttribute("placeholder", current === undefined ? 'JSON: 300, true, "text", [1,2]; null removes' : `now: ${JSON.stringify(current)}`);
  }

  async #submit(): Promise<void> {
    const path = this.#path.value.trim();
    const text = this.#value.value.trim();
    if (!KEY_PATH.test(path)) return this.#error("The path is dot-separated keys, such as gateway.reload.debounceMs.");
    if (text === "") return this.#error("Enter a value (null removes the key).");
    const value = parseValue(text);
    if (value === REDACTED) return this.#error("That is the redaction marker, not a value: type the new secret instead.");
    const patch = nest(path.split("."), value);
    this.#save.disabled = true;
    fill(this.#message, h("p", { class: "muted" }, "Saving…"));
    try {
      const params: Record<string, unknown> = { raw: JSON.stringify(patch) };
      if (this.#current?.exists && this.#current.hash) params.baseHash = this.#current.hash;
      const result = await this.#app.admin<PatchResult>("config.patch", params);
      const note = result.restartRequired ? " A restart is needed to apply it." : "";
      fill(
        this.#message,
        h("p", { class: "saved", "data-testid": "config-saved" }, result.changed === false ? `${path} already had that value.` : `Saved ${path}.${note}`),
      );
      await this.#load();
    } catch (error) {
      this.#failure(error);
    } finally {
      this.#save.disabled = false;
    }
  }

  #failure(error: unknown): void {
    if (error instanceof RpcError && error.details?.code === "CONFIG_BASE_HASH_MISMATCH") {
      this.#error("The config changed since this page read it. It has been reloaded: check the value and save again.");
      void this.#load();
      return;
    }
    const issues = error instanceof RpcError && Array.isArray(error.details?.issues) ? (error.details.issues as { path?: string; message?: string }[]) : [];
    if (issues.length === 0) return this.#error(errorText(error));
    this.#error("Not saved: the config would be invalid.", issues.map((i) => `${i.path || "(root)"}: ${i.message ?? ""}`));
  }

  #error(message: string, lines: string[] = []): void {
    fill(
      this.#message,
      h("div", { class: "error", role: "alert", "data-testid": "config-error" }, h("p", {}, message), lines.length > 0 ? h("ul", {}, ...lines.map((l) => h("li", {}, l))) : null),
    );
    this.#path.focus();
  }
}

/** JSON when it parses (numbers, booleans, null, quoted strings, arrays, objects), otherwise the text itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function nest(segments: string[], value: unknown): Record<string, unknown> {
  let out: unknown = value;
  for (let i = segments.length - 1; i >= 0; i--) out = { [segments[i]!]: out };
  return out as Record<string, unknown>;
}

/** Leaf paths of the config (arrays count as leaves: a patch replaces them whole). */
function flatten(value: Record<string, unknown>, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child !== null && typeof child === "object" && !Array.isArray(child)) flatten(child as Record<string, unknown>, path, out);
    else out.set(path, child);
  }
  return out;
}
