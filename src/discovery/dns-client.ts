// A small unicast DNS client: dns-packet decodes answers, the question is encoded here (so an instance label
// may hold dots), UDP first and TCP when the answer comes back truncated (RFC 1035 §4.2, RFC 7766).
// node:dns is not used: Bun refuses names with spaces without sending a query (engineering.md, verdict table).
import { nodeDgram, nodeDns, nodeNet } from "../platform/node.ts";
import { isIP } from "../platform/ip.ts";
import { readFileSync } from "node:fs";
import { decode, TRUNCATED_RESPONSE, type Packet } from "dns-packet";
import type { Deadline } from "./deadline.ts";
import { encodeName } from "./dns-name.ts";

export type QueryType = "PTR" | "SRV" | "TXT" | "A" | "AAAA";
const TYPE_CODES: Record<QueryType, number> = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33 };
const RECURSION_DESIRED = 0x0100;

export interface Nameserver {
  host: string;
  port: number;
}

export interface DnsResponse {
  packet: Packet;
  /** RCODE (0 NOERROR, 3 NXDOMAIN, …); @types/dns-packet has no field for it. */
  rcode: number;
  transport: "udp" | "tcp";
}

/** Parses `1.2.3.4`, `1.2.3.4:5300`, `[::1]:5300` or `::1`. */
export function parseNameserver(text: string): Nameserver {
  const value = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : 53 };
  if (isIP(value)) return { host: value, port: 53 };
  const hostPort = /^([^:]+):(\d+)$/.exec(value);
  if (hostPort && isIP(hostPort[1]!)) return { host: hostPort[1]!, port: Number(hostPort[2]) };
  throw new Error(`Expected a nameserver like 127.0.0.1, 127.0.0.1:5300 or [::1]:53, got ${JSON.stringify(text)}`);
}

/** The system's resolvers: node:dns (c-ares reads resolv.conf / the OS), else /etc/resolv.conf. */
export function systemNameservers(): Nameserver[] {
  let servers: string[] = [];
  try {
    servers = nodeDns().getServers();
  } catch {}
  if (servers.length === 0) {
    try {
      servers = readFileSync("/etc/resolv.conf", "utf8")
        .split("\n")
        .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
        .filter((s): s is string => Boolean(s));
    } catch {}
  }
  return servers.flatMap((server) => {
    try {
      return [parseNameserver(server)];
    } catch {
      return [];
    }
  });
}

/** Encodes one question (RD set: the system resolver may be recursive; an authoritative server ignores it). */
export function encodeQuery(id: number, labels: readonly string[], type: QueryType): Uint8Array {
  const name = encodeName(labels);
  const out = new Uint8Array(12 + name.length + 4);
  const view = new DataView(out.buffer);
  view.setUint16(0, id);
  view.setUint16(2, RECURSION_DESIRED);
  view.setUint16(4, 1); // QDCOUNT
  out.set(name, 12);
  view.setUint16(12 + name.length, TYPE_CODES[type]);
  view.setUint16(14 + name.length, 1); // class IN
  return out;
}

/** Asks one server; UDP with retransmission until the deadline, then TCP if the UDP answer had TC set. */
export async function queryDns(server: Nameserver, labels: readonly string[], type: QueryType, deadline: Deadline): Promise<DnsResponse> {
  const id = Math.floor(Math.random() * 0x10000);
  const query = encodeQuery(id, labels, type);
  const udp = await queryUdp(server, id, query, deadline);
  if ((udp.flags ?? 0) & TRUNCATED_RESPONSE) {
    const tcp = await queryTcp(server, id, query, deadline);
    return { packet: tcp, rcode: rcodeOf(tcp), transport: "tcp" };
  }
  return { packet: udp, rcode: rcodeOf(udp), transport: "udp" };
}

// --- internal ---

function rcodeOf(packet: Packet): number {
  return (packet.flags ?? 0) & 0xf;
}

function timeoutError(server: Nameserver, transport: string): Error {
  return Object.assign(new Error(`no answer from ${server.host}:${server.port} over ${transport} before the deadline`), { code: "ETIMEOUT" });
}

function queryUdp(server: Nameserver, id: number, query: Uint8Array, deadline: Deadline): Promise<Packet> {
  return new Promise((resolve, reject) => {
    const socket = nodeDgram().createSocket(isIP(server.host) === 6 ? "udp6" : "udp4");
    let retransmit: ReturnType<typeof setTimeout> | undefined;
    const overall = setTimeout(() => finish(timeoutError(server, "UDP")), deadline.remaining());
    function finish(result: Packet | Error) {
      clearTimeout(retransmit);
      clearTimeout(overall);
      try {
        socket.close();
      } catch {}
      result instanceof Error ? reject(result) : resolve(result);
    }
    socket.on("error", (error) => finish(error));
    socket.on("message", (message, rinfo) => {
      if (rinfo.port !== server.port) return;
      let packet: Packet;
      try {
        packet = decode(message);
      } catch {
        return; // garbage is not an answer; keep waiting
      }
      if (packet.id === id && packet.type === "response") finish(packet);
    });
    let interval = 400;
    const send = () => {
      socket.send(query, server.port, server.host, (error) => error && finish(error));
      // Retransmit with doubling spacing; the deadline timer ends it all.
      retransmit = setTimeout(send, interval);
      interval = Math.min(interval * 2, 2000);
    };
    send();
  });
}

function queryTcp(server: Nameserver, id: number, query: Uint8Array, deadline: Deadline): Promise<Packet> {
  return new Promise((resolve, reject) => {
    const socket = nodeNet().connect({ host: server.host, port: server.port });
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => finish(timeoutError(server, "TCP")), deadline.remaining());
    function finish(result: Packet | Error) {
      clearTimeout(timer);
      socket.destroy();
      result instanceof Error ? reject(result) : resolve(result);
    }
    socket.on("error", (error) => finish(error));
    socket.on("connect", () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
      while (buffer.length >= 2) {
        const size = buffer.readUInt16BE(0);
        if (buffer.length < 2 + size) return;
        const message = buffer.subarray(2, 2 + size);
        buffer = buffer.subarray(2 + size);
        try {
          const packet = decode(message);
          if (packet.id === id) return finish(packet);
        } catch (error) {
          return finish(error as Error);
        }
      }
    });
    socket.on("end", () => finish(new Error(`${server.host}:${server.port} closed the TCP connection without an answer`)));
  });
}
