// `channels.telegram` → accounts: the root section is the `default` account (botToken, tokenFile, or
// TELEGRAM_BOT_TOKEN), `accounts.<id>` add more; access keys of an account inherit the root when omitted,
// an account's `groups` map replaces the root's. Transport settings form the fingerprint (a change restarts
// the account); access settings apply to the next message without a restart.
import { lstatSync, readFileSync } from "node:fs";
import { isSecretRef } from "../../config/secret-ref.ts";
import type { AccessSettings, AccountConfig, DmPolicy, GroupPolicy, GroupRule } from "../types.ts";
import { resolveProxy } from "./proxy.ts";

export const DEFAULT_API_ROOT = "https://api.telegram.org";
export const TELEGRAM_TEXT_LIMIT = 4096;

type Section = Record<string, any>;

const DM_POLICIES: DmPolicy[] = ["pairing", "allowlist", "open", "disabled"];
const GROUP_POLICIES: GroupPolicy[] = ["open", "allowlist", "disabled"];

/** `tg:123`, `telegram:123` and `123` are the same sender; `*` stays; anything else is kept verbatim. */
export function normalizeTelegramId(raw: string): string | undefined {
  const value = String(raw).trim().replace(/^(telegram|tg):/i, "");
  if (!value) return undefined;
  return value;
}

function list(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((v) => normalizeTelegramId(String(v))).filter((v): v is string => v !== undefined);
}

function access(root: Section, account: Section): AccessSettings {
  const pick = <T>(key: string): T | undefined => (account[key] !== undefined ? account[key] : root[key]);
  const dmPolicy = pick<string>("dmPolicy");
  const groupPolicy = pick<string>("groupPolicy");
  const groups = (account.groups ?? root.groups) as Record<string, GroupRule> | undefined;
  return {
    dmPolicy: DM_POLICIES.includes(dmPolicy as DmPolicy) ? (dmPolicy as DmPolicy) : "pairing",
    allowFrom: list(pick("allowFrom")) ?? [],
    groupPolicy: GROUP_POLICIES.includes(groupPolicy as GroupPolicy) ? (groupPolicy as GroupPolicy) : "allowlist",
    groupAllowFrom: list(pick("groupAllowFrom")),
    groups: groups && typeof groups === "object" ? groups : undefined,
  };
}

/** The resolved value of a SecretRef at a path relative to `channels.telegram` (undefined: not resolved). */
export type SecretAt = (path: string) => string | undefined;

/** A plaintext string as is; a SecretRef from the gateway's snapshot, or a problem naming the ref's config path. */
function secretInput(value: unknown, path: string, secret: SecretAt | undefined): { value?: string; problem?: string } {
  if (typeof value === "string") return { value: value.trim() || undefined };
  if (isSecretRef(value)) {
    const resolved = secret?.(path);
    return resolved ? { value: resolved.trim() } : { problem: `channels.telegram.${path} is a SecretRef with no resolved value (run openclaw secrets reload)` };
  }
  return {};
}

/** Reads the token of an account; never returns it in a problem text. */
function token(source: Section, env: Record<string, string | undefined>, isDefault: boolean, path: string, secret: SecretAt | undefined): { token?: string; source: string; problem?: string } {
  const configured = secretInput(source.botToken, path, secret);
  if (configured.problem) return { source: "secretRef", problem: configured.problem };
  if (configured.value) return { token: configured.value, source: isSecretRef(source.botToken) ? "secretRef" : "config" };
  if (typeof source.tokenFile === "string" && source.tokenFile.trim()) {
    try {
      const stat = lstatSync(source.tokenFile);
      if (!stat.isFile()) return { source: "tokenFile", problem: `tokenFile ${source.tokenFile} is not a regular file (symlinks are rejected)` };
      const value = readFileSync(source.tokenFile, "utf8").trim();
      return value ? { token: value, source: "tokenFile" } : { source: "tokenFile", problem: `tokenFile ${source.tokenFile} is empty` };
    } catch {
      return { source: "tokenFile", problem: `tokenFile ${source.tokenFile} cannot be read` };
    }
  }
  if (isDefault && env.TELEGRAM_BOT_TOKEN?.trim()) return { token: env.TELEGRAM_BOT_TOKEN.trim(), source: "env" };
  return { source: "none", problem: "no botToken, tokenFile or TELEGRAM_BOT_TOKEN" };
}

