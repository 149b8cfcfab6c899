// Certificate pinning for wss:// (engineering.md §6): Bun's WebSocket only calls `checkServerIdentity`
// when it also verifies the chain, so the peer's certificate is first read with node:tls, compared with
// the pin, then trusted as an extra CA for the real connection, whose `checkServerIdentity` checks the pin
// again (a swapped certificate between the two connections is still refused).
import type { PeerCertificate } from "node:tls";
import { nodeTls } from "../platform/node.ts";
import type { Deadline } from "./deadline.ts";
import { GatewayClientError } from "./errors.ts";

/** `AB:CD:…`, `abcd…` or `sha256:abcd…` → lowercase hex without separators. */
export function normalizeFingerprint(value: string): string {
  return value.trim().replace(/^sha-?256:/i, "").replace(/[:\s]/g, "").toLowerCase();
}

/** WebSocket `tls` options that accept exactly the certificate with this SHA-256 fingerprint. */
export async function pinnedTlsOptions(url: URL, pin: string, deadline: Deadline): Promise<Record<string, unknown>> {
  const expected = normalizeFingerprint(pin);
  const peer = await peerCertificate(url, deadline);
  const actual = normalizeFingerprint(peer.fingerprint256 ?? "");
  if (actual !== expected) throw mismatch(url, expected, actual);
  return {
    // System roots keep a CA-signed pinned certificate valid; the leaf itself anchors a self-signed one.
    ca: [...nodeTls().rootCertificates, toPem(peer.raw)],
    checkServerIdentity: (_host: string, cert: { fingerprint256?: string }) => {
      const seen = normalizeFingerprint(cert.fingerprint256 ?? "");
      return seen === expected ? undefined : mismatch(url, expected, seen);
    },
  };
}

function mismatch(url: URL, expected: string, actual: string): GatewayClientError {
  return new GatewayClientError(
    "tls",
    `TLS certificate fingerprint mismatch for ${url.href}: expected sha256 ${expected}, got ${actual || "none"}`,
    { url: url.href },
  );
}

function peerCertificate(url: URL, deadline: Deadline): Promise<PeerCertificate> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const socket = nodeTls().connect({ host, port, servername: isIp(host) ? undefined : host, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new GatewayClientError("timeout", `gateway timeout after ${deadline.totalMs}ms reading the TLS certificate of ${url.href}`, { url: url.href }));
    }, deadline.remaining());
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate(false);
      socket.destroy();
      resolve(cert);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(new GatewayClientError("unreachable", `gateway not reachable at ${url.href}`, { url: url.href, cause: error }));
    });
  });
}

function toPem(raw: Buffer): string {
  const body = raw.toString("base64").match(/.{1,64}/g)?.join("\n") ?? "";
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}
