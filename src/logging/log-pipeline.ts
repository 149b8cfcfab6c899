// The state every logger of one tree shares (a child is only a different subsystem name): settings,
// secrets, the file writer and the repeat coalescer. Records flow: level gate → redact → coalesce →
// file and console, each with its own level. Nothing here throws into the caller.
import { formatConsoleLine } from "./console-format.ts";
import { isErrorStream, lowestLevel, passes } from "./levels.ts";
import { LogFileWriter } from "./log-file-writer.ts";
import { nodeLogFileSystem, type LogFileSystem } from "./log-fs.ts";
import { mergeLoggerOptions, resolveLoggerOptions, sameFileSettings, type ResolvedLoggerOptions } from "./logger-options.ts";
import { ProblemReporter } from "./problem-reporter.ts";
import { currentOrigin } from "./record-origin.ts";
import { fileLine, type LogEvent } from "./record.ts";
import { SecretRedactor } from "./redactor.ts";
import { RepeatCoalescer, unrefTimer, type ScheduleTimer } from "./repeat-coalescer.ts";
import type { GatewayLoggerOptions, LogLevel, LogMeta } from "./types.ts";

/** Side effects a test may replace; the public factory always uses the real ones. */
export interface PipelineEffects {
  fs?: LogFileSystem;
  schedule?: ScheduleTimer;
}

export class LogPipeline {
  #options: GatewayLoggerOptions;
  #settings: ResolvedLoggerOptions;
  #closed = false;
  readonly #redactor = new SecretRedactor();
  readonly #origin = currentOrigin();
  readonly #problems = new ProblemReporter((line) => this.#settings.console.err(line));
  readonly #writer: LogFileWriter;
  readonly #coalescer: RepeatCoalescer;

  constructor(options: GatewayLoggerOptions, effects: PipelineEffects = {}) {
    this.#options = { ...options };
    this.#settings = resolveLoggerOptions(this.#options);
    this.#writer = new LogFileWriter(this.#settings.fileSettings, effects.fs ?? nodeLogFileSystem, this.#problems, this.#now());
    this.#coalescer = new RepeatCoalescer((event) => this.#dispatch(event), effects.schedule ?? unrefTimer);
  }

  log(level: LogLevel, subsystem: string, message: string, meta: LogMeta | undefined): void {
    const settings = this.#settings;
    if (!passes(level, lowestLevel(settings.level, settings.consoleLevel))) return;
    try {
      const event: LogEvent = {
        time: this.#now(),
        level,
        subsystem: this.#redactor.text(subsystem),
        message: this.#redactor.text(String(message)),
        meta: meta === undefined ? undefined : this.#safeMeta(meta),
      };
      if (this.#closed) this.#dispatch(event);
      else this.#coalescer.push(event);
    } catch (error) {
      this.#problems.report("record", "cannot format a log record", error);
    }
  }

  activeFile(): string {
    return this.#writer.activePath(this.#now());
  }

  reconfigure(patch: Partial<GatewayLoggerOptions>): void {
    this.#coalescer.flush();
    const previous = this.#settings;
    this.#options = mergeLoggerOptions(this.#options, patch);
    this.#settings = resolveLoggerOptions(this.#options);
    if (!sameFileSettings(previous.fileSettings, this.#settings.fileSettings)) {
      this.#writer.configure(this.#settings.fileSettings, this.#now());
    }
  }

  redact(secret: string): void {
    this.#redactor.add(secret);
  }

  close(): void {
    this.#coalescer.flush();
    // Later records (a shutdown message after close) are still written, just not coalesced.
    this.#closed = true;
  }

  #dispatch(event: LogEvent): void {
    const settings = this.#settings;
    const toFile = passes(event.level, settings.level);
    const filter = settings.consoleSubsystemFilter;
    const toConsole = passes(event.level, settings.consoleLevel) && (!filter || event.subsystem.startsWith(filter));
    if (!toFile && !toConsole) return;
    const line = fileLine(event, this.#origin);
    if (toFile) this.#writer.write(line, event.time);
    if (toConsole) this.#writeConsole(event, line);
  }

  #writeConsole(event: LogEvent, line: string): void {
    const { consoleStyle, color, console } = this.#settings;
    const text = formatConsoleLine(event, consoleStyle, color, line);
    try {
      if (isErrorStream(event.level)) console.err(text);
      else console.out(text);
    } catch {
      // A closed stdout (EPIPE after the terminal went away) must not stop the gateway; the file has it.
    }
  }

  #safeMeta(meta: LogMeta): LogMeta {
    const clean = this.#redactor.value(meta);
    return clean !== null && typeof clean === "object" && !Array.isArray(clean) ? (clean as LogMeta) : { meta: clean };
  }

  // A broken injected clock must not break logging: fall back to the real one.
  #now(): Date {
    try {
      const time = this.#settings.now();
      if (time instanceof Date && !Number.isNaN(time.getTime())) return time;
    } catch {
      // fall through
    }
    return new Date();
  }
}
