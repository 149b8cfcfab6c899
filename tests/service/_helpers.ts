// Recording shims of systemctl, loginctl, launchctl, schtasks, tailscale (engineering.md §8): each appends its
// argv to $FAKE_CALLS, keeps state in $FAKE_STATE_DIR, and fails when its arguments contain $FAKE_FAIL.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const PRELUDE = `#!/bin/sh
{ printf '%s' "$(basename "$0")"; for a in "$@"; do printf ' %s' "$a"; done; printf '\\n'; } >> "$FAKE_CALLS"
S="$FAKE_STATE_DIR"
if [ -n "$FAKE_FAIL" ]; then case "$(basename "$0") $*" in *"$FAKE_FAIL"*) echo "\${FAKE_FAIL_MSG:-Failed: refused by fake}" >&2; exit 1 ;; esac; fi
`;

/** Stateful fakes: `active`/`loaded`/`running`/`task` files in $FAKE_STATE_DIR; `pid` holds a real sleeper's PID. */
export const SHIMS: Record<string, string> = {
  systemctl: `
case "$*" in
  *is-active*) if [ -f "$S/active" ]; then echo active; exit 0; else echo inactive; exit 3; fi ;;
  *"--property=MainPID --value"*) if [ -f "$S/pid" ]; then cat "$S/pid"; else echo 0; fi ;;
  *"show --property=ActiveState"*) if [ -f "$S/active" ]; then printf 'ActiveState=active\\nSubState=running\\nMainPID=%s\\nUnitFileState=enabled\\n' "$(cat "$S/pid" 2>/dev/null || echo 0)"; else printf 'ActiveState=inactive\\nSubState=dead\\nMainPID=0\\nUnitFileState=enabled\\n'; fi ;;
  *"enable --now"*|*" start "*|*" restart "*) touch "$S/active" ;;
  *"disable --now"*|*" stop "*) [ -f "$S/pid" ] && kill "$(cat "$S/pid")" 2>/dev/null; rm -f "$S/active" "$S/pid" ;;
esac
exit 0
`,
  loginctl: `
case "$*" in *Linger*) cat "$S/linger" 2>/dev/null || echo yes ;; esac
exit 0
`,
  launchctl: `
case "$1" in
  print)
    if [ -f "$S/loaded" ] && [ "$(cat "$S/loaded")" = "\${2%/*}" ]; then
      echo "$2 = {"; if [ -f "$S/pid" ]; then printf '\\tstate = running\\n\\tpid = %s\\n' "$(cat "$S/pid")"; else printf '\\tstate = not running\\n'; fi; echo "}"; exit 0
    fi
    echo "Bad request. Could not find service \\"\${2##*/}\\" in domain for user gui: 501" >&2; exit 113 ;;
  print-disabled) echo "disabled services = {"; [ -f "$S/disabled" ] && printf '\\t"%s" => disabled\\n' "$(cat "$S/disabled")"; echo "}" ;;
  enable) rm -f "$S/disabled" ;;
  disable) echo "\${2##*/}" > "$S/disabled" ;;
  bootstrap) echo "$2" > "$S/loaded" ;;
  bootout) [ -f "$S/pid" ] && kill "$(cat "$S/pid")" 2>/dev/null; rm -f "$S/loaded" "$S/pid" ;;
esac
exit 0
`,
  schtasks: `
case "$1" in
  /Query)
    if [ "$2" = /FO ]; then [ -f "$S/task" ] && echo '"\\\\OpenClaw Gateway","N/A","Ready"'; cat "$S/others" 2>/dev/null; exit 0; fi
    if [ ! -f "$S/task" ]; then echo "ERROR: The system cannot find the file specified." >&2; exit 1; fi
    st=Ready; [ -f "$S/running" ] && st=Running
    en=Enabled; [ -f "$S/disabled" ] && en=Disabled
    printf 'Folder: \\\\\\r\\nHostName:      PC\\r\\nTaskName:      \\\\%s\\r\\nStatus:        %s\\r\\nTask To Run:   openclaw.exe gateway\\r\\nScheduled Task State:   %s\\r\\n' "$3" "$st" "$en" ;;
  /Create) touch "$S/task" ;;
  /Run) touch "$S/running" ;;
  /End) [ -f "$S/pid" ] && kill "$(cat "$S/pid")" 2>/dev/null; rm -f "$S/running" "$S/pid" ;;
  /Delete) rm -f "$S/task" ;;
  /Change) case "$*" in *DISABLE*) touch "$S/disabled" ;; *ENABLE*) rm -f "$S/disabled" ;; esac ;;
