// Runs the multicast suites in tests/discovery/netns/*.netns.ts, each in its own private network namespace
// (`unshare -n sh -c 'ip link set lo up && exec bun test …'`), so no mDNS packet ever reaches a real interface.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { compiledBinary } from "../helpers/binary.ts";
import { netnsSupport } from "./_netns.ts";

const REPO = join(import.meta.dir, "..", "..");
const support = netnsSupport();
const running = new Set<Subprocess>();
let bin = "";

const SUITES: { file: string; what: string }[] = [
  { file: "beacon.netns.ts", what: "gateway beacon ↔ `gateway discover` (compiled), goodbye, restart, TLS TXT" },
  { file: "independent.netns.ts", what: "independent bonjour-service publisher, name conflict" },
  { file: "failure.netns.ts", what: "nothing there (--timeout 500), mDNS socket unavailable, wide-area via the binary" },
];

describe.skipIf(!support.ok)(
  `mDNS suites in private network namespaces${support.ok ? "" : ` — SKIPPED: ${support.reason}; multicast is never tested on real interfaces`}`,
  () => {
    beforeAll(async () => {
      bin = await compiledBinary();
    }, 180_000);
    afterAll(() => {
      for (const proc of running) proc.kill("SIGKILL");
    });

    for (const suite of SUITES) {
      test(`${suite.file}: ${suite.what}`, async () => {
        const proc = Bun.spawn(
          ["unshare", support.ok ? support.flags : "-n", "sh", "-c", 'ip link set lo up && exec "$0" test --timeout 60000 "$1"', process.execPath, `./tests/discovery/netns/${suite.file}`],
          {
            cwd: REPO,
            env: { ...process.env, OPENCLAW_TEST_NETNS: "1", OPENCLAW_TEST_BIN: bin, NO_COLOR: "1" },
            stdout: "pipe",
            stderr: "pipe",
          },
        );
        running.add(proc);
        const killer = setTimeout(() => proc.kill("SIGKILL"), 150_000);
        const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
        clearTimeout(killer);
        running.delete(proc);
        const report = `${out}\n${err}`;
        // Show the inner results (bun test prints them on stderr) so the outer run lists every inner test.
        console.log(report.split("\n").filter((line) => /^\((pass|fail|skip)\)|^ \d+ (pass|fail|skip)|error:/.test(line)).map((l) => `    ${suite.file} ${l}`).join("\n"));
        if (proc.exitCode !== 0) throw new Error(`${suite.file} failed inside the namespace (exit ${proc.exitCode}):\n${report}`);
        expect(report).toMatch(/ [1-9]\d* pass/);
        expect(report).toMatch(/ 0 fail/);
        expect(report).not.toMatch(/ [1-9]\d* skip/); // inside the namespace nothing may skip
      }, 160_000);
    }
  },
);
