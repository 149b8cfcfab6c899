// The automation job and run records as stored and as the RPC returns them (the reference's CronJob shape,
// restricted to the schedule and payload kinds this gateway runs).

export type CronSchedule =
  | { kind: "at"; at: string }
  | { kind: "every"; everyMs: number; anchorMs?: number }
  | { kind: "cron"; expr: string; tz?: string; staggerMs?: number };

export type CronPayload =
  | { kind: "systemEvent"; text: string }
  | { kind: "agentTurn"; message: string; model?: string; timeoutSeconds?: number; thinking?: string; fallbacks?: string[] }
  /** Gateway-owned heartbeat jobs only (never accepted from `cron.add`). */
  | { kind: "heartbeat"; agentId: string };

export interface CronDelivery {
  mode: "none" | "announce" | "webhook";
  channel?: string;
  to?: string;
  accountId?: string;
  threadId?: string | number;
  bestEffort?: boolean;
}

export type RunStatus = "ok" | "error" | "skipped";
export type DeliveryStatus = "delivered" | "not-delivered" | "unknown" | "not-requested";

/** Scheduler-maintained state (the reference's CronJobState subset). */
export interface CronJobState {
  nextRunAtMs?: number;
  runningAtMs?: number;
  lastRunAtMs?: number;
  lastRunStatus?: RunStatus;
  lastStatus?: RunStatus;
  lastError?: string;
  lastDurationMs?: number;
  consecutiveErrors?: number;
  lastDelivered?: boolean;
  lastDeliveryStatus?: DeliveryStatus;
  lastDeliveryError?: string;
}

export interface CronJob {
  id: string;
  agentId?: string;
  sessionKey?: string;
  name: string;
  description?: string;
  enabled: boolean;
  deleteAfterRun?: boolean;
  createdAtMs: number;
  updatedAtMs: number;
  schedule: CronSchedule;
  sessionTarget: string;
  wakeMode: "now" | "next-heartbeat";
  payload: CronPayload;
  delivery?: CronDelivery;
  state: CronJobState;
}

/** What executing a job produced; a thrown error becomes `{status:"error", error}`. */
export interface RunOutcome {
  status: RunStatus;
  error?: string;
  summary?: string;
  sessionKey?: string;
  sessionId?: string;
  delivered?: boolean;
  deliveryStatus?: DeliveryStatus;
  deliveryError?: string;
  model?: string;
  provider?: string;
  usage?: { input_tokens?: number; output_tokens?: number; total_tokens?: number };
}

/** One `cron.runs` entry (the reference's CronRunLogEntry subset); `running` only while it runs. */
export interface RunLogEntry extends Partial<RunOutcome> {
  ts: number;
  jobId: string;
  action: "finished" | "running";
  runId: string;
  runAtMs: number;
  durationMs?: number;
  nextRunAtMs?: number;
}
