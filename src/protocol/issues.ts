import type { z } from "zod";

/**
 * Renders a zod issue the way the reference's Ajv validator words it (spec §2.7, §3.3), because clients
 * and operators match on these texts: `must have required property 'x'`, `at /a/b: must be string`,
 * `at root: unexpected property 'bogus'`, `at /client/id: must be equal to one of the allowed values`.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const where = pointer(issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return `at ${where}: unexpected property '${issue.keys[0]}'`;
    case "invalid_type": {
      if (issue.input === undefined && issue.path.length > 0) {
        const parent = pointer(issue.path.slice(0, -1));
        const name = String(issue.path[issue.path.length - 1]);
        return `${parent === "root" ? "" : `at ${parent}: `}must have required property '${name}'`;
      }
      return `at ${where}: must be ${ajvType(issue.expected)}`;
    }
    case "invalid_value":
      return issue.values.length === 1
        ? `at ${where}: must be equal to constant`
        : `at ${where}: must be equal to one of the allowed values`;
    case "too_small":
      return issue.origin === "string"
        ? `at ${where}: must NOT have fewer than ${issue.minimum} characters`
        : issue.origin === "array"
          ? `at ${where}: must NOT have fewer than ${issue.minimum} items`
          : `at ${where}: must be >= ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `at ${where}: must NOT have more than ${issue.maximum} characters`
        : issue.origin === "array"
          ? `at ${where}: must NOT have more than ${issue.maximum} items`
          : `at ${where}: must be <= ${issue.maximum}`;
    default:
      return `at ${where}: ${issue.message}`;
  }
}

function pointer(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "root" : `/${path.map(String).join("/")}`;
}

function ajvType(expected: string): string {
  return expected === "int" ? "integer" : expected === "record" ? "object" : expected;
}
