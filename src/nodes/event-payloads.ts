// The closed payload shapes of the node events the gateway stores (the reference's TypeBox schemas): anything
// else in them is refused as `invalid_payload`, so a node cannot park arbitrary data on its record.

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
const onlyKeys = (obj: Record<string, unknown>, keys: string[]) => Object.keys(obj).every((k) => keys.includes(k));

/** `node.host.stats`: cpuCount, optional 3 load averages, memory bytes, disk bytes as a pair; free ≤ total. */
export function validHostStats(s: Record<string, unknown>): boolean {
  if (!onlyKeys(s, ["cpuCount", "loadAverage", "memoryTotalBytes", "memoryFreeBytes", "diskTotalBytes", "diskAvailableBytes"])) return false;
  if (!isInt(s.cpuCount, 1, 4096) || !isInt(s.memoryTotalBytes, 0) || !isInt(s.memoryFreeBytes, 0)) return false;
  if ((s.memoryFreeBytes as number) > (s.memoryTotalBytes as number)) return false;
  if (s.loadAverage !== undefined) {
    const load = s.loadAverage;
    if (!Array.isArray(load) || load.length !== 3 || !load.every((v) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 100_000)) return false;
  }
  if (s.diskTotalBytes === undefined) return s.diskAvailableBytes === undefined;
  return isInt(s.diskTotalBytes, 0) && isInt(s.diskAvailableBytes, 0) && (s.diskAvailableBytes as number) <= (s.diskTotalBytes as number);
}

/** `node.presence.activity`: `{ idleSeconds, source?, saturated? }` or `{ action: "clear" }`. */
export function validPresenceActivity(p: Record<string, unknown>): boolean {
  if ("action" in p) return onlyKeys(p, ["action"]) && p.action === "clear";
  if (!onlyKeys(p, ["idleSeconds", "source", "saturated"]) || !isInt(p.idleSeconds, 0, 2_592_000)) return false;
  if (p.source !== undefined && p.source !== "app" && p.source !== "system") return false;
  return p.saturated === undefined || typeof p.saturated === "boolean";
}
