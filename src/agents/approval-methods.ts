// exec.approval.* over RPC: operators with operator.approvals list pending exec approvals, read one, and
// resolve them (allow-once, allow-always, deny); the waiting tool call continues or is refused.
import { z } from "zod";
import type { AgentsService } from "./methods-shared.ts";
import { ApprovalError } from "./tools/approvals.ts";
import { parseParams } from "../methods/_params.ts";
import type { MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";

const ResolveParams = z
  .object({
    id: z.string().min(1),
    decision: z.string().min(1),
    reviewer: z.object({ channel: z.string().min(1), accountId: z.string().min(1), senderId: z.string().min(1) }).optional(),
    grantExpiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
const GetParams = z.object({ id: z.string().min(1) }).loose();

export function approvalMethods(service: AgentsService): MethodFamily {
  return {
    "exec.approval.list": () => service.approvals.list().map((a) => ({ ...a, approvalKind: "exec" })),

    "exec.approval.get": (params) => {
      const p = parseParams("exec.approval.get", GetParams, params);
      const found = service.approvals.get(p.id);
      if (!found) throw new GatewayError("INVALID_REQUEST", `unknown or expired approval id: ${p.id}`);
      return { ...found, approvalKind: "exec" };
    },

    "exec.approval.resolve": (params) => {
      const p = parseParams("exec.approval.resolve", ResolveParams, params);
      try {
        service.approvals.resolve(p.id, p.decision);
      } catch (error) {
        if (error instanceof ApprovalError) throw new GatewayError("INVALID_REQUEST", error.message);
        throw error;
      }
      return { ok: true };
    },
  };
}
