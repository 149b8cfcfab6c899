import { allowlistCommand } from "./allowlist.ts";

export default allowlistCommand("remove");
