/** Resolves after `ms`; one helper instead of `Bun.sleep` everywhere, so the core stays runtime-neutral. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
