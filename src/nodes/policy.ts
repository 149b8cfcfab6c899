// The gateway's node command policy (the reference's): a per-platform default allowlist, dangerous commands
// that need `gateway.nodes.commands.allow`, `gateway.nodes.commands.deny` winning over both, and the refusal
// texts `node.invoke` answers with. A command runs only when the node declares it, its approved surface holds it
// and this allowlist admits it.

const CAMERA = ["camera.list"];
const LOCATION = ["location.get"];
const DEVICE = ["device.info", "device.status"];
const PERSONAL = ["contacts.search", "calendar.events", "reminders.list", "photos.latest", "motion.activity", "motion.pedometer"];
const NOTIFY = "system.notify";
const SYSTEM_RUN = ["system.run.prepare", "system.run", "system.which"];
const EXEC_APPROVALS = ["system.execApprovals.get", "system.execApprovals.set"];
const FILES = ["fs.listDir", "terminal.upload"];
const BROWSER_PROXY = ["browser.proxy", "browser.proxy.upload.v1"];
const HOST_EXTRAS = ["mcp.tools.call.v1", "agent.cli.claude.run.v1"];
const SYSTEM = [...SYSTEM_RUN, ...EXEC_APPROVALS, ...FILES, NOTIFY, ...BROWSER_PROXY, ...HOST_EXTRAS];
const DESKTOP_SCREEN = ["screen.snapshot", "desktop.stream"];
const COMPUTER = ["computer.act"];
const TALK_PTT = ["talk.ptt.start", "talk.ptt.stop", "talk.ptt.cancel", "talk.ptt.once"];
const WATCH_RELAY = ["watch.status", "watch.notify"];

/** Need an explicit `gateway.nodes.commands.allow` entry even when a node declares them. */
export const DANGEROUS_NODE_COMMANDS = ["camera.snap", "camera.clip", "camera.ptz.control", "screen.record", "contacts.add", "calendar.add", "reminders.add", "sms.send", "sms.search", "health.summary"];

/** Desktop host commands: not platform defaults; allowed on desktop platforms once the node's approved surface carries them. */
const DESKTOP_HOST = new Set([...SYSTEM_RUN, ...EXEC_APPROVALS, ...FILES, ...BROWSER_PROXY, ...HOST_EXTRAS, ...DESKTOP_SCREEN]);

/** Worker controls the gateway sends itself; never invocable through node.invoke. */
export const PRIVATE_NODE_COMMANDS = new Set([
  "worker.bundle.install.v1", "worker.launch.v1", "worker.status.v1", "worker.cancel.v1", "worker.environment.stop.v1", "worker.workspace.exec.v1",
  "worker.workspace.prepare.v1", "worker.workspace.retain.v1", "worker.desktop.stream.v1", "worker.desktop.launch.v1", "worker.desktop.computer.v1", "worker.portal.stream.v1",
]);

/** The reference's Canvas plugin (on by default) registers these as a macOS default through its node invoke policy. */
const CANVAS = ["canvas.present", "canvas.hide", "canvas.navigate"];

type PlatformId = "ios" | "watchos" | "android" | "macos" | "windows" | "linux" | "unknown";

const PLATFORM_DEFAULTS: Record<PlatformId, readonly string[]> = {
  ios: [...CAMERA, ...LOCATION, ...DEVICE, ...PERSONAL, NOTIFY],
  watchos: [...DEVICE, NOTIFY],
  android: [...CAMERA, ...LOCATION, "notifications.list", "notifications.actions", NOTIFY, ...DEVICE, "device.permissions", "device.health", "device.apps", "contacts.search", "calendar.events", "callLog.search", "reminders.list", "photos.latest", "motion.activity", "motion.pedometer", "mobile.ui.observe", "mobile.ui.act"],
  macos: [...CAMERA, "camera.ptz.status", ...LOCATION, ...DEVICE, "device.apps", ...PERSONAL, ...SYSTEM, ...DESKTOP_SCREEN, ...COMPUTER, ...CANVAS],
  linux: [...SYSTEM, ...DESKTOP_SCREEN, ...COMPUTER],
  windows: [...CAMERA, ...LOCATION, ...DEVICE, ...SYSTEM, ...DESKTOP_SCREEN, ...COMPUTER],
  unknown: [...CAMERA, ...LOCATION, NOTIFY],
};

