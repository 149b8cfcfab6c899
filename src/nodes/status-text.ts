// How a node's live detail reads for people, shared by `openclaw nodes status` and the Control UI's Nodes panel
// (which bundles it for the browser, so this file imports nothing): relative ages, host stats, presence.

/** The fields of a `node.list` / `node.describe` row these texts read. */
export interface NodeDetail {
  platform?: unknown;
  version?: unknown;
  coreVersion?: unknown;
  uiVersion?: unknown;
  connected?: unknown;
  hostStats?: unknown;
  lastActiveAtMs?: unknown;
  lastSeenAtMs?: unknown;
  lastSeenReason?: unknown;
}

/** The reference's relative age: just now, 5m ago, 3h ago (below two days), 4d ago. */
export function ago(ms: number): string {
  const minutes = Math.round(Math.round(ms / 1000) / 60);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h ago` : `${Math.round(hours / 24)}d ago`;
}

/** `core v1.2` for desktop hosts, `ui v1.2` for app nodes (the reference's reading of a bare `version`). */
export function nodeVersions(n: NodeDetail): string | null {
  const label = (v: string) => (/^\d/.test(v) ? `v${v}` : v);
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const core = text(n.coreVersion);
  const ui = text(n.uiVersion);
  const legacy = text(n.version);
  const desktop = ["darwin", "linux", "win32", "windows"].includes(String(n.platform ?? "").toLowerCase());
  const parts = core || ui ? [core && `core ${label(core)}`, ui && `ui ${label(ui)}`] : legacy ? [desktop ? `core ${label(legacy)}` : `ui ${label(legacy)}`] : [];
  return parts.filter(Boolean).join(" · ") || null;
}

/** Binary byte sizes with GB/TB labels, one decimal below 10. */
function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `load 3.2/24 · mem 151/192 GB · disk 1.2 TB free`, with the age of a saved snapshot when offline. */
export function hostStatsSummary(stats: any, connected: boolean, now: number): string | null {
  if (!stats || typeof stats.cpuCount !== "number" || typeof stats.memoryTotalBytes !== "number") return null;
  const total = bytes(stats.memoryTotalBytes);
  const unit = total.slice(total.lastIndexOf(" "));
  const used = bytes(stats.memoryTotalBytes - stats.memoryFreeBytes);
  const parts = [
    Array.isArray(stats.loadAverage) ? `load ${Number(stats.loadAverage[0]).toFixed(1)}/${stats.cpuCount}` : null,
    `mem ${used.endsWith(unit) ? used.slice(0, -unit.length) : used}/${total}`,
    typeof stats.diskAvailableBytes === "number" ? `disk ${bytes(stats.diskAvailableBytes)} free` : null,
  ].filter(Boolean).join(" · ");
  return connected || typeof stats.updatedAtMs !== "number" ? parts : `${parts} (last known ${ago(Math.max(0, now - stats.updatedAtMs))})`;
}

/** `input 5m ago` (last local input a connected node reported), or `seen 3h ago (background)` (its last sign of life). */
export function presenceSummary(n: NodeDetail, now: number): string | null {
  const parts: string[] = [];
  if (n.connected && typeof n.lastActiveAtMs === "number") parts.push(`input ${ago(Math.max(0, now - n.lastActiveAtMs))}`);
  if (!n.connected && typeof n.lastSeenAtMs === "number") parts.push(`seen ${ago(Math.max(0, now - n.lastSeenAtMs))}${typeof n.lastSeenReason === "string" ? ` (${n.lastSeenReason})` : ""}`);
  return parts.join(" · ") || null;
}
