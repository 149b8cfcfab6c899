// The LAN beacon: advertises `_openclaw-gw._tcp.local` with bonjour-service. Nothing here may take the
// gateway down (field lessons, Discovery): every mDNS error is caught, logged once per window, and the
// advertisement is retried with back-off while the gateway keeps serving.
import type { Answer, Packet } from "dns-packet";
import { RateLimitedLog } from "./_rate-log.ts";
import { bonjourStack, settle, whenReady, type MdnsStack, type MdnsStackFactory, type PublishedService } from "./_bonjour.ts";
import { sameName } from "./dns-name.ts";
import { BONJOUR_TYPE, SERVICE_TYPE } from "./types.ts";

/** What to advertise. */
export interface BeaconSpec {
  instanceName: string;
  /** SRV target label; advertised as `<hostLabel>.local`. */
  hostLabel: string;
  port: number;
  txt: Record<string, string>;
}

export interface BeaconLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface BeaconOptions {
  log: BeaconLogger;
  /** Tests pass a fake stack; default: bonjour-service. */
  createStack?: MdnsStackFactory;
  /** First retry delay; doubles per failure up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Probe spacing (RFC 6762 §8.1: three probes 250 ms apart). */
  probeIntervalMs?: number;
  /** Conflict suffixes tried: "name (2)" … "name (maxSuffix)". */
  maxSuffix?: number;
}

type Phase = "idle" | "starting" | "published" | "stopped";

/** One advertisement per gateway generation: start() after listen, stop() sends the goodbye. */
export class MdnsBeacon {
  readonly #spec: BeaconSpec;
  readonly #log: BeaconLogger;
  readonly #createStack: MdnsStackFactory;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #probeIntervalMs: number;
  readonly #maxSuffix: number;
  readonly #errors: RateLimitedLog;
  readonly #warnings: RateLimitedLog;
  #phase: Phase = "idle";
  #stack: MdnsStack | undefined;
  #service: PublishedService | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #failures = 0;
  #lastDefence = 0;

  constructor(spec: BeaconSpec, options: BeaconOptions) {
    // bonjour-service turns dots into dashes in instance names (its browser splits on dots), so do it up front.
    this.#spec = { ...spec, instanceName: spec.instanceName.replaceAll(".", "-") };
    this.#log = options.log;
    this.#createStack = options.createStack ?? bonjourStack;
    this.#retryBaseMs = options.retryBaseMs ?? 1000;
    this.#retryMaxMs = options.retryMaxMs ?? 60_000;
    this.#probeIntervalMs = options.probeIntervalMs ?? 250;
    this.#maxSuffix = options.maxSuffix ?? 32;
    this.#errors = new RateLimitedLog((message) => this.#log.warn(message));
    this.#warnings = new RateLimitedLog((message) => this.#log.debug(message));
  }

  /** The instance name on the network (with a conflict suffix), once published. */
  get advertisedName(): string | undefined {
    return this.#phase === "published" ? this.#service?.name : undefined;
  }

