/** A bind decision: where to listen, and why (printed at start-up). Features read it (the beacon's TXT). */
export interface BindPlan {
  mode: string;
  /** Hosts to listen on, the first one primary; loopback adds ::1 when the host has IPv6. */
  hosts: string[];
  /** True when only this machine can connect (no auth needed for `auth: none`). */
  loopbackOnly: boolean;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms: the peers that are this machine. */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.replace(/^::ffff:/, "");
  return plain.startsWith("127.") || plain === "::1" || plain === "localhost";
}

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever its socket address says. */
export const PROXY_HEADERS = ["x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host"] as const;
