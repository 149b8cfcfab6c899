// The logger the gateway imports: a thin named view on a shared pipeline, structurally a ServerLogger.
import { LogPipeline, type PipelineEffects } from "./log-pipeline.ts";
import type { GatewayLogger, GatewayLoggerOptions } from "./types.ts";

export const ROOT_SUBSYSTEM = "gateway";

/** A logger writing JSON lines to the log file and formatted lines to the console. */
export function createGatewayLogger(
  options: GatewayLoggerOptions & { subsystem?: string },
  effects?: PipelineEffects,
): GatewayLogger {
  const { subsystem, ...rest } = options;
  return viewOf(new LogPipeline(rest, effects), subsystem ?? ROOT_SUBSYSTEM);
}

function viewOf(pipeline: LogPipeline, subsystem: string): GatewayLogger {
  return {
    debug: (message, meta) => pipeline.log("debug", subsystem, message, meta),
    info: (message, meta) => pipeline.log("info", subsystem, message, meta),
    warn: (message, meta) => pipeline.log("warn", subsystem, message, meta),
    error: (message, meta) => pipeline.log("error", subsystem, message, meta),
    // Nested names read like the reference's prefixes (`gateway/channels/whatsapp`) and keep
    // `consoleSubsystemFilter: "gateway/ws"` meaningful.
    child: (name) => viewOf(pipeline, subsystem ? `${subsystem}/${name}` : name),
    file: () => pipeline.activeFile(),
    reconfigure: (patch) => pipeline.reconfigure(patch),
    redact: (secret) => pipeline.redact(secret),
    close: () => pipeline.close(),
  };
}
