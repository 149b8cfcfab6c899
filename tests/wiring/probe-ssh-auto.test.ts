// `gateway probe --ssh-auto` browses mDNS, and multicast runs only inside a private network namespace:
// this file runs tests/wiring/netns/ssh-auto.netns.ts under `unshare -n sh -c 'ip link set lo up && exec bun test …'`
// (as tests/discovery/netns.test.ts does), so no packet reaches a real interface. The pure target choice
// (address over host, TXT sshPort, TLS pin) is checked here directly.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { sshTargetFromBeacon } from "../../src/cli/gateway/probe.ts";
import type { GatewayBeacon } from "../../src/discovery/types.ts";
import { netnsSupport } from "../discovery/_netns.ts";

const REPO = join(import.meta.dir, "..", "..");
const support = netnsSupport();
const running = new Set<Subprocess>();
afterAll(() => {
  for (const proc of running) proc.kill("SIGKILL");
});

const beacon = (over: Partial<GatewayBeacon>): GatewayBeacon => ({
  instanceName: "GW",
  host: "gw.example.internal",
  port: 18789,
  wsUrl: "ws://192.0.2.7:18789",
  tls: false,
  tlsSha256: null,
  txt: {},
  source: "wide-area",
  domain: "example.internal.",
  addresses: ["192.0.2.7"],
  ...over,
});

describe("sshTargetFromBeacon", () => {
  test("the resolved address (IPv4 first, never link-local), the SRV port as the remote port", () => {
    expect(sshTargetFromBeacon(beacon({}))).toEqual({ display: "192.0.2.7", parsed: { destination: "192.0.2.7", port: undefined }, remotePort: 18789, tls: undefined });
    expect(sshTargetFromBeacon(beacon({ addresses: ["fe80::1", "fd7a:115c::5"] })).parsed).toEqual({ destination: "fd7a:115c::5", port: undefined });
    expect(sshTargetFromBeacon(beacon({ addresses: ["fd7a:115c::5"], txt: { sshPort: "2200" } })).display).toBe("[fd7a:115c::5]:2200");
  });

  test("no address: the SRV host; TXT host hints are ignored; sshPort 22 or junk adds no -p", () => {
    const picked = sshTargetFromBeacon(beacon({ addresses: [], txt: { lanHost: "evil.example", tailnetDns: "x.ts.net", sshPort: "22" } }));
    expect(picked.parsed).toEqual({ destination: "gw.example.internal", port: undefined });
    expect(sshTargetFromBeacon(beacon({ txt: { sshPort: "-oProxyCommand=x" } })).parsed!.port).toBeUndefined();
    expect(sshTargetFromBeacon(beacon({ txt: { sshPort: "70000" } })).parsed!.port).toBeUndefined();
  });

  test("a TLS beacon tunnels to wss:// with its fingerprint as the pin", () => {
    expect(sshTargetFromBeacon(beacon({ tls: true, tlsSha256: "AB:CD" })).tls).toEqual({ pin: "AB:CD" });
    expect(sshTargetFromBeacon(beacon({ tls: true })).tls).toEqual({ pin: null });
  });
});

describe.skipIf(!support.ok)(
  `gateway probe --ssh-auto in a private network namespace${support.ok ? "" : ` — SKIPPED: ${support.reason}; multicast is never tested on real interfaces`}`,
  () => {
    test("ssh-auto.netns.ts: wide-area and mDNS discovery → ssh shim tunnel → probe; TLS pin; nothing found", async () => {
      const proc = Bun.spawn(
        ["unshare", support.ok ? support.flags : "-n", "sh", "-c", 'ip link set lo up && exec "$0" test --timeout 60000 "$1"', process.execPath, "./tests/wiring/netns/ssh-auto.netns.ts"],
        { cwd: REPO, env: { ...process.env, OPENCLAW_TEST_NETNS: "1", NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" },
      );
      running.add(proc);
      const killer = setTimeout(() => proc.kill("SIGKILL"), 150_000);
      const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      clearTimeout(killer);
      running.delete(proc);
      const report = `${out}\n${err}`;
      console.log(report.split("\n").filter((line) => /^\((pass|fail|skip)\)|^ \d+ (pass|fail|skip)|error:/.test(line)).map((l) => `    ssh-auto.netns.ts ${l}`).join("\n"));
      if (proc.exitCode !== 0) throw new Error(`ssh-auto.netns.ts failed inside the namespace (exit ${proc.exitCode}):\n${report}`);
      expect(report).toMatch(/ [1-9]\d* pass/);
      expect(report).toMatch(/ 0 fail/);
      expect(report).not.toMatch(/ [1-9]\d* skip/); // inside the namespace nothing may skip
    }, 160_000);
  },
);
