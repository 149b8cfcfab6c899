// Method handlers whose module loads on the first call: a feature advertises its names at mount and pays for
// the code only when a client uses it.
import type { MethodFamily, MethodHandler } from "../methods/types.ts";

/** A family of these names, each forwarding to the family `load` resolves (loaded once, on first use). */
export function lazyMethods(names: readonly string[], load: () => Promise<MethodFamily>): MethodFamily {
  let family: Promise<MethodFamily> | undefined;
  const entry = (name: string): MethodHandler => async (params, ctx) => {
    // A failed load is forgotten so the next call tries again; the handler is attached once, not per call.
    family ??= load().catch((error: unknown) => {
      family = undefined;
      throw error;
    });
    const handler = (await family)[name];
    if (!handler) throw new Error(`lazy method ${name} missing from its module`);
    return handler(params, ctx);
  };
  return Object.fromEntries(names.map((name) => [name, entry(name)]));
}
