// Bootstrap tokens: the short-lived, single-use credential a setup code (QR) carries instead of the gateway's
// shared secret. A device presenting one with a signed identity is paired with the token's profile (roles and
// the operator scopes it may hand off) and gets its device tokens; the bootstrap token is then spent. Stored
// hashed in `<state dir>/devices/bootstrap.json` (0600), so a code survives a restart but its secret never rests.
import { nodeCrypto } from "../platform/node.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { saveDeviceState } from "./state-file.ts";

/** The reference's lifetime of a setup code. */
export const BOOTSTRAP_TTL_MS = 10 * 60_000;
/** Live setup codes kept at once; minting beyond it drops the oldest. */
export const MAX_BOOTSTRAP_TOKENS = 64;

/** Roles and operator scopes a setup code hands off (the reference's closed profiles). */
export interface BootstrapProfile {
  roles: string[];
  scopes: string[];
  purpose?: string;
}

const HANDOFF_SCOPES = ["operator.approvals", "operator.questions", "operator.read", "operator.talk.secrets", "operator.write"];
export const BOOTSTRAP_PROFILES = {
  /** Full native-mobile access: node plus an operator with admin (only over wss:// or loopback). */
  full: { roles: ["node", "operator"], scopes: ["operator.admin", ...HANDOFF_SCOPES], purpose: "mobile-full" },
  /** The same node token, operator access without admin (plaintext LAN, or asked for with --limited). */
  limited: { roles: ["node", "operator"], scopes: [...HANDOFF_SCOPES] },
  node: { roles: ["node"], scopes: [] },
  "voice-node": { roles: ["node", "operator"], scopes: ["operator.read", "operator.talk"], purpose: "voice-node" },
} satisfies Record<string, BootstrapProfile>;
export type ProfileName = keyof typeof BOOTSTRAP_PROFILES;

/** The reference's `access` label of a profile. */
export const accessOf = (name: ProfileName): "full" | "node" | "limited" => (name === "full" ? "full" : name === "node" ? "node" : "limited");

/** A setup code that paired a device (`device.pair.setupStatus`, `device.pair.setup.completed`). */
export interface SetupCompletion {
  setupId: string;
  deviceId: string;
  deviceName?: string;
  access: "full" | "node" | "limited";
  ts: number;
}

interface StoredBootstrap {
  hash: string;
  setupId: string;
  profile: ProfileName;
  issuedAtMs: number;
  expiresAtMs: number;
}

const digest = (token: string) => nodeCrypto().createHash("sha256").update(token).digest("hex");

export class BootstrapTokens {
  readonly #file: string;
  readonly #now: () => number;
  #records: StoredBootstrap[] | undefined;
  #completions: SetupCompletion[] = [];

  constructor(stateDir: string, now: () => number = Date.now) {
    this.#file = join(stateDir, "devices", "bootstrap.json");
    this.#now = now;
  }

  /** Mints a setup token for this profile; the plaintext exists only in the answer. */
  issue(profile: ProfileName): { token: string; setupId: string; expiresAtMs: number } {
    const records = this.#live();
    const token = nodeCrypto().randomBytes(32).toString("base64url");
    const issuedAtMs = this.#now();
    const record: StoredBootstrap = { hash: digest(token), setupId: crypto.randomUUID(), profile, issuedAtMs, expiresAtMs: issuedAtMs + BOOTSTRAP_TTL_MS };
    records.push(record);
    if (records.length > MAX_BOOTSTRAP_TOKENS) records.splice(0, records.length - MAX_BOOTSTRAP_TOKENS);
    this.#save();
    return { token, setupId: record.setupId, expiresAtMs: record.expiresAtMs };
  }

  /** The profile of a live, unspent token (constant-time compare of the hash). */
  check(token: string): { profile: ProfileName; setupId: string } | undefined {
    const want = Buffer.from(digest(token.trim()), "hex");
    const found = this.#live().find((r) => nodeCrypto().timingSafeEqual(Buffer.from(r.hash, "hex"), want));
    return found ? { profile: found.profile, setupId: found.setupId } : undefined;
  }

  /** Spends a token (single use: a second connect with it is refused) and records which device it paired. */
  consume(token: string, device: { deviceId: string; deviceName?: string }): SetupCompletion | undefined {
    const hash = digest(token.trim());
    const records = this.#live();
    const index = records.findIndex((r) => r.hash === hash);
    if (index < 0) return undefined;
    const [spent] = records.splice(index, 1);
    const completion: SetupCompletion = { setupId: spent!.setupId, deviceId: device.deviceId, ...(device.deviceName ? { deviceName: device.deviceName } : {}), access: accessOf(spent!.profile), ts: this.#now() };
    this.#completions = [...this.#completions.filter((c) => this.#now() - c.ts < BOOTSTRAP_TTL_MS * 6), completion].slice(-MAX_BOOTSTRAP_TOKENS);
    this.#save();
    return completion;
  }

  /** How a setup code ended, while it is remembered (an hour). */
  completion(setupId: string): SetupCompletion | undefined {
    this.#live();
    return this.#completions.find((c) => c.setupId === setupId && this.#now() - c.ts < BOOTSTRAP_TTL_MS * 6);
  }

  #live(): StoredBootstrap[] {
    if (!this.#records) {
      try {
        const parsed = JSON.parse(readFileSync(this.#file, "utf8")) as { tokens?: StoredBootstrap[]; completions?: SetupCompletion[] };
        this.#records = Array.isArray(parsed.tokens) ? parsed.tokens : [];
        this.#completions = Array.isArray(parsed.completions) ? parsed.completions : [];
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`bootstrap token store unreadable: ${(error as Error).message}`);
        this.#records = [];
      }
    }
    const now = this.#now();
    this.#records = this.#records.filter((r) => r.expiresAtMs > now && r.issuedAtMs > now - BOOTSTRAP_TTL_MS);
    return this.#records;
  }

  #save(): void {
    saveDeviceState(this.#file, { version: 1, tokens: this.#records, completions: this.#completions });
  }
}
