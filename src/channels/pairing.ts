// DM pairing: an unknown sender under `dmPolicy: "pairing"` gets a short code; an operator approves it and
// the sender joins that account's stored allowlist. Codes are 8 characters without look-alikes (0 O 1 I),
// expire after an hour, at most 3 pending per account. Files are 0600 under `<state>/credentials/`.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PAIRING_TTL_MS = 60 * 60_000;
export const PAIRING_MAX_PENDING = 3;
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export interface PairingRequest {
  code: string;
  channel: string;
  accountId: string;
  senderId: string;
  senderLabel: string;
  meta?: Record<string, string>;
  createdAt: number;
  lastSeenAt: number;
}

function randomCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

function writeSecret(path: string, value: unknown): void {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function readJson(path: string): any {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

export class PairingStore {
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  #requestsPath(channel: string): string {
    return join(this.dir, `${channel}-pairing.json`);
  }

  #allowPath(channel: string, accountId: string): string {
    return join(this.dir, accountId === "default" ? `${channel}-allowFrom.json` : `${channel}-${accountId}-allowFrom.json`);
  }

  /** Pending, unexpired requests of a channel (optionally one account). */
  list(channel: string, accountId?: string): PairingRequest[] {
    const cutoff = this.now() - PAIRING_TTL_MS;
    const all: PairingRequest[] = readJson(this.#requestsPath(channel))?.requests ?? [];
    return all.filter((r) => r.createdAt > cutoff && (!accountId || r.accountId === accountId));
  }

  /**
   * The pending code of a sender, creating one when there is none; `created` says whether the bot should
   * tell the sender (only a new request is announced). Undefined when the account already has 3 pending.
   */
  request(channel: string, accountId: string, senderId: string, senderLabel: string, meta?: Record<string, string>): { request: PairingRequest; created: boolean } | undefined {
    const pending = this.list(channel);
    const mine = pending.find((r) => r.accountId === accountId && r.senderId === senderId);
    if (mine) {
      mine.lastSeenAt = this.now();
      writeSecret(this.#requestsPath(channel), { version: 1, requests: pending });
      return { request: mine, created: false };
    }
    if (pending.filter((r) => r.accountId === accountId).length >= PAIRING_MAX_PENDING) return undefined;
    let code = randomCode();
    while (pending.some((r) => r.code === code)) code = randomCode();
    const request: PairingRequest = { code, channel, accountId, senderId, senderLabel, meta, createdAt: this.now(), lastSeenAt: this.now() };
    writeSecret(this.#requestsPath(channel), { version: 1, requests: [...pending, request] });
    return { request, created: true };
  }

  /** Removes a pending request by code (case-insensitive); with `approve`, adds its sender to the allowlist. */
  resolve(channel: string, code: string, approve: boolean, accountId?: string): PairingRequest | undefined {
    const pending = this.list(channel);
    const wanted = code.trim().toUpperCase();
    const hit = pending.find((r) => r.code === wanted && (!accountId || r.accountId === accountId));
    if (!hit) return undefined;
    writeSecret(this.#requestsPath(channel), { version: 1, requests: pending.filter((r) => r !== hit) });
    if (approve) {
      const allowed = new Set(this.allowed(channel, hit.accountId));
      allowed.add(hit.senderId);
      writeSecret(this.#allowPath(channel, hit.accountId), { version: 1, allowFrom: [...allowed] });
    }
    return hit;
  }

  /** Senders admitted by pairing approvals for an account. */
  allowed(channel: string, accountId: string): string[] {
    const list = readJson(this.#allowPath(channel, accountId))?.allowFrom;
    return Array.isArray(list) ? list.map(String) : [];
  }
}
