import type { CommandRunner, RunResult } from "./types.ts";

/**
 * The real command runner: looks argv[0] up on the given environment's PATH (so test shims placed first
 * on that PATH win) and collects output; never throws for a failing command.
 */
export function createRunner(env: Record<string, string | undefined>, defaultTimeoutMs = 60_000): CommandRunner {
  const childEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return async (argv, opts = {}): Promise<RunResult> => {
    const [name, ...args] = argv;
    if (!name) throw new TypeError("runner needs a command");
    const resolved = Bun.which(name, { PATH: env.PATH ?? env.Path ?? "" });
    if (!resolved) return { code: 127, stdout: "", stderr: `${name}: command not found`, notFound: true };
    const child = Bun.spawn([resolved, ...args], { env: childEnv, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? defaultTimeoutMs);
    try {
      const [stdout, stderr, code] = await Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
        child.exited,
      ]);
      return { code, stdout, stderr };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** `name args…` for messages (arguments with spaces quoted). */
export function formatArgv(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** The most useful line of a failed command's output, for an error message. */
export function failureText(result: RunResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(0, 3).join(" ").trim();
  return text || `exit code ${result.code}`;
}
