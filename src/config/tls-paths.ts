import { nodeCrypto } from "../platform/node.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The `gateway.tls` keys that locate the certificate material. */
export interface TlsPathConfig {
  certPath?: string;
  keyPath?: string;
  caPath?: string;
}

/** Where the gateway's certificate and key live: configured paths, else `<stateDir>/gateway/tls/` (the reference's layout). */
export function gatewayTlsPaths(tls: TlsPathConfig | undefined, stateDir: string): { certPath: string; keyPath: string; caPath?: string } {
  const dir = join(stateDir, "gateway", "tls");
  return {
    certPath: tls?.certPath?.trim() || join(dir, "gateway-cert.pem"),
    keyPath: tls?.keyPath?.trim() || join(dir, "gateway-key.pem"),
    caPath: tls?.caPath?.trim() || undefined,
  };
}

/**
 * The local pin for a TLS gateway on this machine: the SHA-256 of the public certificate it serves. Client
 * commands only read it (never generate or repair files); a missing or unreadable file gives no pin.
 */
export function localTlsPin(tls: TlsPathConfig | undefined, stateDir: string): string | undefined {
  try {
    return new (nodeCrypto().X509Certificate)(readFileSync(gatewayTlsPaths(tls, stateDir).certPath)).fingerprint256;
  } catch {
    return undefined;
  }
}
