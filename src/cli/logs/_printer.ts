// Output of `openclaw logs`: text lines (or JSON records with --json) for each `logs.tail` result, plus
// notices: file rotation/truncation on stdout in stream order, connection trouble on stderr.
import type { CliContext } from "../context.ts";
import { painter } from "../gateway/_style.ts";
import { formatLogLine, parseLogLine } from "./_lines.ts";

/** The `logs.tail` payload (spec §3.3). */
export interface TailResult {
  file: string;
  cursor: number;
  size: number;
  lines: string[];
  truncated?: boolean;
  reset?: boolean;
  skippedBytes?: number;
}

export class LogPrinter {
  readonly #ctx: CliContext;
  readonly #json: boolean;
  readonly #utc: boolean;
  readonly #paint: ReturnType<typeof painter>;
  #file: string | undefined;

  constructor(ctx: CliContext, options: { json: boolean; utc: boolean; color: boolean }) {
    this.#ctx = ctx;
    this.#json = options.json;
    this.#utc = options.utc;
    this.#paint = painter(options.color);
  }

  /** Prints one result: the file header when it changes, rotation/skip notices, then the lines. */
  result(result: TailResult, first: boolean): void {
    if (result.file !== this.#file) {
      this.#file = result.file;
      if (this.#json) this.#record({ type: "meta", file: result.file, sourceKind: "file", cursor: result.cursor, size: result.size });
      else this.#ctx.out(this.#paint("muted", `Log file: ${result.file}`));
    }
    if (result.reset && !first) this.#notice("reset", `log file ${result.file} was rotated or truncated; reading it from the start`);
    if (result.skippedBytes && !first) this.#notice("skipped", `skipped ${result.skippedBytes} bytes (a line longer than --max-bytes, or lines beyond the window)`);
    for (const line of result.lines) {
      const parsed = parseLogLine(line);
      if (this.#json) {
        if (!parsed) this.#record({ type: "raw", raw: line });
        else {
          const record: Record<string, unknown> = { type: "log", time: parsed.time, level: parsed.level };
          if (parsed.subsystem) record.subsystem = parsed.subsystem;
          record.message = parsed.message;
          record.raw = line;
          this.#record(record);
        }
      } else {
        this.#ctx.out(parsed ? formatLogLine(parsed, { utc: this.#utc, paint: this.#paint }) : line);
      }
    }
  }

  /** Connection trouble and recovery: stderr, as `{"type":"notice"}` with --json. */
  connectionNotice(message: string, extra: Record<string, unknown>): void {
    this.#ctx.err(this.#json ? JSON.stringify({ type: "notice", message, ...extra }) : this.#paint("warn", message));
  }

  #notice(kind: string, message: string): void {
    if (this.#json) this.#record({ type: "notice", kind, message });
    else this.#ctx.out(this.#paint("warn", `[logs] ${message}`));
  }

  #record(value: Record<string, unknown>): void {
    this.#ctx.out(JSON.stringify(value));
  }
}
