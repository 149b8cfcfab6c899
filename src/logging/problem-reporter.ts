// Logging must never stop the gateway, and a broken disk must not flood the console either: each kind
// of failure is reported once, and again only after that operation has succeeded in between.

export class ProblemReporter {
  #active = new Set<string>();

  constructor(private readonly write: (line: string) => void) {}

  /** Reports `kind` unless it is already being reported; never throws. */
  report(kind: string, message: string, error: unknown): void {
    if (this.#active.has(kind)) return;
    this.#active.add(kind);
    const reason = error instanceof Error ? error.message : String(error);
    try {
      this.write(`[logging] ${message}: ${reason} (the gateway keeps running; file logging retries on the next record)`);
    } catch {
      // The console itself is gone; there is nowhere left to report to.
    }
  }

  /** The operation worked again; its next failure is worth reporting. */
  resolved(kind: string): void {
    this.#active.delete(kind);
  }
}
