// The mechanism of device admission on the server side: hand the device feature what the handshake knows
// (Surface.admit) and turn a thrown error into a refusal. The decision itself is the feature's.
import type { AuthOutcome } from "./auth.ts";
import type { UpgradeInfo } from "./listen.ts";
import { isLoopbackAddress, PROXY_HEADERS } from "../surface/net.ts";
import type { ConnectParams } from "../protocol/connect.ts";
import type { Admission, DeviceHandshake } from "../surface/types.ts";

/** A loopback peer with no proxy headers: with one, the real client is somewhere else (spec §2.3 "direct_local"). */
export function isDirectLocal(upgrade: UpgradeInfo): boolean {
  return isLoopbackAddress(upgrade.remoteAddress) && !PROXY_HEADERS.some((h) => h in upgrade.headers);
}

/** Asks the device feature; a failure of the feature is an UNAVAILABLE refusal, never a crash or an admission. */
export async function askAdmission(
  admit: (handshake: DeviceHandshake) => Promise<Admission>,
  facts: { connId: string; nonce: string; params: ConnectParams; role: string; upgrade: UpgradeInfo; shared: AuthOutcome },
  onError: (error: unknown) => void,
): Promise<Admission> {
  const { upgrade, shared } = facts;
  try {
    return await admit({
      connId: facts.connId,
      nonce: facts.nonce,
      params: facts.params,
      role: facts.role,
      local: isDirectLocal(upgrade),
      origin: upgrade.origin,
      remoteAddress: upgrade.remoteAddress,
      shared: shared.ok ? { ok: true, method: shared.method } : { ok: false, error: shared.error, delayMs: shared.delayMs },
    });
  } catch (error) {
    onError(error);
    return { ok: false, error: { code: "UNAVAILABLE", message: "device admission failed", retryable: true } };
  }
}
