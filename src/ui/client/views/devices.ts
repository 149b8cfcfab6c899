import { fill, formatTime, h, type El } from "../dom.ts";
import { adminAction, errorText, type AppContext, type View } from "../view.ts";
import { card } from "./overview.ts";

interface Pending {
  requestId: string;
  deviceId: string;
  displayName?: string;
  clientId?: string;
  role?: string;
  scopes?: string[];
  remoteIp?: string;
  isRepair?: boolean;
  ts?: number;
}

interface Paired {
  deviceId: string;
  displayName?: string;
  operatorLabel?: string;
  clientId?: string;
  roles?: string[];
  scopes?: string[];
  remoteIp?: string;
  connected?: boolean;
  lastSeenAtMs?: number;
  tokens?: { role: string; revokedAtMs?: number }[];
}

const name = (d: { operatorLabel?: string; displayName?: string; clientId?: string; deviceId: string }) => d.operatorLabel ?? d.displayName ?? d.clientId ?? d.deviceId.slice(0, 12);

/**
 * Devices: pending pairing requests (approve / reject) and paired devices (revoke a role's token, remove).
 * Pairing needs operator.pairing, which the read-only live connection lacks: every call goes through the
 * short-lived admin connection, and the list reloads after each action (or on demand).
 */
export class DevicesView implements View {
  readonly el: El;
  #app: AppContext;
  #pending = h("div");
  #paired = h("div");
  #status = h("p", { class: "muted", role: "status", "data-testid": "devices-status" });

  constructor(app: AppContext) {
    this.#app = app;
    const reload = h("button", { type: "button", class: "quiet", onclick: () => void this.#load() }, "Reload");
    this.el = h("section", {}, card("Pending requests", this.#pending), card("Paired devices", this.#paired), h("p", {}, reload), this.#status);
  }

  connected(): void {
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      const list = await this.#app.admin<{ pending: Pending[]; paired: Paired[] }>("device.pair.list", {});
      this.#render(list.pending ?? [], list.paired ?? []);
    } catch (error) {
      fill(this.#status, h("span", { class: "error" }, errorText(error)));
    }
  }

  async #act(label: string, method: string, params: Record<string, unknown>): Promise<void> {
    await adminAction(this.#app, this.#status, label, method, params);
    await this.#load();
  }

  #render(pending: Pending[], paired: Paired[]): void {
    fill(
      this.#pending,
      pending.length === 0
        ? h("p", { class: "muted" }, "No pending pairing requests.")
        : h(
            "table",
            { "data-testid": "devices-pending" },
            h("thead", {}, h("tr", {}, ...["Device", "Role", "Scopes", "IP", "Requested", ""].map((t) => h("th", {}, t)))),
            h(
              "tbody",
              {},
              ...pending.map((p) =>
                h(
                  "tr",
                  { "data-request": p.requestId },
                  h("td", { title: p.deviceId }, name(p), p.isRepair ? " (upgrade)" : ""),
                  h("td", {}, p.role ?? "—"),
                  h("td", {}, (p.scopes ?? []).join(", ") || "—"),
                  h("td", {}, p.remoteIp ?? "local"),
                  h("td", {}, formatTime(p.ts)),
                  h(
                    "td",
                    {},
                    h("button", { type: "button", onclick: () => void this.#act("Approve", "device.pair.approve", { requestId: p.requestId }) }, "Approve"),
                    " ",
                    h("button", { type: "button", class: "quiet", onclick: () => void this.#act("Reject", "device.pair.reject", { requestId: p.requestId }) }, "Reject"),
                  ),
                ),
              ),
            ),
          ),
    );
    fill(
      this.#paired,
      paired.length === 0
        ? h("p", { class: "muted" }, "No paired devices.")
        : h(
            "table",
            { "data-testid": "devices-paired" },
            h("thead", {}, h("tr", {}, ...["Device", "Roles", "Scopes", "Online", "Last seen", "IP", ""].map((t) => h("th", {}, t)))),
            h(
              "tbody",
              {},
              ...paired.map((d) => {
                const live = (d.tokens ?? []).filter((t) => !t.revokedAtMs);
                return h(
                  "tr",
                  { "data-device": d.deviceId },
                  h("td", { title: d.deviceId }, name(d)),
                  h("td", {}, (d.roles ?? []).join(", ") || "—"),
                  h("td", {}, (d.scopes ?? []).join(", ") || "—"),
                  h("td", {}, d.connected ? "yes" : "no"),
                  h("td", {}, formatTime(d.lastSeenAtMs)),
                  h("td", {}, d.remoteIp ?? "local"),
                  h(
                    "td",
                    {},
                    ...live.map((t) => h("button", { type: "button", class: "quiet", onclick: () => void this.#act(`Revoke ${t.role} token`, "device.token.revoke", { deviceId: d.deviceId, role: t.role }) }, `Revoke ${t.role}`)),
                    " ",
                    h("button", { type: "button", class: "quiet", onclick: () => void this.#act("Remove", "device.pair.remove", { deviceId: d.deviceId }) }, "Remove"),
                  ),
                );
              }),
            ),
          ),
    );
  }
}
