import { expect, test } from "bun:test";
import { SecretRedactor } from "./redactor.ts";

test("a long secret is masked anywhere, even inside other text", () => {
  const r = new SecretRedactor();
  r.add("s3cr3t-token-value");
  expect(r.text("auth=s3cr3t-token-value; x=prefixs3cr3t-token-valuesuffix")).toBe("auth=***; x=prefix***suffix");
});

test("a short secret is masked where it stands alone, never inside words", () => {
  const r = new SecretRedactor();
  r.add("t");
  expect(r.text("[gateway] listening on ws://127.0.0.1:1")).toBe("[gateway] listening on ws://127.0.0.1:1");
  expect(r.text("token t refused; auth=t")).toBe("token *** refused; auth=***");
  r.add("a.b+c");
  expect(r.text("secret a.b+c here, xa.b+c not")).toBe("secret *** here, xa.b+c not");
});

test("values inside objects are redacted the same way", () => {
  const r = new SecretRedactor();
  r.add("t");
  expect(r.value({ message: "started", token: "t" })).toEqual({ message: "started", token: "***" });
});
