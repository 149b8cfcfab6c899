import { escapeXml } from "./plist.ts";
import type { ServiceSpec } from "./types.ts";

/** Quotes one argument the way CommandLineToArgvW reads it back (backslashes doubled only before quotes). */
export function quoteWindowsArg(arg: string): string {
  if (arg !== "" && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const c of arg) {
    if (c === "\\") slashes++;
    else {
      out += "\\".repeat(c === '"' ? slashes * 2 + 1 : slashes) + c;
      slashes = 0;
    }
  }
  return out + "\\".repeat(slashes * 2) + '"';
}

/** Splits a command line as CommandLineToArgvW does (enough for our own task's Task To Run). */
export function splitWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = "";
  let quoted = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\") {
      let n = 0;
      while (line[i] === "\\") n++, i++;
      if (line[i] === '"') {
        current += "\\".repeat(n >> 1);
        if (n % 2 === 1) current += '"';
        else quoted = !quoted;
      } else {
        current += "\\".repeat(n);
        i--;
      }
      started = true;
    } else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if (/\s/.test(c) && !quoted) {
      if (started) args.push(current);
      current = "";
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

export interface TaskXmlOptions {
  taskName: string;
  /** `DOMAIN\user` (or just the user) the task runs as. */
  userId: string;
}

/**
 * The Task Scheduler definition: the binary itself as the action (no .cmd, so no console window to close),
 * no execution time limit, restart on failure, one logon (or boot) trigger without repetition.
 */
export function renderTaskXml(spec: ServiceSpec, opts: TaskXmlOptions): string {
  const [command, ...args] = spec.program;
  const x = escapeXml;
  const trigger = spec.unattended
    ? ["    <BootTrigger>", "      <Enabled>true</Enabled>", "    </BootTrigger>"]
    : ["    <LogonTrigger>", "      <Enabled>true</Enabled>", `      <UserId>${x(opts.userId)}</UserId>`, "    </LogonTrigger>"];
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    "  <RegistrationInfo>",
    `    <Description>${x(`OpenClaw Gateway (profile: ${spec.profile ?? "default"}, v${spec.version}), written by openclaw gateway install`)}</Description>`,
    `    <URI>${x(`\\${opts.taskName}`)}</URI>`,
    "  </RegistrationInfo>",
    "  <Triggers>",
    ...trigger,
    "  </Triggers>",
    "  <Principals>",
    '    <Principal id="Author">',
    `      <UserId>${x(opts.userId)}</UserId>`,
    // S4U runs without a logged-on user (unattended servers, #143757) and without an interactive window.
    `      <LogonType>${spec.unattended ? "S4U" : "InteractiveToken"}</LogonType>`,
    "      <RunLevel>LeastPrivilege</RunLevel>",
    "    </Principal>",
    "  </Principals>",
    "  <Settings>",
    "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
    "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>",
    "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>",
    "    <AllowHardTerminate>true</AllowHardTerminate>",
    "    <StartWhenAvailable>true</StartWhenAvailable>",
    "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>",
    "    <IdleSettings>",
    "      <StopOnIdleEnd>false</StopOnIdleEnd>",
    "      <RestartOnIdle>false</RestartOnIdle>",
    "    </IdleSettings>",
    "    <AllowStartOnDemand>true</AllowStartOnDemand>",
    "    <Enabled>true</Enabled>",
    "    <Hidden>false</Hidden>",
    "    <RunOnlyIfIdle>false</RunOnlyIfIdle>",
    "    <WakeToRun>false</WakeToRun>",
    // The default limit (PT72H) stopped the gateway after three days (#81017).
    "    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>",
    "    <Priority>7</Priority>",
    "    <RestartOnFailure>",
    "      <Interval>PT1M</Interval>",
    "      <Count>999</Count>",
    "    </RestartOnFailure>",
    "  </Settings>",
    '  <Actions Context="Author">',
    "    <Exec>",
    `      <Command>${x(command ?? "")}</Command>`,
    `      <Arguments>${x(args.map(quoteWindowsArg).join(" "))}</Arguments>`,
    `      <WorkingDirectory>${x(spec.workingDirectory)}</WorkingDirectory>`,
    "    </Exec>",
    "  </Actions>",
    "</Task>",
    "",
  ].join("\r\n");
}

/** UTF-16LE with a BOM: the encoding the XML declares and `schtasks /Create /XML` expects. */
export function encodeUtf16(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[2 + i * 2] = code & 0xff;
    bytes[3 + i * 2] = code >> 8;
  }
  return bytes;
}

/** Decodes a task XML file written by encodeUtf16 (or plain UTF-8). */
export function decodeTaskFile(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  return new TextDecoder().decode(bytes);
}

/** Command and arguments of our task XML. */
export function parseTaskXml(text: string): string[] {
  const grab = (tag: string) => {
    const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(text);
    return m ? m[1]!.replace(/&(amp|lt|gt|quot|apos);/g, (_w, n: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[n]!) : "";
  };
  const command = grab("Command");
  return command ? [command, ...splitWindowsCommandLine(grab("Arguments"))] : [];
}