  /** Starts advertising in the background; it never throws and never blocks. */
  start(): void {
    if (this.#phase !== "idle") return;
    this.#phase = "starting";
    this.#running = this.#attempt();
  }

  /** Cancels retries, sends the goodbye (TTL 0) and closes the socket; safe to call twice. */
  async stop(): Promise<void> {
    if (this.#phase === "stopped") return;
    this.#phase = "stopped";
    clearTimeout(this.#timer);
    await this.#running;
    await this.#teardown(true);
  }

  // --- internal ---

  async #attempt(): Promise<void> {
    try {
      await this.#publish();
      if (this.#failures > 0) this.#log.info(`mdns: advertising again after ${this.#failures} failed attempt(s)`);
      this.#failures = 0;
    } catch (error) {
      await this.#teardown(false);
      if (this.#phase === "stopped") return;
      this.#retryLater(error);
    }
  }

  #retryLater(error: unknown): void {
    this.#failures++;
    const delay = Math.min(this.#retryBaseMs * 2 ** (this.#failures - 1), this.#retryMaxMs);
    const code = (error as { code?: string })?.code;
    this.#errors.log(
      `advertise:${code ?? describe(error)}`,
      `mdns: advertise failed: ${describe(error)}; retrying with back-off (next in ${delay} ms), the gateway keeps serving`,
    );
    this.#phase = "idle";
    this.#timer = setTimeout(() => this.start(), delay);
    this.#timer.unref?.();
  }

  async #publish(): Promise<void> {
    const stack = await this.#createStack((error) => this.#errors.log(`respond:${describe(error)}`, `mdns: answering a query failed: ${describe(error)}`));
    this.#stack = stack;
    // A permanent listener: multicast-dns re-emits EADDRINUSE/EACCES as 'error', which would throw without one.
    stack.mdns.on("error", (error) => this.#onSocketError(stack, error));
    stack.mdns.on("warning", (error) => this.#warnings.log(`warning:${describe(error)}`, `mdns: ${describe(error)}`));
    await whenReady(stack.mdns, 5000);
    const name = await this.#chooseName(stack);
    if (this.#phase !== "starting" || this.#stack !== stack) return;
    this.#service = stack.publish({
      name,
      type: BONJOUR_TYPE,
      port: this.#spec.port,
      host: `${this.#spec.hostLabel}.local`,
      txt: this.#spec.txt,
      probe: false, // we probed ourselves: bonjour-service's own probe sends a goodbye for the other's name on conflict
      disableIPv6: true,
    });
    stack.mdns.on("response", this.#watch);
    this.#phase = "published";
    const renamed = name === this.#spec.instanceName ? "" : ` (name conflict: "${this.#spec.instanceName}" is taken on the network)`;
    this.#log.info(`mdns: advertising "${name}" as ${SERVICE_TYPE}.local on port ${this.#spec.port}${renamed}`);
  }

  async #chooseName(stack: MdnsStack): Promise<string> {
    const base = this.#spec.instanceName;
    for (let n = 1; n <= this.#maxSuffix; n++) {
      const candidate = n === 1 ? base : `${base} (${n})`;
      if (!(await this.#probe(stack, candidate))) return candidate;
      this.#log.info(`mdns: instance name "${candidate}" is already in use on the network; trying "${base} (${n + 1})"`);
    }
    throw new Error(`no free instance name after ${this.#maxSuffix} tries`);
  }

  /** Asks three times who owns `<name>._openclaw-gw._tcp.local`; resolves true when someone answers. */
  #probe(stack: MdnsStack, name: string): Promise<boolean> {
    const fqdn = `${name}.${SERVICE_TYPE}.local`;
    return new Promise((resolve, reject) => {
      let sent = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onResponse = (packet: Packet) => {
        const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
        if (records.some((rr) => rr.type !== "OPT" && sameName(rr.name, fqdn) && (rr.ttl ?? 1) > 0)) finish(true);
      };
      const finish = (result: boolean | Error) => {
        clearTimeout(timer);
        stack.mdns.removeListener("response", onResponse);
        result instanceof Error ? reject(result) : resolve(result);
      };
      const send = () => {
        if (this.#phase !== "starting") return finish(false);
        stack.mdns.query(fqdn, "ANY", (error) => {
          if (error) return finish(error);
          timer = setTimeout(++sent < 3 ? send : () => finish(false), this.#probeIntervalMs);
        });
      };
      stack.mdns.on("response", onResponse);
      send();
    });
  }

  /** After publishing: defend our name against a foreign goodbye, and step aside when someone else claims it. */
  readonly #watch = (packet: Packet) => {
    const service = this.#service;
    const stack = this.#stack;
    if (this.#phase !== "published" || !service || !stack) return;
    const answers = packet.answers ?? [];
    const host = `${this.#spec.hostLabel}.local`;
    const claimed = answers.some(
      (rr) => rr.type === "SRV" && (rr.ttl ?? 1) > 0 && sameName(rr.name, service.fqdn) && (rr.data.port !== this.#spec.port || !sameName(rr.data.target, host)),
    );
    if (claimed) {
      this.#log.info(`mdns: another host now announces "${service.name}"; picking a new name`);
      this.#restart(false);
      return;
    }
    const goodbye = answers.some((rr) => rr.type === "PTR" && rr.ttl === 0 && typeof rr.data === "string" && sameName(rr.data, service.fqdn));
    if (goodbye && Date.now() - this.#lastDefence > 1000) {
      // Someone said goodbye for our name (bonjour-service does on a lost probe); re-announce so browsers keep us.
      this.#lastDefence = Date.now();
      stack.mdns.respond(service.records() as Answer[], () => {});
    }
  };

  #onSocketError(stack: MdnsStack, error: Error): void {
    // During start-up whenReady() turns this into a failed attempt; later it means the socket is gone.
    if (this.#stack !== stack || this.#phase !== "published") return;
    this.#restart(false, error);
  }

  #restart(goodbye: boolean, error?: Error): void {
    this.#phase = "idle";
    this.#running = (async () => {
      await this.#teardown(goodbye);
      if (this.#phase === "stopped") return;
      if (error) return this.#retryLater(error);
      this.start();
    })();
  }

  async #teardown(goodbye: boolean): Promise<void> {
    const stack = this.#stack;
    const service = this.#service;
    this.#stack = undefined;
    this.#service = undefined;
    if (!stack) return;
    try {
      stack.mdns.removeListener("response", this.#watch);
      if (goodbye && service) await settle((done) => stack.unpublishAll(done), 1000);
      await settle((done) => stack.destroy(done), 1000);
    } catch (error) {
      this.#warnings.log(`teardown:${describe(error)}`, `mdns: closing the socket failed: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  const err = error as { code?: string; message?: string };
  if (!err || typeof err !== "object") return String(error);
  return err.code && !err.message?.includes(err.code) ? `${err.code} ${err.message ?? ""}`.trim() : (err.message ?? String(error));
}
