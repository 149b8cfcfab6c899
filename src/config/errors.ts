/** Why a config operation failed; the CLI maps each code to one clear message and exit 1. */
export type ConfigErrorCode =
  | "EREAD" // file exists but cannot be read
  | "EPARSE" // JSON5 syntax error (has line/col)
  | "ESCHEMA" // schema validation failed (has issues)
  | "EENV" // ${VAR} names a missing variable (has keyPath)
  | "EPATH" // a config path argument is malformed or absent
  | "EWRITE" // the atomic write failed; the old file is intact
  | "EPROFILE" // bad --profile / --dev / --reset combination
  | "EINPUT" // a flag or environment value is out of range
  | "ECONFLICT"; // the file changed since the caller read it (baseHash mismatch)

/** One schema problem, with the dotted key path it concerns. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** The config boundary's only error class: message for people, fields for code. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code: ConfigErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly keyPath?: string;
  readonly issues: ConfigIssue[];

  constructor(
    code: ConfigErrorCode,
    message: string,
    details: {
      file?: string;
      line?: number;
      column?: number;
      keyPath?: string;
      issues?: ConfigIssue[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
    this.code = code;
    this.file = details.file;
    this.line = details.line;
    this.column = details.column;
    this.keyPath = details.keyPath;
    this.issues = details.issues ?? [];
  }
}
