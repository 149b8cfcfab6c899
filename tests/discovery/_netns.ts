// Multicast runs only inside a private network namespace (`unshare -n`, then `ip link set lo up`), never on
// the machine's interfaces: the main namespace routes 224.0.0.251 out of eth0 (engineering.md §1).
import { networkInterfaces } from "node:os";

/** Inside a namespace started by netns.test.ts: the env flag is set and lo is the only interface. */
export const INSIDE_NETNS =
  process.env.OPENCLAW_TEST_NETNS === "1" && Object.keys(networkInterfaces()).every((name) => name === "lo");

const SKIP_OUTSIDE = "skipped: runs only inside the private network namespace that tests/discovery/netns.test.ts starts";

/** A describe title that says why it is skipped outside the namespace. */
export function netnsTitle(title: string): string {
  return INSIDE_NETNS ? title : `${title} — ${SKIP_OUTSIDE}`;
}

/** The compiled binary the outer test built (inner files never build it themselves). */
export const TEST_BIN = process.env.OPENCLAW_TEST_BIN ?? "";

/** The `unshare` flags that give us a private network namespace here (`-n` as root, `-rn` via a user namespace). */
export function netnsSupport(): { ok: true; flags: string } | { ok: false; reason: string } {
  const failures: string[] = [];
  for (const flags of ["-n", "-rn"]) {
    try {
      const probe = Bun.spawnSync(["unshare", flags, "sh", "-c", "ip link set lo up"], { stdout: "pipe", stderr: "pipe" });
      if (probe.exitCode === 0) return { ok: true, flags };
      failures.push(`unshare ${flags}: ${probe.stderr.toString().trim() || `exit ${probe.exitCode}`}`);
    } catch (error) {
      return { ok: false, reason: `\`unshare\` is not available (${(error as Error).message})` };
    }
  }
  return { ok: false, reason: `no private network namespace (${failures.join("; ")})` };
}
