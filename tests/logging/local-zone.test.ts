// Log stamps read the host's offset from its zone file instead of the Date's local fields (no ICU time zone data at
// start): in every zone below, over thousands of instants and every DST switch of a year, the renderings must be
// exactly what the Date's local fields give. Each zone runs in its own process, because TZ is read at start.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";

const ORACLE = join(import.meta.dir, "_zone-oracle.ts");
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham", "America/Sao_Paulo", "Asia/Tehran", "America/Santiago", "America/Havana", "Africa/Casablanca", "Europe/Dublin"];

function run(tz: string | undefined): { checked: number; bad: string[]; count: number } {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  if (tz !== undefined) env.TZ = tz;
  const proc = Bun.spawnSync([process.execPath, ORACLE], { env, stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(proc.stderr.toString());
  return JSON.parse(proc.stdout.toString());
}

describe("local log stamps from the zone file", () => {
  for (const zone of ZONES) {
    test.skipIf(!existsSync(`/usr/share/zoneinfo/${zone}`))(`${zone}: same as the Date's local fields`, () => {
      const result = run(zone);
      expect(result.bad).toEqual([]);
      expect(result.checked).toBeGreaterThan(30_000);
    });
  }

  test("TZ unset (/etc/localtime) and a POSIX rule without a file (the Date decides) agree too", () => {
    expect(run(undefined).bad).toEqual([]);
    expect(run("XYZ-5").bad).toEqual([]);
  });
});
