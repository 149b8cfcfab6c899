import { fill, formatTime, h, type El } from "../dom.ts";
import { errorText, mayCall, type AppContext, type View } from "../view.ts";
import { card } from "./overview.ts";

interface SessionRow {
  key?: string;
  sessionKey?: string;
  label?: string;
  displayName?: string;
  updatedAt?: number;
  model?: string;
}

/** Placeholder until agents land: lists sessions only when the gateway advertises `sessions.list`. */
export class SessionsView implements View {
  readonly el: El;
  #app: AppContext;
  #body = h("div");

  constructor(app: AppContext) {
    this.#app = app;
    this.el = h(
      "section",
      {},
      card("Sessions", h("p", { class: "muted", "data-testid": "sessions-placeholder" }, "Sessions and chat arrive with agents."), this.#body),
    );
  }

  async connected(): Promise<void> {
    if (!this.#app.connection()?.can("sessions.list")) {
      fill(this.#body, h("p", { class: "muted" }, "This gateway does not offer sessions.list yet."));
      return;
    }
    if (!mayCall(this.#app, "sessions.list")) return fill(this.#body, h("p", { class: "error" }, "sessions.list needs the operator.read scope"));
    try {
      const result = await this.#app.connection()!.request<{ sessions?: SessionRow[] }>("sessions.list", {});
      const sessions = Array.isArray(result?.sessions) ? result.sessions : [];
      fill(
        this.#body,
        sessions.length === 0
          ? h("p", { class: "muted" }, "No sessions yet.")
          : h(
              "table",
              { "data-testid": "sessions-table" },
              h("thead", {}, h("tr", {}, h("th", {}, "Session"), h("th", {}, "Name"), h("th", {}, "Model"), h("th", {}, "Updated"))),
              h(
                "tbody",
                {},
                ...sessions.map((s) =>
                  h("tr", {}, h("td", {}, s.key ?? s.sessionKey ?? "—"), h("td", {}, s.displayName ?? s.label ?? "—"), h("td", {}, s.model ?? "—"), h("td", {}, formatTime(s.updatedAt))),
                ),
              ),
            ),
      );
    } catch (error) {
      fill(this.#body, h("p", { class: "error" }, errorText(error)));
    }
  }
}
