// A self-signed certificate made with node:crypto alone (no openssl, no download), so the single binary can
// serve TLS on any platform: an ECDSA P-256 key and a minimal X.509 v3 certificate encoded by hand in DER.
import { nodeCrypto } from "../platform/node.ts";

/** A PEM certificate and its PKCS#8 PEM private key. */
export interface PemPair {
  cert: string;
  key: string;
}

export interface SelfSignedOptions {
  commonName?: string;
  /** DNS names and IP addresses for subjectAltName (clients check the host against it). */
  dnsNames?: string[];
  ips?: string[];
  now?: Date;
  validDays?: number;
}

/** Generates a fresh key and a self-signed certificate valid from one hour ago for `validDays` (default 825). */
export function generateSelfSigned(options: SelfSignedOptions = {}): PemPair {
  const { privateKey, publicKey } = nodeCrypto().generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 3_600_000);
  const notAfter = new Date(now.getTime() + (options.validDays ?? 825) * 86_400_000);
  const name = seq(set(seq(oid("2.5.4.3"), utf8(options.commonName ?? "openclaw-gateway"))));
  const serial = nodeCrypto().randomBytes(16);
  serial[0]! &= 0x7f; // positive INTEGER
  const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const san = [
    ...(options.dnsNames ?? ["localhost"]).map((dns) => tagged(0x82, Buffer.from(dns, "ascii"))),
    ...(options.ips ?? ["127.0.0.1", "::1"]).map((ip) => tagged(0x87, ipBytes(ip))),
  ];
  const extensions = tagged(
    0xa3,
    seq(
      seq(oid("2.5.29.19"), tagged(0x01, Buffer.from([0xff])), octets(seq())), // basicConstraints critical, CA:false
      seq(oid("2.5.29.15"), tagged(0x01, Buffer.from([0xff])), octets(tagged(0x03, Buffer.from([0x05, 0xa0])))), // keyUsage: digitalSignature, keyEncipherment
      seq(oid("2.5.29.37"), octets(seq(oid("1.3.6.1.5.5.7.3.1")))), // extKeyUsage: serverAuth
      seq(oid("2.5.29.17"), octets(seq(...san))),
    ),
  );
  const spki = publicKey.export({ format: "der", type: "spki" });
  const tbs = seq(tagged(0xa0, integer(Buffer.from([2]))), integer(serial), ecdsaWithSha256, name, seq(time(notBefore), time(notAfter)), name, spki, extensions);
  const signature = nodeCrypto().sign("sha256", tbs, privateKey);
  const der = seq(tbs, ecdsaWithSha256, tagged(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { cert: pem("CERTIFICATE", der), key: nodeCrypto().createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" })).export({ format: "pem", type: "pkcs8" }).toString() };
}

// --- DER encoding (only what a certificate needs) ---

function tagged(tag: number, body: Buffer): Buffer {
  const length = body.length;
  let head: number[];
  if (length < 0x80) head = [length];
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    head = [0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from([tag, ...head]), body]);
}

const seq = (...items: Buffer[]) => tagged(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tagged(0x31, Buffer.concat(items));
const octets = (body: Buffer) => tagged(0x04, body);
const utf8 = (text: string) => tagged(0x0c, Buffer.from(text, "utf8"));

function integer(bytes: Buffer): Buffer {
  return tagged(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [a! * 40 + b!];
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f];
    for (let n = part >> 7; n > 0; n >>= 7) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tagged(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return date.getUTCFullYear() < 2050 ? tagged(0x17, Buffer.from(iso.slice(2), "ascii")) : tagged(0x18, Buffer.from(iso, "ascii"));
}

function ipBytes(ip: string): Buffer {
  if (!ip.includes(":")) return Buffer.from(ip.split(".").map(Number));
  const [head, tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") && tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return Buffer.from(groups.flatMap((g) => [(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff]));
}

function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}
