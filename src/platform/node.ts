// Node built-ins loaded on first use. In the single-file release bundle every static `import … from "node:x"` is
// evaluated at start, wherever it sits, even in a module that itself loads lazily: node:crypto, node:net and
// node:tls alone add ~6 MB of idle memory and ~5 ms of start each (BENCHMARKS.md). Code off the start path
// reaches them through these accessors instead; `require` keeps the call synchronous and Node caches the module.
import type * as ChildProcess from "node:child_process";
import type * as Crypto from "node:crypto";
import type * as Dgram from "node:dgram";
import type * as Dns from "node:dns";
import type * as Net from "node:net";
import type * as Tls from "node:tls";
import type * as Sqlite from "bun:sqlite";

export const nodeCrypto = (): typeof Crypto => require("node:crypto");
export const nodeNet = (): typeof Net => require("node:net");
export const nodeTls = (): typeof Tls => require("node:tls");
export const nodeChildProcess = (): typeof ChildProcess => require("node:child_process");
export const nodeDgram = (): typeof Dgram => require("node:dgram");
export const nodeDns = (): typeof Dns => require("node:dns");
export const bunSqlite = (): typeof Sqlite => require("bun:sqlite");
