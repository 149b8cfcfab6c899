#!/usr/bin/env bun
// `bun bench/scale.ts [--quick] [--only cron] [--bin path/to/openclaw]`: only the scale rows of `npm run bench` (issue 21 §4),
// against a binary built from this checkout (or the one given), printed as the same table.
import { buildBinaries } from "./_build.ts";
import { table } from "./_report.ts";
import { scaleRows } from "./_rows-scale.ts";

const argv = process.argv.slice(2);
const t0 = performance.now();
const bins = await buildBinaries({ bin: argv.includes("--bin") ? argv[argv.indexOf("--bin") + 1] : undefined });
const { rows } = await scaleRows(bins, argv.includes("--quick") ? "quick" : "full", (what) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${what}`), argv.includes("--only") ? "cron" : undefined);
console.log(table(rows));