esac
exit 0
`,
  "cmd.exe": "exit 0\n",
  taskkill: `[ -f "$S/pid" ] && kill "$(cat "$S/pid")" 2>/dev/null; rm -f "$S/pid"; exit 0\n`,
  tailscale: `
case "$*" in
  "serve status --json") cat "$S/serve.json" 2>/dev/null || echo '{}' ;;
  version) echo 1.80.0 ;;
esac
exit 0
`,
};

export interface Sandbox {
  root: string;
  home: string;
  bin: string;
  state: string;
  calls: string;
  /** Env for the runner / CLI: shims first on PATH, HOME in the sandbox. */
  env: Record<string, string>;
  /** Recorded calls, one line each. */
  readCalls(): string[];
  clearCalls(): void;
  /** Starts a real process whose PID the fake supervisor reports (killed by the fake stop). */
  sleeper(): number;
  /** Writes a file in the fake supervisor's state dir. */
  setState(name: string, text?: string): void;
  hasState(name: string): boolean;
  cleanup(): void;
}

const sleepers = new Set<Subprocess>();

/** A temp HOME with recording shims; `only` limits which shims exist (to test a missing CLI). */
export function sandbox(only?: string[]): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "openclaw-svc-"));
  const home = join(root, "home");
  const bin = join(root, "bin");
  const state = join(root, "state");
  const calls = join(root, "calls.log");
  for (const dir of [home, bin, state]) mkdirSync(dir, { recursive: true });
  writeFileSync(calls, "");
  for (const [name, body] of Object.entries(SHIMS)) {
    if (only && !only.includes(name)) continue;
    writeFileSync(join(bin, name), PRELUDE + body);
    chmodSync(join(bin, name), 0o755);
  }
  const env: Record<string, string> = {
    HOME: home,
    USER: "alice",
    PATH: `${bin}:/usr/bin:/bin`,
    FAKE_CALLS: calls,
    FAKE_STATE_DIR: state,
    NO_COLOR: "1",
  };
  return {
    root,
    home,
    bin,
    state,
    calls,
    env,
    readCalls: () => readFileSync(calls, "utf8").split("\n").filter(Boolean),
    clearCalls: () => writeFileSync(calls, ""),
    sleeper() {
      const proc = Bun.spawn(["sleep", "60"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      sleepers.add(proc);
      writeFileSync(join(state, "pid"), String(proc.pid));
      return proc.pid;
    },
    setState: (name, text = "") => writeFileSync(join(state, name), text),
    hasState: (name) => {
      try {
        readFileSync(join(state, name));
        return true;
      } catch {
        return false;
      }
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Kills every sleeper a test file started (afterAll). */
export async function killSleepers(): Promise<void> {
  for (const proc of sleepers) proc.kill("SIGKILL");
  await Promise.all([...sleepers].map((p) => p.exited));
  sleepers.clear();
}

/** A config file that lets the gateway start (gateway.mode local) on a port. */
export function writeConfig(stateDir: string, config: Record<string, unknown>): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify(config, null, 2), { mode: 0o600 });
}

/** Every file under a directory, recursively, as text (for "no token anywhere" checks). */
export function allText(dir: string): string {
  let out = "";
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) out += allText(path);
    else out += `\n--- ${path}\n` + readFileSync(path).toString("latin1") + readFileSync(path).toString("utf16le");
  }
  return out;
}
