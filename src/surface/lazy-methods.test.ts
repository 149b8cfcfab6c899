// A lazy family loads its module once for all its methods, and a load that failed is tried again on the next call.
import { expect, test } from "bun:test";
import { lazyMethods } from "./lazy-methods.ts";

const ctx = {} as never;

test("one load serves every method and call", async () => {
  let loads = 0;
  const family = lazyMethods(["a", "b"], async () => {
    loads++;
    return { a: async () => "A", b: async (params) => params };
  });
  expect(await Promise.all([family.a!(undefined, ctx), family.b!(7, ctx), family.a!(undefined, ctx)])).toEqual(["A", 7, "A"]);
  expect(loads).toBe(1);
});

test("a failed load rejects the call and is retried by the next one", async () => {
  let loads = 0;
  const family = lazyMethods(["a"], async () => {
    if (++loads === 1) throw new Error("module failed");
    return { a: async () => "ok" };
  });
  await expect(family.a!(undefined, ctx)).rejects.toThrow("module failed");
  expect(await family.a!(undefined, ctx)).toBe("ok");
  expect(loads).toBe(2);
});

test("a name its module lacks is an error, not a silent undefined", async () => {
  const family = lazyMethods(["gone"], async () => ({}));
  await expect(family.gone!(undefined, ctx)).rejects.toThrow("lazy method gone missing from its module");
});
