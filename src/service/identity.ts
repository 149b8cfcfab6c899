import { ServiceError } from "./types.ts";

/** Service names per profile, as the seeds give them; the default profile has no suffix. */
export interface ServiceIdentity {
  /** `openclaw-gateway[-<profile>].service` */
  systemdUnit: string;
  /** `ai.openclaw.gateway` or `ai.openclaw.<profile>` */
  launchdLabel: string;
  /** `OpenClaw Gateway` or `OpenClaw Gateway (<profile>)` */
  taskName: string;
}

/** Undefined for the default profile (`--profile default` included), else the name. */
export function namedProfile(profile: string | undefined): string | undefined {
  return profile === undefined || profile === "default" ? undefined : profile;
}

/** Derives every native identity from the profile name. */
export function serviceIdentity(profile: string | undefined): ServiceIdentity {
  const name = namedProfile(profile);
  return {
    systemdUnit: name ? `openclaw-gateway-${name}.service` : "openclaw-gateway.service",
    launchdLabel: name ? `ai.openclaw.${name}` : "ai.openclaw.gateway",
    taskName: name ? `OpenClaw Gateway (${name})` : "OpenClaw Gateway",
  };
}

/**
 * Refuses profile names that cannot own a native service: on case-insensitive filesystems (macOS,
 * Windows) `Work` and `work` would share paths, and launchd's `gateway`/`node` collide with the default label.
 */
export function assertServiceProfile(profile: string | undefined, kind: "systemd" | "launchd" | "schtasks"): void {
  const name = namedProfile(profile);
  if (!name || kind === "systemd") return;
  if (name !== name.toLowerCase()) {
    throw new ServiceError("invalid", `Expected a lowercase profile name for a ${kind} service, got ${JSON.stringify(name)}`, "Use a lowercase --profile name.");
  }
  if (kind === "launchd" && (name === "gateway" || name === "node")) {
    throw new ServiceError("invalid", `The profile name ${JSON.stringify(name)} collides with the LaunchAgent label ai.openclaw.${name}`, "Pick another --profile name.");
  }
}
