// The one place that loads bonjour-service (lazily: +13 ms at start-up if imported eagerly, engineering.md §5)
// and exposes the slice of it the beacon and the browser use, so unit tests can pass a fake.
import type { Answer, Packet } from "dns-packet";
import type { RemoteInfo } from "node:dgram";
import type { Browser, BrowserConfig, ServiceConfig } from "bonjour-service";

/** The multicast-dns socket inside bonjour-service (`bonjour.server.mdns`). */
export interface MdnsSocket {
  on(event: "error" | "warning", listener: (error: Error & { code?: string }) => void): unknown;
  on(event: "ready", listener: () => void): unknown;
  on(event: "response", listener: (packet: Packet, rinfo: RemoteInfo) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
  query(name: string, type: string, callback: (error?: Error | null) => void): void;
  respond(records: Answer[] | { answers: Answer[] }, callback: (error?: Error | null) => void): void;
}

/** A published service as bonjour-service returns it. */
export interface PublishedService {
  name: string;
  fqdn: string;
  records(): Answer[];
}

export interface MdnsStack {
  mdns: MdnsSocket;
  publish(config: ServiceConfig): PublishedService;
  find(config: BrowserConfig): Browser;
  unpublishAll(callback: () => void): void;
  destroy(callback: () => void): void;
}

/** Builds a stack; `onError` receives what bonjour-service would otherwise throw (its default error callback). */
export type MdnsStackFactory = (onError: (error: Error) => void) => Promise<MdnsStack>;

/** The real stack: one bonjour-service instance on 0.0.0.0:5353 (never `interface` alone on Linux, engineering.md §1). */
export const bonjourStack: MdnsStackFactory = async (onError) => {
  const mod = (await import("bonjour-service")) as unknown as { Bonjour?: BonjourCtor; default?: BonjourCtor & { Bonjour?: BonjourCtor } };
  const Bonjour = mod.Bonjour ?? mod.default?.Bonjour ?? mod.default;
  if (!Bonjour) throw new TypeError("bonjour-service did not export Bonjour");
  const bonjour = new Bonjour({}, onError);
  const mdns = (bonjour as unknown as { server: { mdns: MdnsSocket } }).server.mdns;
  return {
    mdns,
    publish: (config) => bonjour.publish(config) as unknown as PublishedService,
    find: (config) => bonjour.find(config),
    unpublishAll: (callback) => bonjour.unpublishAll(callback),
    destroy: (callback) => bonjour.destroy(callback),
  };
};

type BonjourCtor = new (
  options: object,
  onError: (error: Error) => void,
) => {
  publish(config: ServiceConfig): unknown;
  find(config: BrowserConfig): Browser;
  unpublishAll(callback?: () => void): void;
  destroy(callback?: () => void): void;
};

/** Waits for the socket to bind ('ready') or fail ('error'), at most `timeoutMs`. */
export function whenReady(mdns: MdnsSocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`mDNS socket not ready after ${timeoutMs} ms`)), timeoutMs);
    const onReady = () => finish();
    const onError = (error: Error) => finish(error);
    function finish(error?: Error) {
      clearTimeout(timer);
      mdns.removeListener("ready", onReady);
      mdns.removeListener("error", onError);
      error ? reject(error) : resolve();
    }
    mdns.on("ready", onReady);
    mdns.on("error", onError);
  });
}

/** Runs `fn(callback)` and resolves when the callback fires or after `timeoutMs`; it never rejects. */
export function settle(fn: (callback: () => void) => void, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    try {
      fn(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
