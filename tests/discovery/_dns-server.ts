// An authoritative DNS server for tests, built with dns-packet, on 127.0.0.1 over UDP and TCP (same port).
// dns-packet cannot encode a dot inside a label, so while this server encodes an answer, dns-packet's name
// codec reads RFC 1035 presentation form (`Studio\032GW\.v2._openclaw-gw._tcp.example.`) instead.
import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server } from "node:net";
import * as dnsPacket from "dns-packet";

export interface ZoneEntry {
  /** Presentation form: `\.` is a dot inside a label, `\032` a space. */
  name: string;
  type: "PTR" | "SRV" | "TXT" | "A" | "AAAA";
  ttl?: number;
  /** dns-packet record data; names inside (PTR, SRV target) in presentation form too. */
  data: unknown;
}

export interface SeenQuery {
  name: string;
  type: string;
  transport: "udp" | "tcp";
}

export interface FakeDnsServer {
  host: string;
  port: number;
  nameserver: string;
  queries: SeenQuery[];
  close(): Promise<void>;
}

export interface DnsServerOptions {
  /** UDP answers to matching questions come back empty with TC set; TCP answers are complete. */
  truncate?: (question: { name: string; type: string }) => boolean;
  /** Never answer matching questions (a nameserver that drops them). */
  drop?: (question: { name: string; type: string }) => boolean;
}

/** Starts the server; the zone is read on every query, so tests may change `zone` in place. */
export async function startDnsServer(zone: ZoneEntry[], options: DnsServerOptions = {}): Promise<FakeDnsServer> {
  const queries: SeenQuery[] = [];
  const answer = (message: Buffer, transport: "udp" | "tcp"): Buffer | undefined => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return undefined;
    const seen = { name: question.name, type: question.type };
    queries.push({ ...seen, transport });
    if (options.drop?.(seen)) return undefined;
    const sameName = zone.filter((rr) => rawName(rr.name).toLowerCase() === question.name.toLowerCase());
    const answers = sameName.filter((rr) => rr.type === question.type);
    const truncated = transport === "udp" && options.truncate?.(seen);
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) | (sameName.length === 0 ? 3 : 0);
    return withPresentationNames(() =>
      dnsPacket.encode({
        id: query.id,
        type: "response",
        flags,
        questions: [question],
        answers: truncated ? [] : answers.map((rr) => ({ name: rr.name, type: rr.type, ttl: rr.ttl ?? 120, class: "IN", data: rr.data }) as dnsPacket.Answer),
      }),
    );
  };

  const udp: Socket = createSocket("udp4");
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", () => resolve()));
  const port = udp.address().port;
  udp.on("message", (message, rinfo) => {
    const reply = answer(message, "udp");
    if (reply) udp.send(reply, rinfo.port, rinfo.address);
  });
  const tcp: Server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const size = buffer.readUInt16BE(0);
        const reply = answer(buffer.subarray(2, 2 + size), "tcp");
        buffer = buffer.subarray(2 + size);
        if (reply) socket.write(Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 0xff]), reply]));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    host: "127.0.0.1",
    port,
    nameserver: `127.0.0.1:${port}`,
    queries,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

/** Presentation form → labels (independent of src/discovery on purpose). */
export function labelsOf(name: string): string[] {
  const labels: string[] = [];
  let bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const char = name[i]!;
    if (char === "\\" && /^\d{3}$/.test(name.slice(i + 1, i + 4))) {
      bytes.push(Number(name.slice(i + 1, i + 4)));
      i += 3;
    } else if (char === "\\") {
      bytes.push(...Buffer.from(name[++i] ?? ""));
    } else if (char === ".") {
      labels.push(Buffer.from(bytes).toString("utf8"));
      bytes = [];
    } else {
      bytes.push(...Buffer.from(char));
    }
  }
  labels.push(Buffer.from(bytes).toString("utf8"));
  return labels.filter((l) => l !== "");
}

/** The name as dns-packet decodes it from the wire: labels joined by dots, nothing escaped. */
export function rawName(name: string): string {
  return labelsOf(name).join(".");
}

function wire(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of labelsOf(name)) {
    const bytes = Buffer.from(label, "utf8");
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function withPresentationNames<T>(encode: () => T): T {
  const codec = (dnsPacket as unknown as { name: { encode: any; encodingLength: any } }).name;
  const original = { encode: codec.encode, encodingLength: codec.encodingLength };
  const encodeName = (name: string, buf?: Buffer, offset = 0) => {
    const bytes = wire(name);
    const out = buf ?? Buffer.alloc(bytes.length);
    bytes.copy(out, offset);
    encodeName.bytes = bytes.length;
    return out;
  };
  encodeName.bytes = 0;
  codec.encode = encodeName;
  codec.encodingLength = (name: string) => wire(name).length;
  try {
    return encode();
  } finally {
    codec.encode = original.encode;
    codec.encodingLength = original.encodingLength;
  }
}
