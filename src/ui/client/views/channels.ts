import { fill, formatTime, h, type El } from "../dom.ts";
import { errorText, mayCall, type AppContext, type View } from "../view.ts";
import { badge, card } from "./overview.ts";

interface Account {
  accountId: string;
  name?: string;
  enabled?: boolean;
  configured?: boolean;
  running?: boolean;
  connected?: boolean;
  lifecycle?: string;
  lastError?: string | null;
  lastInboundAt?: number | null;
  lastOutboundAt?: number | null;
  probe?: { ok?: boolean; error?: string | null; bot?: { username?: string } };
}

interface ChannelsStatus {
  channelOrder?: string[];
  channelLabels?: Record<string, string>;
  channelAccounts?: Record<string, Account[]>;
  statusIssues?: Array<{ channel: string; accountId: string; kind: string; message: string }>;
}

/** Channel accounts as `channels.status` reports them, a probe button, and start/stop through an admin call. */
export class ChannelsView implements View {
  readonly el: El;
  #app: AppContext;
  #body = h("div", { "data-testid": "channels-body" });
  #note = h("p", { class: "muted", "data-testid": "channels-note" });
  #probe: El;
  /** The last probe of each account: `channels.status` reports a probe only in the answer that took it. */
  #probes = new Map<string, NonNullable<Account["probe"]>>();

  constructor(app: AppContext) {
    this.#app = app;
    this.#probe = h("button", { type: "button", "data-testid": "channels-probe", onclick: () => void this.#load(true) }, "Probe now");
    this.el = h("section", {}, card("Channels", this.#note, this.#body, this.#probe));
  }

  connected(): void {
    void this.#load(false);
  }

  event(name: string): void {
    if (name === "tick" || name === "health") void this.#load(false);
  }

  async #load(probe: boolean): Promise<void> {
    if (!this.#app.connection()?.can("channels.status")) return fill(this.#body, h("p", { class: "muted" }, "This gateway does not offer channels.status."));
    if (!mayCall(this.#app, "channels.status")) return fill(this.#body, h("p", { class: "error" }, "channels.status needs the operator.read scope"));
    if (probe) fill(this.#note, "Probing…");
    try {
      const status = await this.#app.connection()!.request<ChannelsStatus>("channels.status", probe ? { probe: true } : {});
      this.#render(status, probe);
    } catch (error) {
      fill(this.#body, h("p", { class: "error" }, errorText(error)));
    }
  }

  #render(status: ChannelsStatus, probed: boolean): void {
    const order = status.channelOrder ?? [];
    fill(this.#note, probed ? `Probed at ${formatTime(Date.now())}.` : order.length ? "" : "No chat channels configured (channels.telegram.botToken, or openclaw channels add).");
    if (order.length === 0) return fill(this.#body);
    const rows = order.flatMap((id) => (status.channelAccounts?.[id] ?? []).map((a) => this.#row(status.channelLabels?.[id] ?? id, id, a)));
    const issues = (status.statusIssues ?? []).map((i) => h("li", {}, `${i.channel}/${i.accountId} (${i.kind}): ${i.message}`));
    fill(
      this.#body,
      h(
        "table",
        { "data-testid": "channels-table" },
        h("thead", {}, h("tr", {}, ...["Channel", "Account", "State", "Last in", "Last out", "Probe", "Last error", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, ...rows),
      ),
      issues.length ? h("ul", { class: "error", "data-testid": "channels-issues" }, ...issues) : null,
    );
  }

  #row(label: string, channel: string, a: Account): El {
    const state = a.enabled === false ? "disabled" : !a.configured ? "not configured" : a.connected ? "connected" : (a.lifecycle ?? (a.running ? "starting" : "stopped"));
    const key = `${channel}/${a.accountId}`;
    if (a.probe) this.#probes.set(key, a.probe);
    const last = a.probe ?? this.#probes.get(key);
    const probe = last ? (last.ok ? `works${last.bot?.username ? ` (@${last.bot.username})` : ""}` : `failed: ${last.error ?? "?"}`) : "—";
    const action = a.running ? "Stop" : "Start";
    const button = h("button", { type: "button", class: "quiet", onclick: () => void this.#toggle(channel, a.accountId, action === "Start") }, action);
    return h(
      "tr",
      { "data-testid": `channel-${channel}-${a.accountId}` },
      h("td", {}, label),
      h("td", {}, a.name ? `${a.accountId} (${a.name})` : a.accountId),
      h("td", {}, badge(state, Boolean(a.connected))),
      h("td", {}, formatTime(a.lastInboundAt)),
      h("td", {}, formatTime(a.lastOutboundAt)),
      h("td", {}, probe),
      h("td", {}, a.lastError ?? "—"),
      h("td", {}, button),
    );
  }

  async #toggle(channel: string, accountId: string, start: boolean): Promise<void> {
    try {
      await this.#app.admin(start ? "channels.start" : "channels.stop", { channel, accountId });
      fill(this.#note, `${start ? "Started" : "Stopped"} ${channel}/${accountId}.`);
    } catch (error) {
      fill(this.#note, h("span", { class: "error" }, errorText(error)));
    }
    await this.#load(false);
  }
}
