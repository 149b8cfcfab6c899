import { facts, fill, formatBytes, formatDuration, formatTime, h, type El } from "../dom.ts";
import { errorText, mayCall, type AppContext, type View } from "../view.ts";

interface StatusPayload {
  runtimeVersion?: string;
  runtime?: { name?: string; version?: string; platform?: string; arch?: string };
  pid?: number;
  uptimeMs?: number;
  processMemory?: { rssBytes?: number; heapUsedBytes?: number };
}

interface EventLoop {
  degraded?: boolean;
  delayP99Ms?: number;
  utilization?: number;
}

/** Health and status, live: hello snapshot first, then `health` events, `tick` events and a `status` read per tick. */
export class OverviewView implements View {
  readonly el: El;
  #app: AppContext;
  #gateway = h("div");
  #health = h("div");
  #ticks = h("div");
  #process = h("div");
  #status: StatusPayload | undefined;
  #statusError = "";
  #probe: El;

  constructor(app: AppContext) {
    this.#app = app;
    this.#probe = h("button", { type: "button", onclick: () => this.#probeHealth() }, "Check health now");
    this.el = h(
      "section",
      { class: "grid" },
      card("Gateway", this.#gateway),
      card("Health", this.#health, this.#probe),
      card("Heartbeat", this.#ticks),
      card("Process", this.#process),
    );
    this.#render();
  }

  connected(): void {
    this.#render();
    void this.#refreshStatus();
  }

  event(name: string): void {
    if (name === "health") this.#renderHealth();
    else if (name === "tick") {
      this.#renderTicks();
      void this.#refreshStatus();
    } else if (name === "presence") this.#renderGateway();
  }

  #render(): void {
    this.#renderGateway();
    this.#renderHealth();
    this.#renderTicks();
    this.#renderProcess();
  }

  #renderGateway(): void {
    const hello = this.#app.hello();
    fill(
      this.#gateway,
      facts([
        ["Version", hello?.server.version],
        ["Connection", hello?.server.connId],
        ["Auth", hello ? `${hello.auth.method ?? "?"} · ${hello.auth.role}` : undefined],
        ["Scopes", hello ? hello.auth.scopes.join(", ") || "none" : undefined, "scopes"],
        ["Presence", `${this.#app.presence().length} (gateway and UI clients)`],
      ]),
    );
  }

  #renderHealth(): void {
    const health = this.#app.health();
    const loop = (health?.eventLoop ?? {}) as EventLoop;
    const reload = (health?.configReload as { hotReloadStatus?: string } | undefined)?.hotReloadStatus;
    fill(
      this.#health,
      facts([
        ["State", health ? badge(health.ok === true ? "ok" : "degraded", health.ok === true) : undefined, "health-state"],
        ["Checked at", h("time", { "data-ts": String(health?.ts ?? "") }, formatTime(health?.ts)), "health-ts"],
        ["Check took", typeof health?.durationMs === "number" ? `${health.durationMs} ms` : undefined],
        ["Config reload", reload],
        ["Event loop", health ? `${loop.degraded ? "degraded" : "ok"} · p99 ${loop.delayP99Ms ?? "?"} ms · ${Math.round((loop.utilization ?? 0) * 100)}% busy` : undefined],
      ]),
    );
  }

  #renderTicks(): void {
    const ticks = this.#app.ticks();
    const interval = this.#app.hello()?.policy.tickIntervalMs;
    fill(
      this.#ticks,
      facts([
        ["Last tick", h("time", { "data-ts": String(ticks.last ?? "") }, formatTime(ticks.last)), "last-tick"],
        ["Ticks seen", String(ticks.count), "tick-count"],
        ["Advertised interval", interval ? formatDuration(interval) : undefined],
      ]),
    );
  }

  #renderProcess(): void {
    const s = this.#status;
    if (!s) {
      fill(this.#process, this.#statusError ? h("p", { class: "error" }, this.#statusError) : h("p", { class: "muted" }, "Loading…"));
      return;
    }
    fill(
      this.#process,
      facts([
        ["Uptime", h("span", { "data-ms": String(s.uptimeMs ?? "") }, formatDuration(s.uptimeMs)), "uptime"],
        ["PID", s.pid],
        ["Runtime", s.runtime ? `${s.runtime.name ?? ""} ${s.runtime.version ?? ""} · ${s.runtime.platform ?? ""}/${s.runtime.arch ?? ""}` : undefined],
        ["Memory", `${formatBytes(s.processMemory?.rssBytes)} RSS · ${formatBytes(s.processMemory?.heapUsedBytes)} heap`],
      ]),
    );
  }

  async #refreshStatus(): Promise<void> {
    if (!mayCall(this.#app, "status")) {
      this.#statusError = "status needs the operator.read scope";
      return this.#renderProcess();
    }
    try {
      this.#status = await this.#app.connection()!.request<StatusPayload>("status", {});
      this.#statusError = "";
    } catch (error) {
      this.#statusError = errorText(error);
    }
    this.#renderProcess();
  }

  /** `health {probe:true}` refreshes the snapshot; the gateway broadcasts it as a `health` event first. */
  async #probeHealth(): Promise<void> {
    const conn = this.#app.connection();
    if (!conn) return;
    this.#probe.disabled = true;
    try {
      await conn.request("health", { probe: true });
    } catch {
      // The health card keeps the last snapshot; the connection pill reports a lost connection.
    } finally {
      this.#probe.disabled = false;
    }
  }
}

export function card(title: string, ...body: El[]): El {
  return h("article", { class: "card" }, h("h2", {}, title), ...body);
}

export function badge(text: string, good: boolean): El {
  return h("span", { class: good ? "badge ok" : "badge bad" }, text);
}
