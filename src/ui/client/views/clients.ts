import { fill, formatTime, h, type El } from "../dom.ts";
import type { PresenceEntry } from "../protocol.ts";
import { errorText, mayCall, type AppContext, type View } from "../view.ts";
import { card } from "./overview.ts";

/** Connected clients: `system-presence` once, then every `presence` event replaces the list. */
export class ClientsView implements View {
  readonly el: El;
  #app: AppContext;
  #body = h("div");
  #error = "";

  constructor(app: AppContext) {
    this.#app = app;
    this.el = h("section", {}, card("Connected clients", this.#body));
    this.#render(app.presence());
  }

  async connected(): Promise<void> {
    this.#render(this.#app.presence());
    if (!mayCall(this.#app, "system-presence")) return;
    try {
      this.#render(await this.#app.connection()!.request<PresenceEntry[]>("system-presence", {}));
    } catch (error) {
      this.#error = errorText(error);
      this.#render(this.#app.presence());
    }
  }

  event(name: string): void {
    if (name === "presence") this.#render(this.#app.presence());
  }

  #render(list: PresenceEntry[]): void {
    const rows = list.map((p) =>
      h(
        "tr",
        {},
        h("td", {}, p.host ?? "—"),
        h("td", {}, p.mode ?? "—"),
        h("td", {}, p.clientId ?? (p.reason === "self" ? "gateway" : "—")),
        h("td", {}, p.platform ?? "—"),
        h("td", {}, p.version ?? "—"),
        h("td", {}, p.ip ?? "—"),
        h("td", {}, formatTime(p.onlineSince ?? p.ts)),
      ),
    );
    fill(
      this.#body,
      this.#error ? h("p", { class: "error" }, this.#error) : null,
      h(
        "table",
        { "data-testid": "clients-table" },
        h("thead", {}, h("tr", {}, ...["Name", "Mode", "Client", "Platform", "Version", "IP", "Since"].map((t) => h("th", {}, t)))),
        h("tbody", {}, ...rows),
      ),
    );
  }
}
