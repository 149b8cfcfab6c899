import { fill, formatDuration, formatTime, h, type El } from "../dom.ts";
import { adminAction, errorText, mayCall, type AppContext, type View } from "../view.ts";
import { badge, card } from "./overview.ts";

interface Job {
  id: string;
  name: string;
  enabled: boolean;
  agentId?: string;
  sessionTarget?: string;
  schedule: { kind: string; expr?: string; tz?: string; everyMs?: number; at?: string };
  delivery?: { mode?: string; channel?: string; to?: string };
  state: { nextRunAtMs?: number; runningAtMs?: number; lastRunAtMs?: number; lastRunStatus?: string; lastError?: string; lastDurationMs?: number; lastDeliveryStatus?: string };
}

interface CronStatus {
  enabled: boolean;
  jobs: number;
  nextWakeAtMs: number | null;
}

/** A clock time today, with the date in front otherwise (a next run may be days away). */
function when(ts: number | undefined): string {
  if (typeof ts !== "number") return "—";
  const day = new Date(ts);
  return day.toDateString() === new Date().toDateString() ? formatTime(ts) : `${day.toISOString().slice(0, 10)} ${formatTime(ts)}`;
}

/** How a schedule reads to a person: the cron expression (and zone), the interval, or the one-shot instant. */
function scheduleText(s: Job["schedule"]): string {
  if (s.kind === "cron") return `cron ${s.expr ?? "?"}${s.tz ? ` (${s.tz})` : ""}`;
  if (s.kind === "every") return `every ${formatDuration(s.everyMs)}`;
  return `at ${s.at ? when(Date.parse(s.at)) : "?"}`;
}

function lastResult(state: Job["state"]): El | string {
  if (state.runningAtMs) return badge("running", true);
  if (!state.lastRunStatus) return "—";
  const label = `${state.lastRunStatus}${state.lastDurationMs !== undefined ? ` in ${formatDuration(state.lastDurationMs)}` : ""}`;
  const delivery = state.lastDeliveryStatus && state.lastDeliveryStatus !== "not-requested" ? ` · ${state.lastDeliveryStatus}` : "";
  return h("span", { title: state.lastError ?? "" }, badge(label, state.lastRunStatus === "ok"), delivery, state.lastError ? h("div", { class: "error" }, state.lastError) : null);
}

/**
 * Automations: the scheduler's state (cron.status), every job with its next run and last result, and Run now /
 * Enable / Disable. The live connection is read-only, so actions go through the short-lived admin connection;
 * `cron` events (added, updated, started, finished) reload the list.
 */
export class AutomationsView implements View {
  readonly el: El;
  #app: AppContext;
  #summary = h("div", { "data-testid": "automations-summary" });
  #body = h("div", { "data-testid": "automations-body" });
  #status = h("p", { class: "muted", role: "status", "data-testid": "automations-status" });
  #loading: Promise<void> | undefined;
  #again = false;

  constructor(app: AppContext) {
    this.#app = app;
    const reload = h("button", { type: "button", class: "quiet", onclick: () => void this.#load() }, "Reload");
    this.el = h("section", {}, card("Automations", this.#summary, this.#body, h("p", {}, reload), this.#status));
  }

  connected(): void {
    void this.#load();
  }

  event(name: string): void {
    if (name === "cron") void this.#load();
  }

  /** One load at a time; events arriving meanwhile cause one more (a burst of runs is one redraw, not many). */
  #load(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = this.#fetch().finally(() => {
      this.#loading = undefined;
      if (this.#again) {
        this.#again = false;
        void this.#load();
      }
    });
    return this.#loading;
  }

  async #fetch(): Promise<void> {
    if (!this.#app.connection()?.can("cron.list")) return fill(this.#body, h("p", { class: "muted" }, "This gateway does not offer cron.list."));
    if (!mayCall(this.#app, "cron.list")) return fill(this.#body, h("p", { class: "error" }, "cron.list needs the operator.read scope"));
    try {
      const conn = this.#app.connection()!;
      const [status, list] = await Promise.all([conn.request<CronStatus>("cron.status", {}), conn.request<{ jobs: Job[] }>("cron.list", { includeDisabled: true, limit: 200 })]);
      this.#render(status, list.jobs ?? []);
    } catch (error) {
      fill(this.#body, h("p", { class: "error" }, errorText(error)));
    }
  }

  #render(status: CronStatus, jobs: Job[]): void {
    fill(
      this.#summary,
      h(
        "p",
        {},
        status.enabled ? badge("scheduler on", true) : badge("scheduler off (cron.enabled: false)", false),
        ` ${status.jobs} job${status.jobs === 1 ? "" : "s"}`,
        status.nextWakeAtMs ? ` · next wake ${when(status.nextWakeAtMs)}` : "",
      ),
    );
    if (jobs.length === 0) return fill(this.#body, h("p", { class: "muted" }, "No jobs yet (openclaw cron add)."));
    fill(
      this.#body,
      h(
        "table",
        { "data-testid": "automations-table" },
        h("thead", {}, h("tr", {}, ...["Job", "Schedule", "Target", "Next run", "Last run", "Last result", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, ...jobs.map((job) => this.#row(job))),
      ),
    );
  }

  #row(job: Job): El {
    const target = job.delivery?.channel || job.delivery?.to ? `${job.sessionTarget ?? "main"} → ${[job.delivery.channel, job.delivery.to].filter(Boolean).join(" ")}` : (job.sessionTarget ?? "main");
    const run = h("button", { type: "button", onclick: () => void this.#act(`Run ${job.name}`, "cron.run", { id: job.id, mode: "force" }) }, "Run now");
    const toggle = h(
      "button",
      { type: "button", class: "quiet", onclick: () => void this.#act(`${job.enabled ? "Disable" : "Enable"} ${job.name}`, "cron.update", { id: job.id, patch: { enabled: !job.enabled } }) },
      job.enabled ? "Disable" : "Enable",
    );
    return h(
      "tr",
      { "data-testid": `job-${job.id}`, "data-job-name": job.name },
      h("td", { title: job.id, class: "nowrap" }, job.name, job.enabled ? "" : h("span", { class: "muted" }, " (disabled)")),
      h("td", {}, scheduleText(job.schedule)),
      h("td", { class: "nowrap" }, target),
      h("td", { "data-testid": "next-run", class: "nowrap" }, job.enabled ? when(job.state.nextRunAtMs) : "—"),
      h("td", { class: "nowrap" }, when(job.state.lastRunAtMs)),
      h("td", { "data-testid": "last-result" }, lastResult(job.state)),
      h("td", { class: "nowrap" }, run, " ", toggle),
    );
  }

  async #act(label: string, method: string, params: Record<string, unknown>): Promise<void> {
    await adminAction(this.#app, this.#status, label, method, params);
    await this.#load();
  }
}
