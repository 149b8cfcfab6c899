// src/platform/ip.ts stands in for node:net's isIP on the start and handshake paths (node:net costs ~5 MB idle):
// it must answer exactly as node:net does.
import { expect, test } from "bun:test";
import * as net from "node:net";
import { isIP, isIPv4, isIPv6 } from "../../src/platform/ip.ts";

const CORPUS = [
  "", "1", "1.2.3", "1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4 ", "1.2.3.-4", "0.0.0.0",
  "::", "::1", "1::", "fe80::1%eth0", "fe80::1%", "fe80::1%en0.1", "::ffff:1.2.3.4", "::ffff:256.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
  "1:2:3:4:5:6:1.2.3.4", "1::2::3", "12345::1", "g::1", "[::1]", "::1/128", "2001:db8::", "2001:DB8:0:0:8:800:200C:417A", ":1", "1:", "1:::2",
  "localhost", "example.com", "1.2.3.4%eth0", "::1%1", "a:b:c:d:e:f:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
];

test("isIP, isIPv4 and isIPv6 answer as node:net does", () => {
  for (const value of CORPUS) {
    expect([value, isIP(value), isIPv4(value), isIPv6(value)]).toEqual([value, net.isIP(value) as 0 | 4 | 6, net.isIPv4(value), net.isIPv6(value)]);
  }
});
