import type { MethodFamily } from "./types.ts";

/** `system-presence`: the gateway itself plus connected UI/node clients (cli, probe and backend are not listed). */
export const presenceMethods: MethodFamily = {
  "system-presence": (_params, { gateway }) => gateway.presence(),
};
