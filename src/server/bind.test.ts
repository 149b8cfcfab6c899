import { expect, test } from "bun:test";
import { planBind, tailnetAddress } from "./bind.ts";

const iface = (address: string, family: "IPv4" | "IPv6" = "IPv4") => ({ address, family, internal: false, netmask: "", mac: "", cidr: null }) as never;
const lo = { lo: [iface("127.0.0.1"), iface("::1", "IPv6")] };
const withTailnet = { ...lo, tailscale0: [iface("100.101.102.103")] };

test.each([
  ["loopback", undefined, lo, ["127.0.0.1", "::1"], true],
  ["lan", undefined, lo, ["0.0.0.0"], false],
  ["tailnet", undefined, withTailnet, ["100.101.102.103", "127.0.0.1"], false],
  ["auto", undefined, withTailnet, ["100.101.102.103", "127.0.0.1"], false],
  ["auto", undefined, lo, ["127.0.0.1", "::1"], true],
  ["custom", "192.0.2.7", lo, ["192.0.2.7", "127.0.0.1"], false],
  ["custom", "0.0.0.0", lo, ["0.0.0.0"], false],
  // A literal address as the bind itself (seed 004).
  ["192.0.2.9", undefined, lo, ["192.0.2.9", "127.0.0.1"], false],
  ["127.0.0.1", undefined, lo, ["127.0.0.1"], true],
  ["127.0.0.2", undefined, lo, ["127.0.0.2", "127.0.0.1"], true],
  ["::1", undefined, lo, ["::1"], true],
  ["fd00::5", undefined, lo, ["fd00::5", "127.0.0.1"], false],
  ["0.0.0.0", undefined, lo, ["0.0.0.0"], false],
] as const)("bind %s (%s) → %j", (mode, custom, interfaces, hosts, loopbackOnly) => {
  const plan = planBind(mode, custom, interfaces as never);
  expect(plan.hosts).toEqual([...hosts]);
  expect(plan.loopbackOnly).toBe(loopbackOnly);
});

test("tailnet without a 100.64/10 address is an error; custom needs an IPv4", () => {
  expect(() => planBind("tailnet", undefined, lo as never)).toThrow("no Tailscale address");
  expect(() => planBind("custom", undefined, lo as never)).toThrow("customBindHost");
  expect(() => planBind("custom", "my-host", lo as never)).toThrow("IPv4");
  expect(tailnetAddress({ x: [iface("100.128.0.1")] } as never)).toBeUndefined();
  expect(() => planBind("300.1.1.1", undefined, lo as never)).toThrow("or an IP address");
});
