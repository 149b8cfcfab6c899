// OpenClaw Control: the operator page served by the gateway. One read-scoped live connection feeds every
// view (events: tick, health, presence, shutdown); config writes use a short-lived admin connection.
// The token is pasted once (or handed over once by `openclaw dashboard` in the URL fragment, which never reaches
// a server and is stripped at once) and kept in this origin's localStorage.
import { doc, fill, h, win, type El, type Ev } from "./dom.ts";
import { connect, requestOnce, RpcError, type Connection, type HelloOk, type PresenceEntry } from "./protocol.ts";
import { uiRouteOf, type UiRoute } from "../routes.ts";
import { errorText, type AppContext, type View } from "./view.ts";
import { AutomationsView } from "./views/automations.ts";
import { ChatView } from "./views/chat.ts";
import { ChannelsView } from "./views/channels.ts";
import { ClientsView } from "./views/clients.ts";
import { ConfigView } from "./views/config.ts";
import { DevicesView } from "./views/devices.ts";
import { NodesView } from "./views/nodes.ts";
import { LogsView } from "./views/logs.ts";
import { OverviewView } from "./views/overview.ts";
import { SessionsView } from "./views/sessions.ts";

const TOKEN_KEY = "openclaw.controlUi.token";
const LIVE_SCOPES = ["operator.read"];
const ADMIN_SCOPES = ["operator.admin"];
const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

const NAV: readonly [UiRoute, string][] = [
  ["/", "Overview"],
  ["/chat", "Chat"],
  ["/automations", "Automations"],
  ["/channels", "Channels"],
  ["/clients", "Clients"],
  ["/devices", "Devices"],
  ["/nodes", "Nodes"],
  ["/config", "Config"],
  ["/logs", "Logs"],
  ["/sessions", "Sessions"],
];

const VIEWS: Record<UiRoute, (app: AppContext) => View> = {
  "/": (app) => new OverviewView(app),
  "/chat": (app) => new ChatView(app),
  "/automations": (app) => new AutomationsView(app),
  "/channels": (app) => new ChannelsView(app),
  "/clients": (app) => new ClientsView(app),
  "/devices": (app) => new DevicesView(app),
  "/nodes": (app) => new NodesView(app),
  "/config": (app) => new ConfigView(app),
  "/logs": (app) => new LogsView(app),
  "/sessions": (app) => new SessionsView(app),
};

class App implements AppContext {
  #token: string | null = readToken();
  #conn: Connection | undefined;
  #hello: HelloOk | undefined;
  #health: Record<string, unknown> | undefined;
  #presence: PresenceEntry[] = [];
  #ticks: { count: number; last?: number } = { count: 0 };
  #view: View | undefined;
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  #state = h("span", { class: "conn", "data-testid": "conn-state" }, "offline");
  #notice = h("div", { class: "notice", hidden: true, role: "status" });
  #main = h("main", { id: "view" });
  #links = NAV.map(([path, label]) => [path, h("a", { href: path, "data-nav": "" }, label)] as const);
  #nav = h("nav", {}, ...this.#links.map(([, link]) => link));
  #signOut = h("button", { type: "button", class: "quiet", onclick: () => this.#forget() }, "Forget token");

