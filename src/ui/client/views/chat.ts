import { fill, h, type El } from "../dom.ts";
import { errorText, mayCall, type AppContext, type View } from "../view.ts";
import { card } from "./overview.ts";

interface Part {
  type?: string;
  text?: string;
  name?: string;
  arguments?: unknown;
}
interface Message {
  id?: string;
  role?: string;
  content?: string | Part[];
  toolName?: string;
  isError?: boolean;
  stopReason?: string;
}
interface Approval {
  id: string;
  request: { command: string; sessionKey: string };
}

const text = (m: Message): string => (typeof m.content === "string" ? m.content : (m.content ?? []).filter((p) => p.type === "text").map((p) => p.text ?? "").join(""));

/**
 * Chat with an agent: its main session's history, live replies (chat events), tool calls as they run
 * (agent tool events) with approve/deny for exec approvals waiting in this session, abort, and an agent
 * switcher. Reads use the live connection; sends, aborts and decisions use short-lived admin requests.
 */
export class ChatView implements View {
  readonly el: El;
  #app: AppContext;
  #agent = "main";
  #agents = h("select", { "data-testid": "chat-agent", onchange: () => this.#switch() });
  #log = h("div", { class: "chat-log", "data-testid": "chat-log" });
  #live = h("div", { class: "msg assistant live", "data-testid": "chat-live", hidden: true });
  #tools = h("div", { class: "chat-tools", "data-testid": "chat-tools" });
  #approvals = h("div", { class: "chat-approvals", "data-testid": "chat-approvals" });
  #status = h("p", { class: "muted", "data-testid": "chat-status" });
  #input = h("input", { "aria-label": "Message", "data-testid": "chat-input", placeholder: "Message the agent" });
  #abort = h("button", { type: "button", class: "quiet", "data-testid": "chat-abort", onclick: () => void this.#do("chat.abort", { sessionKey: this.#key() }) }, "Abort");

  constructor(app: AppContext) {
    this.#app = app;
    const form = h(
      "form",
      {
        class: "chat-form",
        onsubmit: (event) => {
          event.preventDefault();
          void this.#send();
        },
      },
      this.#input,
      h("button", { type: "submit", "data-testid": "chat-send" }, "Send"),
      this.#abort,
    );
    this.el = h("section", {}, card("Chat", h("div", { class: "toolbar" }, h("label", { class: "inline" }, "Agent", this.#agents)), this.#log, this.#live, this.#tools, this.#approvals, form, this.#status));
  }

  #key(): string {
    return `agent:${this.#agent}:main`;
  }

  async connected(): Promise<void> {
    const conn = this.#app.connection();
    if (!conn?.can("chat.history") || !mayCall(this.#app, "chat.history")) return fill(this.#status, "This gateway offers no chat here (chat.history needs operator.read).");
    try {
      const roster = await conn.request<{ defaultId: string; agents: Array<{ id: string; name?: string }> }>("agents.list", {});
      fill(this.#agents, ...roster.agents.map((a) => h("option", { value: a.id }, a.name ? `${a.name} (${a.id})` : a.id)));
      this.#agents.value = this.#agent;
    } catch (error) {
      fill(this.#status, errorText(error));
    }
    await this.#history();
  }

  async #switch(): Promise<void> {
    this.#agent = this.#agents.value || "main";
    fill(this.#tools);
    fill(this.#approvals);
    await this.#history();
  }

  async #history(): Promise<void> {
    try {
      const result = await this.#app.connection()!.request<{ messages: Message[] }>("chat.history", { sessionKey: this.#key(), limit: 200 });
      fill(this.#log, ...result.messages.map((m) => this.#bubble(m)));
      this.#live.hidden = true;
      this.#log.scrollTop = this.#log.scrollHeight;
    } catch (error) {
      fill(this.#status, errorText(error));
    }
  }

  #bubble(m: Message): El {
    if (m.role === "toolResult") return h("div", { class: `msg tool${m.isError ? " error" : ""}` }, h("strong", {}, `${m.toolName ?? "tool"} → `), text(m));
    const calls = Array.isArray(m.content) ? m.content.filter((p) => p.type === "toolCall") : [];
    return h(
      "div",
      { class: `msg ${m.role ?? ""}`, "data-role": m.role ?? "" },
      text(m) || (m.stopReason && m.stopReason !== "tool_calls" ? `[${m.stopReason}]` : ""),
      ...calls.map((c) => h("div", { class: "call" }, `${c.name}(${JSON.stringify(c.arguments)})`)),
    );
  }

  async #send(): Promise<void> {
    const message = this.#input.value.trim();
    if (!message) return;
    this.#input.value = "";
    this.#log.append(h("div", { class: "msg user", "data-role": "user" }, message));
    await this.#do("chat.send", { sessionKey: this.#key(), message, idempotencyKey: crypto.randomUUID() });
  }

  async #do(method: string, params: Record<string, unknown>): Promise<void> {
    try {
      await this.#app.admin(method, params);
      fill(this.#status);
    } catch (error) {
      fill(this.#status, h("span", { class: "error" }, errorText(error)));
    }
  }

  async #loadApprovals(): Promise<void> {
    let pending: Approval[] = [];
    try {
      pending = await this.#app.admin<Approval[]>("exec.approval.list", {});
    } catch {
      return;
    }
    const mine = pending.filter((a) => a.request.sessionKey === this.#key());
    fill(
      this.#approvals,
      ...mine.map((a) =>
        h(
          "div",
          { class: "approval", "data-testid": "chat-approval" },
          h("span", {}, `Run ${a.request.command}?`),
          h("button", { type: "button", "data-testid": "approve", onclick: () => void this.#decide(a.id, "allow-once") }, "Approve"),
          h("button", { type: "button", class: "quiet", "data-testid": "deny", onclick: () => void this.#decide(a.id, "deny") }, "Deny"),
        ),
      ),
    );
  }

  async #decide(id: string, decision: string): Promise<void> {
    await this.#do("exec.approval.resolve", { id, decision });
    await this.#loadApprovals();
  }

  event(name: string, payload: unknown): void {
    const p = payload as { sessionKey?: string; state?: string; message?: Message; stream?: string; data?: Record<string, any> };
    if (p?.sessionKey !== this.#key()) return;
    if (name === "chat") {
      if (p.state === "delta") {
        this.#live.hidden = false;
        this.#live.textContent = p.message ? text(p.message) : "";
      } else {
        fill(this.#tools);
        fill(this.#approvals);
        void this.#history();
      }
    } else if (name === "agent" && p.stream === "tool" && (p.data?.phase === "start" || p.data?.phase === "result")) {
      const d = p.data;
      const line = d.phase === "start" ? `${d.name} running…` : `${d.name} ${d.isError ? "failed" : "done"}`;
      this.#tools.append(h("div", { class: "muted", "data-testid": "chat-tool" }, line));
      if (d.name === "exec") void this.#loadApprovals();
    }
  }
}
