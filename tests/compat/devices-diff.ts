// Opt-in: compares two outputs of devices-probe.ts (reference gateway vs ours) by shape — keys present on one side
// only, and values whose kind differs (ids, keys and timestamps are ignored). Usage:
//   bun tests/compat/devices-probe.ts ws://127.0.0.1:<ref port> <token> > ref.json
//   bun tests/compat/devices-probe.ts ws://127.0.0.1:<our port> <token> > ours.json
//   bun tests/compat/devices-diff.ts ref.json ours.json     (exit 1 when they differ)
import { readFileSync } from "node:fs";

const [refPath, oursPath] = process.argv.slice(2);
if (!refPath || !oursPath) {
  console.error("usage: bun tests/compat/devices-diff.ts <ref.json> <ours.json>");
  process.exit(2);
}
const ref = JSON.parse(readFileSync(refPath, "utf8"));
const ours = JSON.parse(readFileSync(oursPath, "utf8"));
const VOLATILE = /^(requestId|deviceId|nodeId|publicKey|deviceToken|token|ts|createdAtMs|approvedAtMs|issuedAtMs|rotatedAtMs|revokedAtMs|lastSeenAtMs|lastUsedAtMs|connectedAtMs|lastConnectedAtMs|id|reason)$/;
const lines: string[] = [];

function kind(value: unknown): string {
  return Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
}

function diff(a: unknown, b: unknown, path: string, key = ""): void {
  if (kind(a) !== kind(b)) return void lines.push(`~ ${path}: ref ${kind(a)} ${JSON.stringify(a)?.slice(0, 80)} | ours ${kind(b)} ${JSON.stringify(b)?.slice(0, 80)}`);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) lines.push(`~ ${path}: ref ${a.length} items | ours ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) diff(a[i], b[i], `${path}[${i}]`, key);
    return;
  }
  if (a && typeof a === "object" && b && typeof b === "object") {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const k of Object.keys(x)) if (!(k in y)) lines.push(`- only ref: ${path}.${k}`);
    for (const k of Object.keys(y)) if (!(k in x)) lines.push(`+ only ours: ${path}.${k}`);
    for (const k of Object.keys(x)) if (k in y) diff(x[k], y[k], `${path}.${k}`, k);
    return;
  }
  if (typeof a === "string" && !VOLATILE.test(key) && a !== b && !/^[0-9a-f-]{32,}$/i.test(a)) lines.push(`~ ${path}: ref ${JSON.stringify(a).slice(0, 100)} | ours ${JSON.stringify(b).slice(0, 100)}`);
}

diff(ref, ours, "");
console.log(lines.length === 0 ? "same shape" : lines.join("\n"));
process.exit(lines.length === 0 ? 0 : 1);
