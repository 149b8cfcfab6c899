import { expect, test } from "bun:test";
import type { ClientDeclaration } from "../surface/types.ts";
import { sharedDeclaration, sharedScopes } from "./shared-facts.ts";

const cli = (): ClientDeclaration => ({ minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "1", platform: "linux", mode: "cli" }, role: "operator", scopes: ["operator.read"] });

test("equal declarations share one frozen copy; a different one gets its own", () => {
  const first = sharedDeclaration(cli());
  expect(sharedDeclaration(cli())).toBe(first);
  expect(Object.isFrozen(first) && Object.isFrozen(first.client) && Object.isFrozen(first.scopes)).toBe(true);
  const other: ClientDeclaration = { ...cli(), client: { ...cli().client, version: "2" } };
  expect(sharedDeclaration(other)).not.toBe(first);
  expect(sharedDeclaration(other)).toEqual(other);
});

test("scope lists are shared by content and order; empty lists share one", () => {
  expect(sharedScopes(["operator.read", "operator.write"])).toBe(sharedScopes(["operator.read", "operator.write"]));
  expect(sharedScopes(["operator.write", "operator.read"])).not.toBe(sharedScopes(["operator.read", "operator.write"]));
  expect(sharedScopes([])).toBe(sharedScopes([]));
  expect(() => (sharedScopes(["operator.read"]) as string[]).push("operator.admin")).toThrow();
});

test("a declaration too large to keep is used as is, unshared and unfrozen", () => {
  const big: ClientDeclaration = { ...cli(), caps: ["x".repeat(2000)] };
  const out = sharedDeclaration(big);
  expect(out).toBe(big);
  expect(Object.isFrozen(out)).toBe(false);
  expect(sharedDeclaration({ ...cli(), caps: ["x".repeat(2000)] })).not.toBe(out);
});
