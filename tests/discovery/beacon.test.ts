// The beacon's failure handling with a fake mDNS stack (no sockets): errors are caught, logged once,
// retried with back-off; conflicts rename; stop sends the goodbye; a foreign goodbye is answered.
import { describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import type { MdnsStack, MdnsStackFactory } from "../../src/discovery/_bonjour.ts";
import { MdnsBeacon } from "../../src/discovery/beacon.ts";

const FQDN = (name: string) => `${name}._openclaw-gw._tcp.local`;

/** A network of fake stacks: names other hosts own, and switches for bind and send failures. */
function fakeNetwork() {
  const net = {
    owners: new Set<string>(),
    bindError: undefined as (Error & { code?: string }) | undefined,
    sendError: undefined as (Error & { code?: string }) | undefined,
    stacks: [] as (MdnsStack & { mdns: EventEmitter & { responded: number } })[],
    published: [] as string[],
    goodbyes: 0,
    destroyed: 0,
    factory: (async () => {
      const mdns = Object.assign(new EventEmitter(), {
        responded: 0,
        query(name: string, _type: string, cb: (error?: Error | null) => void) {
          setTimeout(() => {
            cb(net.sendError ?? null);
            if (!net.sendError && net.owners.has(name)) mdns.emit("response", { answers: [{ name, type: "SRV", ttl: 120, data: { port: 1, target: "other.local" } }], additionals: [] });
          }, 1);
        },
        respond(_records: unknown, cb: () => void) {
          mdns.responded++;
          cb();
        },
      });
      setTimeout(() => (net.bindError ? mdns.emit("error", net.bindError) : mdns.emit("ready")), 1);
      const stack = {
        mdns,
        publish(config: { name: string }) {
          net.published.push(config.name);
          return { name: config.name, fqdn: FQDN(config.name), records: () => [] };
        },
        find: () => {
          throw new Error("not used");
        },
        unpublishAll(cb: () => void) {
          net.goodbyes++;
          cb();
        },
        destroy(cb: () => void) {
          net.destroyed++;
          cb();
        },
      };
      net.stacks.push(stack as any);
      return stack as any;
    }) as MdnsStackFactory,
  };
  return net;
}

function logs() {
  const lines: { level: string; message: string }[] = [];
  const log = { debug: (m: string) => lines.push({ level: "debug", message: m }), info: (m: string) => lines.push({ level: "info", message: m }), warn: (m: string) => lines.push({ level: "warn", message: m }) };
  return { lines, log, warns: () => lines.filter((l) => l.level === "warn").map((l) => l.message) };
}

const spec = { instanceName: "Box (OpenClaw)", hostLabel: "box", port: 18789, txt: { role: "gateway" } };
const fast = { retryBaseMs: 10, retryMaxMs: 40, probeIntervalMs: 2 };

async function until(check: () => boolean, what: string, timeoutMs = 3000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

describe("MdnsBeacon", () => {
  test("a socket that cannot bind (EADDRINUSE): logged once, retried with back-off, never thrown", async () => {
    const net = fakeNetwork();
    net.bindError = Object.assign(new Error("bind EADDRINUSE 0.0.0.0:5353"), { code: "EADDRINUSE" });
    const { log, warns } = logs();
    const beacon = new MdnsBeacon(spec, { log, createStack: net.factory, ...fast });
    beacon.start();
    await until(() => net.stacks.length >= 5, "five attempts");
    expect(warns()).toHaveLength(1);
    expect(warns()[0]).toContain("EADDRINUSE");
    expect(warns()[0]).toContain("retrying with back-off (next in 10 ms)");
    await beacon.stop();
    const attempts = net.stacks.length;
    await Bun.sleep(100);
    expect(net.stacks.length).toBe(attempts); // stop cancels the retry timer
    expect(net.destroyed).toBe(attempts); // every failed socket was closed
    expect(net.published).toEqual([]);
  });

  test("sending fails (no route), then the network comes back: it advertises and says so", async () => {
    const net = fakeNetwork();
    net.sendError = Object.assign(new Error("send ENETUNREACH 224.0.0.251:5353"), { code: "ENETUNREACH" });
    const { log, lines, warns } = logs();
    const beacon = new MdnsBeacon(spec, { log, createStack: net.factory, ...fast });
    beacon.start();
    await until(() => net.stacks.length >= 3, "three attempts");
    expect(warns()).toHaveLength(1);
    net.sendError = undefined;
    await until(() => beacon.advertisedName === "Box (OpenClaw)", "the advertisement");
    expect(lines.map((l) => l.message)).toContainEqual(expect.stringMatching(/advertising again after \d+ failed attempt/));
    await beacon.stop();
  });

  test("a taken name gets the next free numbered suffix", async () => {
    const net = fakeNetwork();
    net.owners.add(FQDN("Box (OpenClaw)"));
    net.owners.add(FQDN("Box (OpenClaw) (2)"));
    const { log, lines } = logs();
    const beacon = new MdnsBeacon(spec, { log, createStack: net.factory, ...fast });
    beacon.start();
    await until(() => beacon.advertisedName !== undefined, "the advertisement");
    expect(beacon.advertisedName).toBe("Box (OpenClaw) (3)");
    expect(lines.at(-1)!.message).toBe('mdns: advertising "Box (OpenClaw) (3)" as _openclaw-gw._tcp.local on port 18789 (name conflict: "Box (OpenClaw)" is taken on the network)');
    await beacon.stop();
  });

  test("dots in the instance name become dashes (bonjour-service splits names on dots)", async () => {
    const net = fakeNetwork();
    const beacon = new MdnsBeacon({ ...spec, instanceName: "gw.v2" }, { log: logs().log, createStack: net.factory, ...fast });
    beacon.start();
    await until(() => beacon.advertisedName !== undefined, "the advertisement");
    expect(net.published).toEqual(["gw-v2"]);
    await beacon.stop();
  });

  test("stop sends the goodbye and closes; stop during probing publishes nothing", async () => {
    const net = fakeNetwork();
    const beacon = new MdnsBeacon(spec, { log: logs().log, createStack: net.factory, ...fast });
    beacon.start();
    await until(() => beacon.advertisedName !== undefined, "the advertisement");
    await beacon.stop();
    await beacon.stop(); // twice is fine
    expect([net.goodbyes, net.destroyed]).toEqual([1, 1]);

    const early = fakeNetwork();
    const probing = new MdnsBeacon(spec, { log: logs().log, createStack: early.factory, retryBaseMs: 10, probeIntervalMs: 50 });
    probing.start();
    await Bun.sleep(20);
    await probing.stop();
    expect(early.published).toEqual([]);
    expect(early.destroyed).toBe(1);
  });

  test("after publishing: a socket error restarts the advertisement, a foreign goodbye is answered", async () => {
    const net = fakeNetwork();
    const { log, warns } = logs();
    const beacon = new MdnsBeacon(spec, { log, createStack: net.factory, ...fast });
    beacon.start();
    await until(() => beacon.advertisedName !== undefined, "the advertisement");
    const first = net.stacks[0]!;
    first.mdns.emit("response", { answers: [{ name: "_openclaw-gw._tcp.local", type: "PTR", ttl: 0, data: FQDN("Box (OpenClaw)") }], additionals: [] });
    expect(first.mdns.responded).toBe(1); // re-announced

    first.mdns.emit("error", Object.assign(new Error("socket EACCES"), { code: "EACCES" }));
    await until(() => net.published.length === 2, "the second advertisement");
    expect(warns()).toHaveLength(1);
    expect(net.destroyed).toBe(1);
    await beacon.stop();
  });

  test("another host announcing our name with its own SRV makes us step aside to a new name", async () => {
    const net = fakeNetwork();
    const beacon = new MdnsBeacon(spec, { log: logs().log, createStack: net.factory, ...fast });
    beacon.start();
    await until(() => beacon.advertisedName !== undefined, "the advertisement");
    net.owners.add(FQDN("Box (OpenClaw)"));
    net.stacks[0]!.mdns.emit("response", { answers: [{ name: FQDN("Box (OpenClaw)"), type: "SRV", ttl: 120, data: { port: 9, target: "other.local" } }], additionals: [] });
    await until(() => net.published.length === 2, "the renamed advertisement");
    expect(net.published).toEqual(["Box (OpenClaw)", "Box (OpenClaw) (2)"]);
    expect(net.goodbyes).toBe(0); // no goodbye for a name the other host now owns
    await beacon.stop();
  });
});
