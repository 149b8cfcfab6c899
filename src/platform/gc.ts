/** A full synchronous garbage collection; the one `Bun.gc` of the gateway, kept at this edge like `sleep`. */
export function collectGarbage(): void {
  Bun.gc(true);
}
