// The file half of the logger: picks the active file (fixed, or daily by local date), rolls at local
// midnight using the clock of each record, rotates by size, prunes old daily files, and turns every fs
// failure into a one-time console report. `write` never throws.
import { dirname, join, resolve } from "node:path";
import type { LogFileSystem } from "./log-fs.ts";
import type { ProblemReporter } from "./problem-reporter.ts";
import { pruneDailyFiles } from "./retention.ts";
import { needsRotation, rotateBySize } from "./size-rotation.ts";
import { localDateKey, localDayBounds } from "./time-format.ts";

export interface LogFileSettings {
  /** Fixed path; when unset, daily files in `dir`. */
  file?: string;
  dir: string;
  filePrefix: string;
  maxFileBytes: number;
  retentionDays: number;
}

export class LogFileWriter {
  #settings: LogFileSettings;
  #path = "";
  // Bounds of the local day the daily path belongs to; a record outside them (midnight passed, or the
  // clock stepped back) picks the path again. Two number comparisons per record.
  #dayStart = 0;
  #dayEnd = 0;
  // Bytes in the active file as far as we know; -1 means "stat it before the next write".
  #size = -1;

  constructor(
    settings: LogFileSettings,
    private readonly fs: LogFileSystem,
    private readonly problems: ProblemReporter,
    now: Date,
  ) {
    this.#settings = settings;
    this.#select(now);
  }

  /** Switches to new settings (hot reload); the next record goes to the newly selected file. */
  configure(settings: LogFileSettings, now: Date): void {
    this.#settings = settings;
    this.#path = "";
    this.#dayStart = this.#dayEnd = 0;
    this.#select(now);
  }

  /** The file a record at `now` is written to. */
  activePath(now: Date): string {
    this.#select(now);
    return this.#path;
  }

  /** Appends one line (newline added); failures are reported once and retried on the next record. */
  write(line: string, now: Date): void {
    this.#select(now);
    const data = `${line}\n`;
    const bytes = Buffer.byteLength(data);
    try {
      if (this.#size < 0) {
        this.fs.ensureDir(dirname(this.#path));
        this.#size = this.fs.size(this.#path);
      }
      if (needsRotation(this.#size, bytes, this.#settings.maxFileBytes)) this.#rotate();
      this.fs.append(this.#path, data);
      this.#size += bytes;
      this.problems.resolved("write");
    } catch (error) {
      this.#size = -1;
      this.problems.report("write", `cannot write log file ${this.#path}`, error);
    }
  }

  #rotate(): void {
    try {
      rotateBySize(this.fs, this.#path);
      this.#size = 0;
      this.problems.resolved("rotate");
    } catch (error) {
      // Keep appending past the cap rather than going blind (field lessons, #58583); the size stays over
      // the cap, so the rotation is retried with the next record.
      this.problems.report("rotate", `cannot rotate log file ${this.#path}`, error);
    }
  }

  #select(now: Date): void {
    const { file } = this.#settings;
    if (file !== undefined) {
      if (this.#path === "") this.#switchTo(resolve(file));
      return;
    }
    const t = now.getTime();
    if (this.#path !== "" && t >= this.#dayStart && t < this.#dayEnd) return;
    const bounds = localDayBounds(now);
    this.#dayStart = bounds.start;
    this.#dayEnd = bounds.end;
    const path = join(resolve(this.#settings.dir), `${this.#settings.filePrefix}-${localDateKey(now)}.log`);
    if (path !== this.#path) this.#switchTo(path);
    // At start-up and at every day roll (spec of the retention option).
    this.#prune(now);
  }

  #switchTo(path: string): void {
    this.#path = path;
    this.#size = -1;
  }

  #prune(today: Date): void {
    const { dir, filePrefix, retentionDays } = this.#settings;
    try {
      pruneDailyFiles(this.fs, { dir: resolve(dir), prefix: filePrefix, retentionDays, today });
      this.problems.resolved("prune");
    } catch (error) {
      this.problems.report("prune", `cannot prune old log files in ${dir}`, error);
    }
  }
}
