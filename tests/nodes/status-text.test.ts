// The node detail texts `openclaw nodes status` and the Control UI's Nodes panel share: host stats (live, or the
// saved snapshot with its age once offline), presence (local input while connected, last sign of life after).
import { expect, test } from "bun:test";
import { hostStatsSummary, nodeVersions, presenceSummary } from "../../src/nodes/status-text.ts";

const GB = 2 ** 30;
const stats = { cpuCount: 24, loadAverage: [3.2, 2, 1], memoryTotalBytes: 192 * GB, memoryFreeBytes: 41 * GB, diskTotalBytes: 2 * 2 ** 40, diskAvailableBytes: Math.round(1.2 * 2 ** 40), updatedAtMs: 1_000_000 };

test("host stats: load per core, used/total memory, free disk; an offline node's snapshot says how old it is", () => {
  expect(hostStatsSummary(stats, true, 1_000_000)).toBe("load 3.2/24 · mem 151/192 GB · disk 1.2 TB free");
  expect(hostStatsSummary(stats, false, 1_000_000 + 3 * 3_600_000)).toBe("load 3.2/24 · mem 151/192 GB · disk 1.2 TB free (last known 3h ago)");
  expect(hostStatsSummary({ cpuCount: 2, memoryTotalBytes: 512 * 2 ** 20, memoryFreeBytes: 0 }, true, 0)).toBe("mem 512/512 MB");
  expect(hostStatsSummary(undefined, true, 0)).toBeNull();
  expect(hostStatsSummary({ cpuCount: "x" }, true, 0)).toBeNull();
});

test("presence: last input while connected, last seen (and why) once offline; nothing known is null", () => {
  const now = 10_000_000;
  expect(presenceSummary({ connected: true, lastActiveAtMs: now - 5 * 60_000 }, now)).toBe("input 5m ago");
  expect(presenceSummary({ connected: true, lastActiveAtMs: null }, now)).toBeNull();
  expect(presenceSummary({ connected: false, lastSeenAtMs: now - 2 * 3_600_000, lastSeenReason: "background" }, now)).toBe("seen 2h ago (background)");
  expect(presenceSummary({ connected: false, lastActiveAtMs: now }, now)).toBeNull();
});

test("versions: core for desktop platforms, ui for app nodes, both when reported apart", () => {
  expect(nodeVersions({ platform: "linux", version: "2026.9.6" })).toBe("core v2026.9.6");
  expect(nodeVersions({ platform: "ios", version: "1.0" })).toBe("ui v1.0");
  expect(nodeVersions({ coreVersion: "2.0", uiVersion: "beta" })).toBe("core v2.0 · ui beta");
  expect(nodeVersions({})).toBeNull();
});
