// Public surface of the logging subsystem; the gateway server imports only from here.
export type {
  ConsoleSink,
  ConsoleStyle,
  GatewayLogger,
  GatewayLoggerOptions,
  LogLevel,
  LogMeta,
  LogTailRequest,
  LogTailResult,
  SinkLevel,
} from "./types.ts";
export { createGatewayLogger } from "./gateway-logger.ts";
export { readLogTail } from "./log-tail.ts";
export { currentOrigin, ownRecords, type RecordOrigin } from "./record-origin.ts";