const isDesktop = (p: PlatformId) => p === "macos" || p === "windows" || p === "linux";
const norm = (v: unknown) => (typeof v === "string" ? v.trim().normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase() : "");

function familyMatches(platform: PlatformId, family: string): boolean {
  switch (platform) {
    case "ios": return family === "" || /^(?:iphone|ipad|ios)$/.test(family);
    case "watchos": return family === "apple watch" || family === "watchos";
    case "android": return family === "" || family === "android";
    case "macos": return family === "mac";
    default: return family === platform;
  }
}

/** The policy platform of a node: an exact id must agree with its device family; native labels like "iOS 18.2" count. */
export function policyPlatform(platform: unknown, deviceFamily: unknown): PlatformId {
  const raw = norm(platform);
  const family = norm(deviceFamily);
  const exact = (["ios", "watchos", "android", "macos", "windows", "linux"] as const).find((p) => p === raw);
  if (exact) return familyMatches(exact, family) ? exact : "unknown";
  if (/^(?:ios|ipados) \d+(?:\.\d+){0,2}$/.test(raw)) return /^(?:iphone|ipad|ios)$/.test(family) ? "ios" : "unknown";
  if (/^watchos \d+(?:\.\d+){0,2}$/.test(raw)) return /^(?:apple watch|watchos)$/.test(family) ? "watchos" : "unknown";
  if (/^macos \d+(?:\.\d+){0,2}$/.test(raw)) return family === "mac" ? "macos" : "unknown";
  if (/^android \d+(?: \(sdk \d+\))?$/.test(raw)) return family === "android" ? "android" : "unknown";
  if (raw) return "unknown";
  const byFamily: [PlatformId, string[]][] = [["ios", ["iphone", "ipad", "ios"]], ["watchos", ["apple watch", "watchos"]], ["android", ["android"]], ["macos", ["mac"]], ["windows", ["windows"]], ["linux", ["linux"]]];
  return byFamily.find(([, tokens]) => tokens.some((t) => family.includes(t)))?.[0] ?? "unknown";
}

/** `gateway.nodes.commands` as configured. */
export interface CommandsConfig {
  allow: string[];
  deny: string[];
}

/** What the allowlist of one node depends on. */
export interface PolicyNode {
  platform?: string;
  deviceFamily?: string;
  caps: readonly string[];
  commands: readonly string[];
  /** The node's approved command surface: desktop host commands in it are admitted on desktop platforms. */
  approvedCommands: readonly string[];
}

/**
 * The commands the gateway lets this node run (before the node's own declaration is checked). `pairing` is the
 * wider list a declaration is filed and approved against: desktop host commands and dangerous commands may be
 * declared (and approved) there, they still need the runtime list to run.
 */
export function nodeAllowlist(config: CommandsConfig, node: PolicyNode, options: { pairing?: boolean } = {}): Set<string> {
  const platform = policyPlatform(node.platform, node.deviceFamily);
  const pairing = options.pairing === true;
  const base = PLATFORM_DEFAULTS[platform].filter((c) => pairing || !isDesktop(platform) || !DESKTOP_HOST.has(c));
  const watch = platform === "ios" && norm(node.deviceFamily) === "iphone" ? WATCH_RELAY : [];
  const talk = node.caps.some((c) => norm(c) === "talk") || node.commands.some((c) => norm(c).startsWith("talk.")) ? TALK_PTT : [];
  const approved = isDesktop(platform) ? node.approvedCommands.filter((c) => DESKTOP_HOST.has(c.trim())) : [];
  const dangerous = pairing ? [] : DANGEROUS_NODE_COMMANDS;
  const allow = new Set([...base, ...watch, ...talk, ...approved].map((c) => c.trim()).filter((c) => c && !dangerous.includes(c)));
  for (const extra of config.allow) if (extra.trim()) allow.add(extra.trim());
  for (const blocked of config.deny) if (!(pairing && DANGEROUS_NODE_COMMANDS.includes(blocked.trim()))) allow.delete(blocked.trim());
  for (const hidden of PRIVATE_NODE_COMMANDS) allow.delete(hidden);
  return allow;
}

