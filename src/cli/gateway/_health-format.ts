// Human rendering of the `health` payload (spec §3.3), shared by `gateway health` and `openclaw health`.
import { painter, type Paint } from "./_style.ts";

type Record_ = Record<string, unknown>;

/** `Gateway Health` / `OK (<durationMs>ms)` / channel lines, as the reference prints them (spec §5). */
export function renderGatewayHealth(payload: unknown, color: boolean): string {
  const paint = painter(color);
  const health = asRecord(payload);
  const duration = typeof health.durationMs === "number" ? ` (${health.durationMs}ms)` : "";
  const lines = [paint("heading", "Gateway Health"), `${paint("success", "OK")}${duration}`];
  if (health.channels && typeof health.channels === "object") {
    for (const line of formatHealthChannelLines(health)) lines.push(styleChannelLine(line, paint));
  }
  return lines.join("\n");
}

/** One `<Label>: <state>` line per channel, in `channelOrder`. */
export function formatHealthChannelLines(health: Record_): string[] {
  const channels = asRecord(health.channels);
  const labels = asRecord(health.channelLabels);
  const order = Array.isArray(health.channelOrder) ? health.channelOrder.map(String) : Object.keys(channels);
  const lines: string[] = [];
  for (const id of order) {
    const channel = channels[id];
    if (!channel || typeof channel !== "object") continue;
    const label = typeof labels[id] === "string" ? (labels[id] as string) : id;
    lines.push(`${label}: ${channelState(asRecord(channel))}`);
  }
  return lines;
}

/** `30m`, `1h 30m`, `45s`: the heartbeat cadence without rounding milliseconds away. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [["w", 604_800_000], ["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(" ") || "0s";
}

function channelState(channel: Record_): string {
  const probe = channel.probe && typeof channel.probe === "object" ? asRecord(channel.probe) : undefined;
  const lastError = typeof channel.lastError === "string" && channel.lastError ? ` - ${channel.lastError}` : "";
  if (probe) {
    const elapsed = typeof probe.elapsedMs === "number" ? ` (${probe.elapsedMs}ms)` : "";
    const bot = asRecord(probe.bot).username;
    if (probe.ok === true) return `ok${typeof bot === "string" ? ` (@${bot})` : ""}${elapsed}`;
    const error = typeof probe.error === "string" ? ` - ${probe.error}` : lastError;
    return `failed${typeof probe.status === "number" ? ` (${probe.status})` : ""}${elapsed}${error}`;
  }
  if (channel.enabled === false) return "disabled";
  if (channel.linked === true) return "linked";
  if (channel.linked === false) return `not linked${lastError}`;
  if (channel.configured === false) return "not configured";
  if (channel.running === true) return "running";
  if (channel.configured === true) return `configured${lastError}`;
  return `unknown${lastError}`;
}

function styleChannelLine(line: string, paint: Paint): string {
  const colon = line.indexOf(": ");
  if (colon < 0) return line;
  const state = line.slice(colon + 2);
  const tone = /^(ok|linked|running|configured)/.test(state) ? "success" : /^failed|^not linked/.test(state) ? "error" : "muted";
  return `${line.slice(0, colon + 2)}${paint(tone, state)}`;
}

function asRecord(value: unknown): Record_ {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record_) : {};
}
