import { hostStatsSummary, nodeVersions, presenceSummary } from "../../../nodes/status-text.ts";
import { fill, formatTime, h, type El } from "../dom.ts";
import { adminAction, errorText, mayCall, type AppContext, type View } from "../view.ts";
import { card } from "./overview.ts";

interface NodeRow {
  nodeId: string;
  displayName?: string;
  platform?: string;
  version?: string;
  connected?: boolean;
  approvalState?: string;
  commands?: string[];
  caps?: string[];
  lastConnectedAtMs?: number;
  hostStats?: Record<string, unknown>;
  lastActiveAtMs?: number | null;
  presenceUpdatedAtMs?: number | null;
  lastSeenAtMs?: number;
  lastSeenReason?: string;
}

interface PendingSurface {
  requestId: string;
  nodeId: string;
  displayName?: string;
  commands?: string[];
  requiredApproveScopes?: string[];
}

/**
 * Nodes: `node.list` on the live connection (read scope) with each node's host stats and presence (kept current
 * by the `node.hostStats` / `node.presence` events), and pending command surfaces to approve (admin connection).
 */
export class NodesView implements View {
  readonly el: El;
  #app: AppContext;
  #list = h("div");
  #pending = h("div");
  #status = h("p", { class: "muted", role: "status", "data-testid": "nodes-status" });
  #nodes: NodeRow[] = [];

  constructor(app: AppContext) {
    this.#app = app;
    const reload = h("button", { type: "button", class: "quiet", onclick: () => void this.#load() }, "Reload");
    this.el = h("section", {}, card("Nodes", this.#list), card("Pending command surfaces", this.#pending), h("p", {}, reload), this.#status);
  }

  connected(): void {
    void this.#load();
  }

  event(name: string, payload: unknown): void {
    if (name === "presence") return void this.#load();
    // A node's stats and input activity change often: patch its row instead of listing every node again.
    const update = payload as ({ nodeId?: unknown } & Partial<NodeRow>) | null;
    const row = this.#nodes.find((n) => n.nodeId === update?.nodeId);
    if (!row || (name !== "node.hostStats" && name !== "node.presence")) return;
    if (name === "node.hostStats") row.hostStats = update!.hostStats;
    else Object.assign(row, { lastActiveAtMs: update!.lastActiveAtMs, presenceUpdatedAtMs: update!.presenceUpdatedAtMs });
    this.#renderNodes(this.#nodes);
  }

  async #load(): Promise<void> {
    try {
      if (!mayCall(this.#app, "node.list")) return fill(this.#list, h("p", { class: "muted" }, "This gateway does not offer node.list to this page."));
      const { nodes } = await this.#app.connection()!.request<{ nodes: NodeRow[] }>("node.list", {});
      this.#renderNodes(nodes ?? []);
      const { pending } = await this.#app.admin<{ pending: PendingSurface[] }>("node.pair.list", {});
      this.#renderPending(pending ?? []);
    } catch (error) {
      fill(this.#status, h("span", { class: "error" }, errorText(error)));
    }
  }

  #renderNodes(nodes: NodeRow[]): void {
    this.#nodes = nodes;
    const now = Date.now();
    fill(
      this.#list,
      nodes.length === 0
        ? h("p", { class: "muted" }, "No nodes yet. Run `openclaw node run` on a machine and approve it under Devices.")
        : h(
            "table",
            { "data-testid": "nodes-table" },
            h("thead", {}, h("tr", {}, ...["Node", "Platform", "Version", "Online", "Approval", "Commands", "Host", "Presence", "Last connect"].map((t) => h("th", {}, t)))),
            h(
              "tbody",
              {},
              ...nodes.map((n) =>
                h(
                  "tr",
                  { "data-node": n.nodeId },
                  h("td", { title: n.nodeId }, n.displayName ?? n.nodeId.slice(0, 12)),
                  h("td", {}, n.platform ?? "—"),
                  h("td", {}, nodeVersions(n) ?? "—"),
                  h("td", {}, n.connected ? "yes" : "no"),
                  h("td", {}, n.approvalState ?? "—"),
                  h("td", { title: (n.commands ?? []).join(", ") }, String((n.commands ?? []).length)),
                  h("td", { "data-testid": "node-host" }, hostStatsSummary(n.hostStats, Boolean(n.connected), now) ?? "—"),
                  h("td", { "data-testid": "node-presence" }, presenceSummary(n, now) ?? "—"),
                  h("td", {}, formatTime(n.lastConnectedAtMs)),
                ),
              ),
            ),
          ),
    );
  }

  #renderPending(pending: PendingSurface[]): void {
    fill(
      this.#pending,
      pending.length === 0
        ? h("p", { class: "muted" }, "Nothing waiting.")
        : h(
            "table",
            { "data-testid": "nodes-pending" },
            h("thead", {}, h("tr", {}, ...["Node", "Commands", "Needs", ""].map((t) => h("th", {}, t)))),
            h(
              "tbody",
              {},
              ...pending.map((p) =>
                h(
                  "tr",
                  {},
                  h("td", { title: p.nodeId }, p.displayName ?? p.nodeId.slice(0, 12)),
                  h("td", {}, (p.commands ?? []).join(", ") || "—"),
                  h("td", {}, (p.requiredApproveScopes ?? []).join(", ")),
                  h(
                    "td",
                    {},
                    h("button", { type: "button", onclick: () => void this.#approve(p.requestId) }, "Approve"),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  async #approve(requestId: string): Promise<void> {
    await adminAction(this.#app, this.#status, "Approve", "node.pair.approve", { requestId });
    await this.#load();
  }
}
