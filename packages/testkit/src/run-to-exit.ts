import { type SpawnOptions, spawn } from "node:child_process";
import { once } from "node:events";

export interface ProcessExit {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  /** Everything it wrote to stdout and stderr, in arrival order. */
  output: string;
}

/**
 * Runs a command to its end and returns its exit code and output: for
 * start-up checks whose whole answer is an exit code and a message.
 */
export async function runToExit(
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<ProcessExit> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (d) => (output += d));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, output };
}