/** A declared list as the policy reads it: trimmed, unique, private worker controls removed. */
export function declaredList(v: unknown): string[] {
  const out = new Set<string>();
  for (const c of Array.isArray(v) ? v : []) if (typeof c === "string" && c.trim() && !PRIVATE_NODE_COMMANDS.has(c.trim())) out.add(c.trim());
  return [...out];
}

/** What a live node may run now: approved, still declared and allowed (the reference's session commands). */
export function effectiveCommands(config: CommandsConfig, node: { platform?: string; deviceFamily?: string; caps: readonly string[]; declared: readonly string[]; approved: readonly string[] }): { declared: string[]; effective: string[] } {
  const base = { platform: node.platform, deviceFamily: node.deviceFamily, caps: node.caps };
  const pairingList = nodeAllowlist(config, { ...base, commands: node.declared, approvedCommands: node.declared }, { pairing: true });
  const declared = declaredList(node.declared).filter((c) => pairingList.has(c));
  const approved = declaredList(node.approved).filter((c) => pairingList.has(c));
  const runtime = nodeAllowlist(config, { ...base, commands: declared, approvedCommands: declared });
  return { declared, effective: approved.filter((c) => declared.includes(c) && runtime.has(c)) };
}

export type CommandVerdict = { ok: true } | { ok: false; reason: "command not allowlisted" | "command not declared by node" | "node did not declare commands" };

/** The reference's order: allowlist first, then the node's (effective) declaration. */
export function commandAllowed(command: string, effective: readonly string[], allowlist: Set<string>): CommandVerdict {
  if (PRIVATE_NODE_COMMANDS.has(command) || !allowlist.has(command)) return { ok: false, reason: "command not allowlisted" };
  if (effective.length === 0) return { ok: false, reason: "node did not declare commands" };
  if (!effective.includes(command)) return { ok: false, reason: "command not declared by node" };
  return { ok: true };
}

/** The message `node.invoke` refuses with, naming what to change. */
export function rejectionHint(reason: string, command: string, platform: string, declared: readonly string[], config: CommandsConfig): string {
  if (reason === "command not declared by node") return `node command not allowed: the node (platform: ${platform}) does not support "${command}"`;
  if (reason === "command not allowlisted") {
    if (command.startsWith("talk.")) return `node command not allowed: "${command}" requires a trusted Talk-capable node`;
    if (config.deny.some((d) => d.trim() === command)) return `node command not allowed: "${command}" is blocked by gateway.nodes.commands.deny`;
    if (DANGEROUS_NODE_COMMANDS.includes(command)) return `node command not allowed: "${command}" requires explicit gateway.nodes.commands.allow opt-in`;
    return `node command not allowed: "${command}" is not in the allowlist for platform "${platform}"`;
  }
  if (reason === "node did not declare commands") {
    if (declared.includes(command)) return "node command not allowed: the node's declared command surface is pending approval; run `openclaw nodes pending`, then `openclaw nodes approve <requestId>`";
    return "node command not allowed: the node did not declare any supported commands";
  }
  return `node command not allowed: ${reason}`;
}

/** Reads `gateway.nodes.commands` from a config object; anything but string arrays counts as empty. */
export function commandsConfig(config: Record<string, unknown>): CommandsConfig {
  const commands = (config.gateway as { nodes?: { commands?: { allow?: unknown; deny?: unknown } } } | undefined)?.nodes?.commands;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((c): c is string => typeof c === "string") : []);
  return { allow: list(commands?.allow), deny: list(commands?.deny) };
}

/** The declared commands a connecting node may file for approval: within the pairing allowlist of its platform. */
export function pairableCommands(config: Record<string, unknown>, params: { client: { platform?: string; deviceFamily?: string }; caps?: unknown; commands?: unknown }, declared: string[]): string[] {
  const caps = declaredList(params.caps);
  const list = nodeAllowlist(commandsConfig(config), { platform: params.client.platform, deviceFamily: params.client.deviceFamily, caps, commands: declared, approvedCommands: declared }, { pairing: true });
  return declaredList(declared).filter((c) => list.has(c));
}
