// Entry of the `parallax` command: dispatches to one module per subcommand.

const USAGE = `usage:
  parallax info FILE... [--json] [--utc-offset ±HH:MM]
  parallax diff A B [C ...] [--offset SECONDS] [--skew PPM] [--json FILE|-] [--packets] [--utc-offset ±HH:MM]
    (captures in path order, the first nearest the client; --offset/--skew for two files only)`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  info: async () => (await import("./info")).runInfo,
  diff: async () => (await import("./diff")).runDiff,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`${USAGE}\n`);
    return name === "--help" || name === "-h" ? 0 : 2;
  }
  return (await load())(rest);
}
