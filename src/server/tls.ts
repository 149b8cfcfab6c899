// The certificate the gateway serves (gateway.tls): configured files, or a self-signed pair generated once into
// the state dir when both files are missing. The served fingerprint comes from the loaded PEM, never from config,
// so the beacon and the listener can never disagree.
import type { X509Certificate } from "node:crypto";
import { nodeCrypto } from "../platform/node.ts";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { OpenClawConfig } from "../config/schema.ts";
import { gatewayTlsPaths } from "../config/tls-paths.ts";
import type { ServedTls } from "../surface/types.ts";
import { generateSelfSigned } from "./self-signed.ts";
import { GatewayStartError } from "./start-errors.ts";

/** Loaded TLS material: what Bun.serve gets, and what the gateway reports about it. */
export interface TlsMaterial extends ServedTls {
  cert: string;
  key: string;
  ca?: string;
  keyPath: string;
  caPath?: string;
}

/** What features are told of the material: the served facts, never the key or the PEM text. */
export function servedTls(tls: TlsMaterial): ServedTls {
  return { sha256: tls.sha256, certPath: tls.certPath, validTo: tls.validTo, generated: tls.generated };
}

type TlsConfig = NonNullable<NonNullable<OpenClawConfig["gateway"]>["tls"]>;

/**
 * Loads the material for a start, generating a self-signed pair when allowed (autoGenerate defaults to true)
 * and both files are missing. Throws GatewayStartError on a partial or unreadable pair: TLS was asked for, so
 * falling back to plain HTTP would be a lie.
 */
export function loadTlsForStart(tls: TlsConfig | undefined, stateDir: string): TlsMaterial | undefined {
  if (!tls?.enabled) return undefined;
  const paths = gatewayTlsPaths(tls, stateDir);
  const haveCert = existsSync(paths.certPath);
  const haveKey = existsSync(paths.keyPath);
  let generated = false;
  if (!haveCert && !haveKey && tls.autoGenerate !== false) {
    const pair = generateSelfSigned();
    writeNew(paths.keyPath, pair.key);
    writeNew(paths.certPath, pair.cert);
    generated = true;
  } else if (!haveCert || !haveKey) {
    throw new GatewayStartError(
      "config-invalid",
      `gateway.tls is enabled but ${!haveCert ? `the certificate ${paths.certPath}` : `the key ${paths.keyPath}`} is missing`,
      "Provide both files, or remove both (with gateway.tls.autoGenerate not false) to generate a self-signed pair.",
    );
  }
  try {
    return { ...readTlsMaterial(paths), generated };
  } catch (error) {
    throw new GatewayStartError("config-invalid", `gateway.tls: ${(error as Error).message}`, "Fix the certificate files, then start again.");
  }
}

/** Reads and validates a cert/key (and optional CA) set; throws a message naming the bad file, never key bytes. */
export function readTlsMaterial(paths: { certPath: string; keyPath: string; caPath?: string }): TlsMaterial {
  const cert = readText(paths.certPath, "certificate");
  const key = readText(paths.keyPath, "key");
  const ca = paths.caPath ? readText(paths.caPath, "CA bundle") : undefined;
  let x509: X509Certificate;
  try {
    x509 = new (nodeCrypto().X509Certificate)(cert);
  } catch {
    throw new Error(`${paths.certPath} is not a PEM certificate`);
  }
  let matches: boolean;
  try {
    const publicKey = nodeCrypto().createPublicKey(nodeCrypto().createPrivateKey(key));
    matches = x509.checkPrivateKey(nodeCrypto().createPrivateKey(key)) || publicKey.equals(x509.publicKey);
  } catch {
    throw new Error(`${paths.keyPath} is not a PEM private key`);
  }
  if (!matches) throw new Error(`${paths.keyPath} does not match the certificate ${paths.certPath}`);
  return { cert, key, ca, certPath: paths.certPath, keyPath: paths.keyPath, caPath: paths.caPath, sha256: x509.fingerprint256, validTo: x509.validTo, generated: false };
}

// --- internal ---

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Publishes a new file without overwriting anything (`wx`), private to the owner: the key is a secret. */
function writeNew(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { flag: "wx", mode: 0o600 });
  chmodSync(path, 0o600);
}
