// `--node <idOrNameOrIp>` as the reference resolves it: exact id or IP first, then display name, then an
// id prefix of at least six characters; connected nodes win ties; an ambiguous name is an error.
import { CliError } from "../context.ts";

export interface NodeRow {
  nodeId: string;
  displayName?: string;
  remoteIp?: string;
  connected?: boolean;
  paired?: boolean;
  [key: string]: unknown;
}

export function resolveNodeId(nodes: readonly NodeRow[], query: string): string {
  const q = query.trim();
  const tiers: ((n: NodeRow) => boolean)[] = [
    (n) => n.nodeId === q || n.remoteIp === q,
    (n) => (n.displayName ?? "").toLowerCase() === q.toLowerCase(),
    (n) => q.length >= 6 && n.nodeId.startsWith(q),
  ];
  for (const match of tiers) {
    const hits = nodes.filter(match);
    const best = hits.some((n) => n.connected) ? hits.filter((n) => n.connected) : hits;
    if (best.length === 1) return best[0]!.nodeId;
    if (best.length > 1) throw new CliError(`ambiguous node: ${q} (matches ${best.map((n) => n.nodeId).join(", ")}); use an exact id`);
  }
  throw new CliError(`unknown node: ${q}`);
}