/** A webhook needs a secret: without one anybody who finds the path could inject updates. */
export function webhookProblem(webhook: { secret: string; path: string } | undefined): string | undefined {
  if (!webhook) return undefined;
  if (!webhook.secret || !/^[A-Za-z0-9_-]{1,256}$/.test(webhook.secret)) return "webhookUrl needs webhookSecret (1-256 of A-Z a-z 0-9 _ -)";
  if (!webhook.path.startsWith("/")) return "webhookPath must start with /";
  return undefined;
}

/** Every account configured under `channels.telegram`. */
export function telegramAccounts(section: Section, env: Record<string, string | undefined>, secret?: SecretAt): AccountConfig[] {
  const accounts = section.accounts && typeof section.accounts === "object" ? (section.accounts as Record<string, Section>) : {};
  const ids = Object.keys(accounts);
  const rootHasToken = Boolean(section.botToken || section.tokenFile || (!ids.length && env.TELEGRAM_BOT_TOKEN));
  if (!ids.includes("default") && (rootHasToken || ids.length === 0)) ids.unshift("default");
  return ids.map((accountId) => {
    const own = accountId === "default" && !accounts.default ? {} : (accounts[accountId] ?? {});
    const isDefault = accountId === "default";
    const inherits = isDefault && !own.botToken && !own.tokenFile;
    const tok = token(inherits ? { ...section, ...own } : own, env, isDefault, inherits && !own.botToken ? "botToken" : `accounts.${accountId}.botToken`, secret);
    const apiRoot = String(own.apiRoot ?? section.apiRoot ?? DEFAULT_API_ROOT);
    const proxy = resolveProxy(own.proxy ?? section.proxy, apiRoot, env);
    const enabled = section.enabled !== false && own.enabled !== false;
    const streamingRaw = own.streaming ?? section.streaming;
    const streamingMode = typeof streamingRaw === "string" ? streamingRaw : typeof streamingRaw === "object" ? streamingRaw?.mode : undefined;
    const streaming = (["off", "partial", "block", "progress"].includes(streamingMode) ? streamingMode : "partial") as AccountConfig["streaming"];
    const commands = own.customCommands ?? section.customCommands ?? [];
    // Webhook mode on the gateway port: Telegram posts to webhookUrl, which must reach <gateway>/<webhookPath>.
    const webhookUrl = own.webhookUrl ?? (isDefault ? section.webhookUrl : undefined);
    const ownSecret = own.webhookSecret !== undefined;
    const hookSecret = secretInput(ownSecret ? own.webhookSecret : isDefault ? section.webhookSecret : undefined, ownSecret ? `accounts.${accountId}.webhookSecret` : "webhookSecret", secret);
    const webhook = typeof webhookUrl === "string" && webhookUrl
      ? { url: webhookUrl, secret: hookSecret.value ?? "", path: String(own.webhookPath ?? (isDefault ? (section.webhookPath ?? "/telegram-webhook") : `/telegram-webhook/${accountId}`)) }
      : undefined;
    const limit = Number(own.textChunkLimit ?? section.textChunkLimit ?? TELEGRAM_TEXT_LIMIT);
    return {
      accountId,
      name: typeof own.name === "string" ? own.name : undefined,
      enabled,
      problem: tok.problem ?? (webhook ? hookSecret.problem : undefined) ?? webhookProblem(webhook) ?? proxy.problem,
      access: access(section, own),
      textChunkLimit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, TELEGRAM_TEXT_LIMIT) : TELEGRAM_TEXT_LIMIT,
      streaming,
      fingerprint: JSON.stringify([tok.token ?? null, apiRoot, proxy.url ?? null, enabled, commands, webhook ?? null]),
      raw: { token: tok.token, tokenSource: tok.source, apiRoot, proxy: proxy.url, customCommands: commands, mediaMaxMb: own.mediaMaxMb ?? section.mediaMaxMb, webhook },
    };
  });
}

/** `defaultAccount` when it names an account, else `default`, else the first. */
export function telegramDefaultAccount(section: Section, accounts: AccountConfig[]): string {
  const ids = accounts.map((a) => a.accountId);
  if (typeof section.defaultAccount === "string" && ids.includes(section.defaultAccount)) return section.defaultAccount;
  return ids.includes("default") ? "default" : (ids[0] ?? "default");
}