  start(): void {
    doc.body.append(h("header", { class: "top" }, h("strong", { class: "brand" }, "OpenClaw Control"), this.#nav, this.#state, this.#signOut), this.#notice, this.#main);
    doc.addEventListener("click", (event) => this.#navClick(event));
    win.addEventListener("popstate", () => this.#route());
    if (!this.#token) return this.#login();
    this.#route();
    this.#connect();
  }

  // ---- AppContext ---------------------------------------------------------------------------------

  connection(): Connection | undefined {
    return this.#conn;
  }
  hello(): HelloOk | undefined {
    return this.#hello;
  }
  health(): Record<string, unknown> | undefined {
    return this.#health;
  }
  presence(): PresenceEntry[] {
    return this.#presence;
  }
  ticks(): { count: number; last?: number } {
    return this.#ticks;
  }
  admin<T>(method: string, params: unknown): Promise<T> {
    if (!this.#token) return Promise.reject(new RpcError("INVALID_REQUEST", "no token"));
    return requestOnce<T>({ token: this.#token, scopes: ADMIN_SCOPES, displayName: "Control UI (admin request)" }, method, params);
  }

  // ---- connection ---------------------------------------------------------------------------------

  #connect(): void {
    const token = this.#token;
    if (!token) return this.#login();
    const generation = ++this.#generation;
    this.#setState(this.#attempt === 0 ? "connecting…" : "reconnecting…", "");
    connect({
      token,
      scopes: LIVE_SCOPES,
      displayName: "Control UI",
      onEvent: (event, payload) => this.#event(event, payload),
      onClose: (code, reason) => {
        if (generation !== this.#generation) return;
        this.#conn = undefined;
        this.#scheduleRetry(`connection closed (${code}${reason ? ` ${reason}` : ""})`);
      },
    }).then(
      (conn) => {
        if (generation !== this.#generation) return conn.close();
        this.#conn = conn;
        this.#hello = conn.hello;
        this.#health = conn.hello.snapshot.health;
        this.#presence = conn.hello.snapshot.presence ?? [];
        this.#attempt = 0;
        this.#setState("connected", "ok");
        const scopes = conn.hello.auth.scopes;
        this.#showNotice(
          scopes.length === 0
            ? "Connected, but the gateway granted this page no scopes: only health and live events are available."
            : "",
        );
        if (!this.#view) this.#route();
        else this.#view.connected?.();
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        if (error instanceof RpcError && error.isAuth) {
          // A token the gateway rejects is not kept; a rate limit or an origin refusal says nothing about it.
          if (/MISMATCH|MISSING/.test(String(error.details?.code ?? ""))) {
            this.#token = null;
            writeToken(null);
          }
          this.#setState("signed out", "bad");
          this.#login(error.message);
        } else {
          this.#scheduleRetry(errorText(error));
        }
      },
    );
  }

  #scheduleRetry(why: string): void {
    const delay = RETRY_MS[Math.min(this.#attempt, RETRY_MS.length - 1)]!;
    this.#attempt++;
    this.#setState(`offline · retrying in ${Math.round(delay / 1000) || 1}s`, "bad");
    this.#showNotice(`Gateway connection lost: ${why}`);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#connect(), delay);
  }

  #event(event: string, payload: unknown): void {
    if (event === "tick") {
      const ts = (payload as { ts?: unknown } | null)?.ts;
      this.#ticks = { count: this.#ticks.count + 1, last: typeof ts === "number" ? ts : Date.now() };
    } else if (event === "health" && payload && typeof payload === "object") {
      this.#health = payload as Record<string, unknown>;
    } else if (event === "presence") {
      const list = (payload as { presence?: unknown } | null)?.presence;
      if (Array.isArray(list)) this.#presence = list as PresenceEntry[];
    } else if (event === "shutdown") {
      const reason = (payload as { reason?: unknown } | null)?.reason;
      this.#showNotice(`The gateway is stopping${typeof reason === "string" ? `: ${reason}` : ""}. This page reconnects when it is back.`);
    }
    this.#view?.event?.(event, payload);
  }

  // ---- token --------------------------------------------------------------------------------------

  #login(message = ""): void {
    this.#mount(undefined);
    const input = h("input", { type: "password", name: "token", autocomplete: "off", spellcheck: "false", "aria-label": "Gateway token", placeholder: "Gateway token", required: true });
    const form = h(
      "form",
      {
        class: "card login",
        "data-testid": "login",
        onsubmit: (event) => {
          event.preventDefault();
          const token = input.value.trim();
          if (!token) return;
          this.#token = token;
          writeToken(token);
          this.#attempt = 0;
          this.#connect();
        },
      },
      h("h2", {}, "Connect to this gateway"),
      h("p", { class: "muted" }, "Paste the gateway token (openclaw config get gateway.auth.token). It is kept in this browser for this address only."),
      input,
      h("button", { type: "submit" }, "Connect"),
      message ? h("p", { class: "error", role: "alert", "data-testid": "login-error" }, message) : null,
    );
    fill(this.#main, form);
    this.#signOut.hidden = true;
    input.focus();
  }

  #forget(): void {
    clearTimeout(this.#retry);
    this.#generation++;
    this.#token = null;
    writeToken(null);
    this.#conn?.close();
    this.#conn = undefined;
    this.#setState("signed out", "");
    this.#showNotice("");
    this.#login();
  }

  // ---- routing ------------------------------------------------------------------------------------

  #navClick(event: Ev): void {
    const link = event.target?.closest("a[data-nav]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const href = link.getAttribute("href") ?? "/";
    if (href !== win.location.pathname) win.history.pushState(null, "", href);
    this.#route();
  }

  #route(): void {
    if (!this.#token) return this.#login();
    const route = uiRouteOf(win.location.pathname) ?? "/";
    for (const [path, link] of this.#links) link.classList.toggle("active", path === route);
    const view = VIEWS[route](this);
    this.#mount(view);
    doc.title = `${NAV.find(([p]) => p === route)?.[1] ?? "Overview"} · OpenClaw Control`;
    if (this.#conn) view.connected?.();
  }

  #mount(view: View | undefined): void {
    this.#view?.dispose?.();
    this.#view = view;
    this.#signOut.hidden = false;
    fill(this.#main, view?.el);
  }

  #setState(text: string, kind: "" | "ok" | "bad"): void {
    fill(this.#state, text);
    this.#state.className = `conn ${kind}`;
  }

  #showNotice(text: string): void {
    fill(this.#notice, text);
    this.#notice.hidden = text === "";
  }
}

function readToken(): string | null {
  const handed = takeFragmentToken();
  if (handed) {
    writeToken(handed);
    return handed;
  }
  try {
    return win.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: the token lives only in this page
  }
}

function writeToken(token: string | null): void {
  try {
    if (token === null) win.localStorage.removeItem(TOKEN_KEY);
    else win.localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled
  }
}

new App().start();

/** `#token=…` from `openclaw dashboard`: read once, then removed from the address bar and history. */
function takeFragmentToken(): string | null {
  const hash = win.location.hash ?? "";
  if (!hash.startsWith("#")) return null;
  const token = new URLSearchParams(hash.slice(1)).get("token");
  if (!token) return null;
  win.history.replaceState?.(null, "", win.location.pathname);
  return token;
}
