/** Version and commit are injected by `build.ts` through `--define`; from source they fall back to package.json / "dev". */
declare const OPENCLAW_BUILD_VERSION: string | undefined;
declare const OPENCLAW_BUILD_COMMIT: string | undefined;

export const VERSION: string =
  typeof OPENCLAW_BUILD_VERSION === "string" ? OPENCLAW_BUILD_VERSION : "0.1.0";
export const COMMIT: string = typeof OPENCLAW_BUILD_COMMIT === "string" ? OPENCLAW_BUILD_COMMIT : "dev";

/** The one-line banner `openclaw --version` prints. */
export const versionLine = (): string => `OpenClaw ${VERSION} (${COMMIT})`;
