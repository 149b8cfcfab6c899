import { join } from "node:path";

/** Where the job store lives in a state dir; its own file so the feature can look without opening SQLite. */
export function cronStorePath(stateDir: string): string {
  return join(stateDir, "cron", "jobs.sqlite");
}
