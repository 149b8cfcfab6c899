// Where replies nobody asked for (heartbeat alerts, cron announcements, the `message` tool without a target)
// go: the last external conversation a session or agent had, and the operator's DM an `owner` target means.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { RoutedTarget } from "../agents/methods.ts";

/** Sessions remembered at most; the oldest route is forgotten first (a bound on memory, not a policy). */
const MAX_ROUTES = 10_000;

/** A route with its channel always named. */
export type ChannelRoute = RoutedTarget;

/** How long recorded routes wait before they are written (a burst of messages is one write). */
const SAVE_DELAY_MS = 1000;

/**
 * The last inbound conversation per session and per agent, kept in `<state>/channels/last-routes.json` (0600:
 * it names people's chats) so `target: "last"` still knows where to go after a restart.
 */
export class LastRoutes {
  readonly #bySession = new Map<string, ChannelRoute>();
  readonly #byAgent = new Map<string, ChannelRoute>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A route changed since the last write (the same chat writing again changes nothing worth a write). */
  #dirty = false;

  constructor(private readonly file?: string) {
    if (!file || !existsSync(file)) return;
    try {
      const saved = JSON.parse(readFileSync(file, "utf8")) as { sessions?: Record<string, ChannelRoute>; agents?: Record<string, ChannelRoute> };
      for (const [key, route] of Object.entries(saved.sessions ?? {}).slice(-MAX_ROUTES)) if (valid(route)) this.#bySession.set(key, route);
      for (const [id, route] of Object.entries(saved.agents ?? {})) if (valid(route)) this.#byAgent.set(id, route);
    } catch {
      // A damaged file only costs the remembered routes; the next message records them again.
    }
  }

  record(agentId: string, sessionKey: string, route: ChannelRoute): void {
    const changed = !sameRoute(this.#bySession.get(sessionKey), route) || !sameRoute(this.#byAgent.get(agentId), route);
    this.#bySession.delete(sessionKey);
    this.#bySession.set(sessionKey, route);
    if (this.#bySession.size > MAX_ROUTES) this.#bySession.delete(this.#bySession.keys().next().value!);
    this.#byAgent.set(agentId, route);
    if (!changed) return;
    this.#dirty = true;
    if (this.file && !this.#timer) {
      this.#timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
      this.#timer.unref?.();
    }
  }

  /** The session's own last route, else the agent's most recent one. */
  get(agentId: string, sessionKey?: string): ChannelRoute | undefined {
    return (sessionKey ? this.#bySession.get(sessionKey) : undefined) ?? this.#byAgent.get(agentId);
  }

  /** Writes pending changes now (also on stop); a failed write is retried by the next flush. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.file || !this.#dirty) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ sessions: Object.fromEntries(this.#bySession), agents: Object.fromEntries(this.#byAgent) }), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.file);
      this.#dirty = false;
    } catch {
      // Best effort: routes are a convenience re-learnt from traffic, never worth failing a message over.
    }
  }
}

const sameRoute = (a: ChannelRoute | undefined, b: ChannelRoute): boolean =>
  !!a && a.channel === b.channel && a.to === b.to && a.accountId === b.accountId && a.threadId === b.threadId && a.chatType === b.chatType;

const valid = (route: unknown): route is ChannelRoute =>
  !!route && typeof (route as ChannelRoute).channel === "string" && typeof (route as ChannelRoute).to === "string" && ((route as ChannelRoute).chatType === "direct" || (route as ChannelRoute).chatType === "group");

const CHANNEL_ALIASES: Record<string, string> = { tg: "telegram" };

/** `telegram:123`, `tg:123` or a bare id (on the only channel) → channel and id; `*` and blanks are not owners. */
function concrete(entry: unknown, channels: string[], only?: string): { channel: string; id: string } | undefined {
  if (typeof entry !== "string" && typeof entry !== "number") return undefined;
  const text = String(entry).trim();
  if (!text || text === "*") return undefined;
  const match = /^([a-z][a-z0-9-]*):(.+)$/i.exec(text);
  const channel = match ? (CHANNEL_ALIASES[match[1]!.toLowerCase()] ?? match[1]!.toLowerCase()) : (only ?? (channels.length === 1 ? channels[0] : undefined));
  const id = (match ? match[2]! : text).trim();
  if (!channel || !channels.includes(channel) || (only && channel !== only) || !id || id.startsWith("-")) return undefined;
  return { channel, id };
}

/**
 * The operator DM an `owner` target means: the first concrete `commands.ownerAllowFrom` entry, then the first
 * concrete `allowFrom` entry of a configured channel (optionally only `channel`). Never a group.
 */
export function ownerRoute(config: Record<string, any>, channel?: string): ChannelRoute | undefined {
  const configured = Object.keys(config.channels ?? {}).filter((id) => id !== "defaults" && config.channels[id] && typeof config.channels[id] === "object");
  const owners: unknown[] = Array.isArray(config.commands?.ownerAllowFrom) ? config.commands.ownerAllowFrom : [];
  for (const entry of owners) {
    const hit = concrete(entry, configured, channel);
    if (hit) return { channel: hit.channel, to: hit.id, chatType: "direct" };
  }
  for (const id of channel ? [channel] : configured) {
    const allow: unknown[] = Array.isArray(config.channels?.[id]?.allowFrom) ? config.channels[id].allowFrom : [];
    for (const entry of allow) {
      const hit = concrete(String(entry).replace(/^(tg|telegram):/i, `${id}:`), configured, id);
      if (hit) return { channel: hit.channel, to: hit.id, chatType: "direct" };
    }
  }
  return undefined;
}
