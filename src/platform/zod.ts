// zod for code that builds its schemas on first use through `require` (synchronous, and lazy in the bundle):
// requiring this ESM module keeps the one ESM copy of zod, where `require("zod")` would bundle its CJS build too.
export { z } from "zod";
