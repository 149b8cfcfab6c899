// What every view can see of the app, and what the app calls on the current view.
import { fill, h, type El } from "./dom.ts";
import type { Connection, HelloOk, PresenceEntry } from "./protocol.ts";

export interface AppContext {
  /** The live, read-scoped connection, when open. */
  connection(): Connection | undefined;
  hello(): HelloOk | undefined;
  health(): Record<string, unknown> | undefined;
  presence(): PresenceEntry[];
  ticks(): { count: number; last?: number };
  /** One request on a short-lived admin connection (config writes); the live one stays read-only. */
  admin<T>(method: string, params: unknown): Promise<T>;
}

export interface View {
  readonly el: El;
  /** The live connection opened (or reopened): load what the view shows. */
  connected?(): void;
  /** A gateway event arrived on the live connection. */
  event?(name: string, payload: unknown): void;
  /** The view is being replaced: stop timers. */
  dispose?(): void;
}

/** Can the live connection call this method (advertised and within the granted scopes)? */
export function mayCall(app: AppContext, method: string): boolean {
  const conn = app.connection();
  if (!conn?.can(method)) return false;
  const scopes = conn.hello.auth.scopes;
  return method === "health" || scopes.includes("operator.read") || scopes.includes("operator.write") || scopes.includes("operator.admin");
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An admin call a button makes: its progress and outcome (or error) shown in the view's status line. */
export async function adminAction(app: AppContext, status: El, label: string, method: string, params: Record<string, unknown>): Promise<void> {
  fill(status, `${label}…`);
  try {
    await app.admin(method, params);
    fill(status, `${label}: done`);
  } catch (error) {
    fill(status, h("span", { class: "error" }, `${label}: ${errorText(error)}`));
  }
}
