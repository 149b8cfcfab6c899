import type { z } from "zod";
import { GatewayError } from "../protocol/errors.ts";
import { describeIssue } from "../protocol/issues.ts";

/** Parses method params with a zod schema; failures read like the reference's (`invalid <m> params: at root: …`). */
export function parseParams<T extends z.ZodType>(method: string, schema: T, params: unknown): z.infer<T> {
  const result = schema.safeParse(params ?? {});
  if (result.success) return result.data;
  throw new GatewayError("INVALID_REQUEST", `invalid ${method} params: ${describeIssue(result.error.issues[0]!)}`);
}
