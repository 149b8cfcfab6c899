// Temporary stub, replaced by the real command router in the Foundation work.
export async function runCli(argv: string[]): Promise<number> {
  console.error(`openclaw: not implemented yet: ${argv.join(" ")}`);
  return 1;
}
