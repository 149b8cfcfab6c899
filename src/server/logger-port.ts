/** The slice of the logger the server core uses; src/logging implements it, and the core sees nothing else (style habit 14). */
export interface ServerLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  child(subsystem: string): ServerLogger;
}
