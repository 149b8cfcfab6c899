// Instance names with spaces and dots: escaping, parsing and wire encoding; zone-file formatting.
import { describe, expect, test } from "bun:test";
import { escapeLabel, encodeName, formatName, instanceFromFqdn, parseName } from "../../src/discovery/dns-name.ts";
import { formatZone, quoteTxt, wideAreaRecords } from "../../src/discovery/zone.ts";

describe("names", () => {
  test.each([
    ["Studio GW", "Studio\\032GW"],
    ["gw.v2", "gw\\.v2"],
    ["Box (OpenClaw)", "Box\\032\\(OpenClaw\\)"],
    ['a\\b;c"d', 'a\\\\b\\;c\\"d'],
    ["Café", "Caf\\195\\169"],
  ])("escapeLabel(%p) = %p and parses back", (label, escaped) => {
    expect(escapeLabel(label)).toBe(escaped);
    expect(parseName(`${escaped}._openclaw-gw._tcp.example.`)).toEqual([label, "_openclaw-gw", "_tcp", "example"]);
  });

  test("formatName is fully qualified", () => {
    expect(formatName(["Studio GW.v2", "_openclaw-gw", "_tcp", "openclaw", "internal"])).toBe("Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal.");
  });

  test("encodeName keeps a dotted label as one label", () => {
    expect([...encodeName(["a.b", "c"])]).toEqual([3, 97, 46, 98, 1, 99, 0]);
    expect(() => encodeName(["x".repeat(64)])).toThrow("longer than 63 bytes");
  });

  test("instanceFromFqdn takes everything before the service type as the one instance label", () => {
    expect(instanceFromFqdn("Studio GW.v2._openclaw-gw._tcp.example.", ["_openclaw-gw", "_tcp", "example"])).toBe("Studio GW.v2");
    expect(instanceFromFqdn("x._other._tcp.example", ["_openclaw-gw", "_tcp", "example"])).toBeUndefined();
  });
});

describe("zone records", () => {
  const records = wideAreaRecords({
    domain: "openclaw.internal",
    instanceName: "Studio GW.v2",
    hostLabel: "studio",
    port: 18789,
    txt: { role: "gateway", displayName: 'Say "hi"' },
    addresses: ["100.64.0.7", "fd7a::7"],
  });

  test("PTR, SRV, TXT, A and AAAA with escaped names", () => {
    expect(records.map((r) => [r.name, r.type, r.data])).toEqual([
      ["_services._dns-sd._udp.openclaw.internal.", "PTR", "_openclaw-gw._tcp.openclaw.internal."],
      ["_openclaw-gw._tcp.openclaw.internal.", "PTR", "Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal."],
      ["Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal.", "SRV", "0 0 18789 studio.openclaw.internal."],
      ["Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal.", "TXT", '"role=gateway" "displayName=Say \\"hi\\""'],
      ["studio.openclaw.internal.", "A", "100.64.0.7"],
      ["studio.openclaw.internal.", "AAAA", "fd7a::7"],
    ]);
  });

  test("zone text is aligned and commented", () => {
    const text = formatZone(records.slice(0, 2), ["header"]);
    expect(text).toBe(
      [
        "; header",
        "_services._dns-sd._udp.openclaw.internal.    120 IN PTR  _openclaw-gw._tcp.openclaw.internal.",
        "_openclaw-gw._tcp.openclaw.internal.         120 IN PTR  Studio\\032GW\\.v2._openclaw-gw._tcp.openclaw.internal.",
      ].join("\n"),
    );
  });

  test("TXT strings escape quotes, backslashes and non-ASCII", () => {
    expect(quoteTxt('a"b\\c✓')).toBe('"a\\"b\\\\c\\226\\156\\147"');
  });
});
