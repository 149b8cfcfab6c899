// Live scope upgrades (`device.scopes.requestUpgrade` → an owner approves → `device.scopes.waitUpgrade`
// returns the new device token): the waiters, bounded and expiring with the pending request.
import { PENDING_TTL_MS } from "./store.ts";

/** What a waiting client gets: approved with its new token and scopes, or rejected / expired. */
export type UpgradeResult =
  | { status: "approved"; requestId: string; deviceToken: string; scopes: string[] }
  | { status: "rejected"; requestId: string }
  | { status: "expired"; requestId: string };

/** Upgrades tracked at once; beyond it a new request is refused as temporarily unavailable. */
export const MAX_UPGRADES = 256;

interface Entry {
  deviceId: string;
  scopes: string[];
  result?: UpgradeResult;
  settle: (result: UpgradeResult) => void;
  done: Promise<UpgradeResult>;
  timer: ReturnType<typeof setTimeout>;
}

export class UpgradeCoordinator {
  readonly #entries = new Map<string, Entry>();

  /** Tracks a request for this device; false when full or owned by another device. */
  register(requestId: string, deviceId: string, scopes: string[]): boolean {
    const existing = this.#entries.get(requestId);
    if (existing) return existing.deviceId === deviceId;
    if (this.#entries.size >= MAX_UPGRADES) return false;
    let settle!: (result: UpgradeResult) => void;
    const done = new Promise<UpgradeResult>((resolve) => (settle = resolve));
    const timer = setTimeout(() => this.resolve(requestId, { status: "expired", requestId }), PENDING_TTL_MS);
    timer.unref?.();
    this.#entries.set(requestId, { deviceId, scopes, settle, done, timer });
    return true;
  }

  /** Scopes the request asked for (to issue the token on approval), if it is tracked. */
  requested(requestId: string): { deviceId: string; scopes: string[] } | undefined {
    const entry = this.#entries.get(requestId);
    return entry && !entry.result ? { deviceId: entry.deviceId, scopes: entry.scopes } : undefined;
  }

  /** Settles a request; its result stays readable for a short grace, then the entry goes. */
  resolve(requestId: string, result: UpgradeResult): void {
    const entry = this.#entries.get(requestId);
    if (!entry || entry.result) return;
    entry.result = result;
    clearTimeout(entry.timer);
    entry.settle(result);
    const cleanup = setTimeout(() => this.#entries.delete(requestId), 60_000);
    cleanup.unref?.();
  }

  /** Waits for the outcome; undefined when unknown or another device's. */
  wait(requestId: string, deviceId: string): Promise<UpgradeResult> | undefined {
    const entry = this.#entries.get(requestId);
    if (!entry || entry.deviceId !== deviceId) return undefined;
    return entry.done;
  }
}
